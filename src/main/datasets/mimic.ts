// MIMIC-IV-ECG (PhysioNet mimic-iv-ecg 1.0): record_list.csv lists every study with its subject,
// time and path (files/p1000/p10000032/s40689238/40689238), signals are WFDB format 16, 500 Hz, 10 s.
// Patient = subject_id. No labels and no demographics: age and sex live in the MIMIC-IV clinical
// module, which this adapter does not read. machine_measurements.csv (the cart's automatic
// statements and intervals) is ignored: machine reports are not ground truth, and OpenECG uses
// MIMIC-IV-ECG for pre-training only.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { WfdbFramedReading, WfdbReading } from '../formats/index.js';
import { FormatError } from '../formats/types.js';
import { csvHeader, openCsvTable } from './csv.js';
import type { Candidate, DatasetAdapter, Loaded, RecordMeta, ScanReport } from './types.js';
import { readWfdbRecord, readWfdbRecordFramed, recordedAt, wfdbFormatName, wfdbSourcePath } from './wfdb-read.js';

export const MIMIC_INDEX = 'record_list.csv';
export const MIMIC_COLUMNS = ['subject_id', 'study_id', 'path'] as const;
const NAME = 'mimic';

/** A MIMIC-IV-ECG record: subject and study from record_list.csv (the scan's hints). */
function describe<R extends WfdbReading | WfdbFramedReading>(candidate: Candidate, reading: R): Loaded<R> {
  const header = reading.header;
  const hints = candidate.hints ?? {};
  if (reading.channels.length === 0) throw new FormatError('no-signals', `${candidate.path}: record has no signals`);
  const meta: RecordMeta = {
    record: typeof hints.record === 'string' ? hints.record : header.record,
    center: 'MIMIC-IV-ECG',
    patient: typeof hints.patient === 'string' ? hints.patient : null,
    age: null,
    sex: null,
    codes: [],
    recordedAt: typeof hints.recordedAt === 'string' ? hints.recordedAt : recordedAt(header),
    sourcePath: wfdbSourcePath(candidate.path, header),
    format: wfdbFormatName(header),
    notes: [],
  };
  return { meta, reading };
}

export const mimicAdapter: DatasetAdapter = {
  name: NAME,
  description: 'MIMIC-IV-ECG (record_list.csv + files/p*/p*/s*/, WFDB format 16)',

  async detect(folder: string): Promise<number> {
    const columns = await csvHeader(join(folder, MIMIC_INDEX));
    if (!columns) return 0;
    return MIMIC_COLUMNS.every((c) => columns.includes(c)) ? 90 : 45;
  },

  async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
    const table = await openCsvTable(join(folder, MIMIC_INDEX), MIMIC_COLUMNS);
    let found = 0;
    for await (const row of table.rows) {
      const rel = row.path.trim().replace(/\.hea$/, '').replace(/^\/+/, '');
      const study = row.study_id.trim();
      const key = rel || `study ${study}`;
      if (!rel || rel.split('/').includes('..')) {
        report.error(key, join(folder, MIMIC_INDEX), 'mimic-row', `record_list.csv row for study ${study} has no usable path ('${row.path}')`);
        continue;
      }
      const path = join(folder, rel);
      try {
        await access(`${path}.hea`);
      } catch {
        // Partial downloads are common (the full set is ~90 GB): report and go on.
        report.error(key, `${path}.hea`, 'missing-record', `MIMIC-IV-ECG study ${study}: ${rel}.hea does not exist`);
        continue;
      }
      found++;
      if (found % 1000 === 0) report.progress?.(found);
      yield {
        key: rel,
        adapter: NAME,
        path,
        hints: { record: study, patient: row.subject_id.trim() || null, recordedAt: row.ecg_time?.trim() || null },
      };
    }
    report.progress?.(found);
  },

  load: (candidate: Candidate) => readWfdbRecord(candidate.path).then((reading) => describe(candidate, reading)),
  loadFramed: (candidate: Candidate) => readWfdbRecordFramed(candidate.path).then((reading) => describe(candidate, reading)),
};
