// PTB-XL in its own layout (PhysioNet ptb-xl 1.0.x): ptbxl_database.csv indexes every record with
// its patient, demographics and SCP-ECG statements; signals are WFDB format 16 in records500/
// (500 Hz, preferred by default) and records100/ (100 Hz).
//
// Demographics: sex 0 = male, 1 = female. PTB-XL sets the age of patients over 89 to 300 (HIPAA);
// those read as 90 with a note. patient_id is written as a float ('15709.0') and is read as an integer id.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { WfdbFramedReading, WfdbReading } from '../formats/index.js';
import { FormatError } from '../formats/types.js';
import { csvHeader, openCsvTable } from './csv.js';
import { commentFacts, labelsFromComments } from './header-comments.js';
import { parseScpCodes, ptbxlCodes } from './ptbxl-scp.js';
import type { Candidate, DatasetAdapter, Loaded, RecordMeta, ScanReport } from './types.js';
import { readWfdbRecord, readWfdbRecordFramed, wfdbFormatName, wfdbSourcePath } from './wfdb-read.js';

export const PTBXL_INDEX = 'ptbxl_database.csv';
export const PTBXL_COLUMNS = ['ecg_id', 'patient_id', 'age', 'sex', 'scp_codes', 'filename_lr', 'filename_hr'] as const;

export interface PtbxlOptions {
  /** Which copy of the signals to read: 500 Hz (records500, default) or 100 Hz (records100). */
  readonly rate?: 500 | 100;
}

/** '15709.0' -> '15709'; '' -> null. */
function patientId(value: string): string | null {
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'nan') return null;
  const n = Number(v);
  return Number.isInteger(n) ? String(n) : v;
}

/** A PTB-XL record: patient, age, sex, statements and date from ptbxl_database.csv (the scan's hints). */
function describe<R extends WfdbReading | WfdbFramedReading>(candidate: Candidate, reading: R): Loaded<R> {
  const header = reading.header;
  const hints = candidate.hints ?? {};
  const notes: string[] = [];
  let age = typeof hints.age === 'number' ? hints.age : null;
  if (age !== null && age >= 300) {
    age = 90;
    notes.push('age over 89 (PTB-XL writes 300): read as 90');
  }
  if (typeof hints.fallback === 'string') notes.push(hints.fallback);
  const csvCodes = typeof hints.codes === 'string' && hints.codes !== '' ? hints.codes.split(';') : [];
  const patient = typeof hints.patient === 'string' ? hints.patient : null;
  // The index is the source; header comments (none in the release) fill only what a row leaves empty.
  const facts = commentFacts(header.comments);
  const fromComments = csvCodes.length ? null : labelsFromComments(facts);
  const codes = fromComments ? fromComments.codes : csvCodes;
  if (fromComments) notes.push(...fromComments.notes);
  const meta: RecordMeta = {
    record: typeof hints.record === 'string' ? hints.record : header.record,
    center: 'PTB-XL',
    patient,
    ...(patient === null && facts.patientId !== null ? { patientId: facts.patientId } : {}),
    ...(fromComments?.statements.length ? { statements: fromComments.statements } : {}),
    age,
    sex: hints.sex === 'M' || hints.sex === 'F' ? hints.sex : null,
    codes,
    recordedAt: typeof hints.recordedAt === 'string' ? hints.recordedAt : null,
    sourcePath: wfdbSourcePath(candidate.path, header),
    format: wfdbFormatName(header),
    notes,
  };
  return { meta, reading };
}

export function createPtbxlAdapter(options: PtbxlOptions = {}): DatasetAdapter {
  const rate = options.rate ?? 500;
  const name = 'ptbxl';
  return {
    name,
    description: `PTB-XL (ptbxl_database.csv + records${rate}/, WFDB format 16)`,

    async detect(folder: string): Promise<number> {
      const columns = await csvHeader(join(folder, PTBXL_INDEX));
      if (!columns) return 0;
      return PTBXL_COLUMNS.every((c) => columns.includes(c)) ? 100 : 50; // 50: ours, but scan will say what is missing
    },

    async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
      const table = await openCsvTable(join(folder, PTBXL_INDEX), PTBXL_COLUMNS);
      let found = 0;
      for await (const row of table.rows) {
        const ecgId = row.ecg_id.trim();
        const preferred = (rate === 500 ? row.filename_hr : row.filename_lr).trim();
        const other = (rate === 500 ? row.filename_lr : row.filename_hr).trim();
        const key = preferred || other || `ecg_id ${ecgId}`;
        let statements: Map<string, number>;
        try {
          if (!/^\d+$/.test(ecgId)) throw new FormatError('ptbxl-row', `ecg_id '${row.ecg_id}' is not a number`);
          statements = parseScpCodes(row.scp_codes);
        } catch (err) {
          const e = err as FormatError;
          report.error(key, join(folder, PTBXL_INDEX), e.code ?? 'ptbxl-row', e.message);
          continue;
        }
        // The preferred rate when its header exists, else the other copy (partial downloads often hold one).
        let chosen: string | null = null;
        for (const rel of [preferred, other]) {
          if (!rel) continue;
          try {
            await access(join(folder, `${rel}.hea`));
            chosen = rel;
            break;
          } catch {
            // try the other rate
          }
        }
        if (!chosen) {
          report.error(key, join(folder, `${key}.hea`), 'missing-record', `PTB-XL record ${ecgId}: neither ${preferred}.hea nor ${other}.hea exists`);
          continue;
        }
        const rawAge = row.age.trim() === '' ? NaN : Number(row.age);
        const sex = row.sex.trim() === '0' ? 'M' : row.sex.trim() === '1' ? 'F' : null;
        found++;
        if (found % 1000 === 0) report.progress?.(found);
        yield {
          key: chosen,
          adapter: name,
          path: join(folder, chosen),
          hints: {
            record: ecgId,
            patient: patientId(row.patient_id),
            age: Number.isFinite(rawAge) ? rawAge : null,
            sex,
            codes: ptbxlCodes(statements, row.heart_axis ?? null).join(';'),
            recordedAt: row.recording_date?.trim() || null,
            rate: chosen === preferred ? rate : rate === 500 ? 100 : 500,
            fallback: chosen === preferred ? null : `records${rate} copy missing: read ${chosen}`,
          },
        };
      }
      report.progress?.(found);
    },

    load: (candidate: Candidate) => readWfdbRecord(candidate.path).then((reading) => describe(candidate, reading)),
    loadFramed: (candidate: Candidate) => readWfdbRecordFramed(candidate.path).then((reading) => describe(candidate, reading)),
  };
}

export const ptbxlAdapter = createPtbxlAdapter();
