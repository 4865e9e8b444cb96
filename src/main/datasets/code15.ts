// CODE-15% (Ribeiro et al., Zenodo 4916206): exams.csv + exams_part0..17.hdf5, each part holding
// `tracings` (N, 4096, 12) float32 at 400 Hz, leads DI, DII, DIII, AVR, AVL, AVF, V1-V6, and
// `exam_id` (N,). Some parts end with filler rows of exam_id 0: skipped.
//
// Length: every exam is zero-padded at both ends to 4096 samples. The documentation says 10 s exams
// are 4000 samples (48 zeros each side) and 7 s exams 2800; measured, the short group is mostly
// 2934 samples (7.3 s) and most long exams fill all 4096. So load() trims the all-zero rows at both
// ends instead of assuming either count, and notes how many it removed.
//
// Units: the authors' text says "at the scale 1e-4V: so if the signal is in V it should be multiplied
// by 1000", which contradicts itself (1e-4 V means tenths of mV; x1000 means mV). A public comparison
// of 38,082 ten-second exams with CPSC, PTB-XL and MIMIC found stored amplitudes 1.2-2.3x those of the
// millivolt sources, nowhere near the 10x a 1e-4 V unit would give, so values are read as mV (gain 1).
//
// Labels: 1dAVb -> IAVB 270492004, RBBB -> 59118001, LBBB -> 164909002, SB -> 426177001,
// ST -> STach 427084000, AF -> 164889003. normal_ecg is not mapped to NSR: "normal ECG" is a whole-
// tracing verdict, not a rhythm statement, and CODE-15% gives no rhythm for the other exams, so an
// NSR class built from it would have no trustworthy negatives; it is kept as 'code15:normal_ecg'.
// (OpenECG uses CODE-15% unlabelled, for pre-training.) Patient = patient_id.
import { join } from 'node:path';
import { hdf5TracingsShape, readHdf5Exam, readHdf5ExamId, readHdf5ExamIds } from '../formats/hdf5.js';
import type { Reading } from '../formats/types.js';
import { FormatError } from '../formats/types.js';
import { csvHeader, openCsvTable } from './csv.js';
import type { Candidate, DatasetAdapter, RecordMeta, ScanReport } from './types.js';
import { walkFiles } from './walk.js';

export const CODE15_INDEX = 'exams.csv';
export const CODE15_COLUMNS = ['exam_id', 'age', 'is_male', 'patient_id'] as const;
const NAME = 'code15';
const FS = 400;

export const CODE15_LABELS: Readonly<Record<string, string>> = {
  '1dAVb': '270492004',
  RBBB: '59118001',
  LBBB: '164909002',
  SB: '426177001',
  ST: '427084000',
  AF: '164889003',
};

const isPart = (name: string) => /\.(hdf5|h5)$/i.test(name);

function truthy(value: string | undefined): boolean | null {
  const v = value?.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === '1.0') return true;
  if (v === 'false' || v === '0' || v === '0.0') return false;
  return null;
}

function integerId(value: string | undefined): string | null {
  const v = value?.trim() ?? '';
  if (v === '' || v.toLowerCase() === 'nan') return null;
  const n = Number(v);
  return Number.isInteger(n) ? String(n) : v;
}

type Hints = Record<string, string | number | null>;

/** exams.csv -> exam id -> hints. Throws FormatError (fatal) for a file without the required columns. */
async function readExamIndex(folder: string): Promise<Map<number, Hints>> {
  const table = await openCsvTable(join(folder, CODE15_INDEX), CODE15_COLUMNS);
  const labels = Object.keys(CODE15_LABELS).filter((l) => table.columns.includes(l));
  const exams = new Map<number, Hints>();
  for await (const row of table.rows) {
    const id = Number(row.exam_id);
    if (!Number.isInteger(id)) continue;
    const codes = labels.filter((l) => truthy(row[l]) === true).map((l) => CODE15_LABELS[l]);
    if (truthy(row.normal_ecg) === true) codes.push('code15:normal_ecg');
    const male = truthy(row.is_male);
    const age = row.age.trim() === '' ? NaN : Number(row.age);
    exams.set(id, {
      record: String(id),
      patient: integerId(row.patient_id),
      age: Number.isFinite(age) ? age : null,
      sex: male === null ? null : male ? 'M' : 'F',
      codes: codes.join(';'),
      listed: 1,
    });
  }
  return exams;
}

/** Counts the all-zero sample rows at both ends (zero padding); the reading keeps what lies between. */
export function zeroEdges(signals: readonly Float64Array[]): { lead: number; trail: number } {
  const n = signals[0]?.length ?? 0;
  const zeroRow = (i: number) => signals.every((s) => s[i] === 0);
  let lead = 0;
  while (lead < n && zeroRow(lead)) lead++;
  let trail = 0;
  while (trail < n - lead && zeroRow(n - 1 - trail)) trail++;
  return { lead, trail };
}

export const code15Adapter: DatasetAdapter = {
  name: NAME,
  description: 'CODE-15% (exams.csv + exams_part*.hdf5, 400 Hz tracings)',

  async detect(folder: string): Promise<number> {
    const columns = await csvHeader(join(folder, CODE15_INDEX));
    let parts = 0;
    for await (const _ of walkFiles(folder, null, { accept: isPart, limit: 1, maxDepth: 1, maxDirectories: 50 })) parts++;
    if (columns && CODE15_COLUMNS.every((c) => columns.includes(c))) return parts > 0 ? 95 : 60;
    if (columns) return 45; // an exams.csv of the wrong shape: ours, and scan will say what is missing
    return parts > 0 ? 20 : 0;
  },

  async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
    const exams = await readExamIndex(folder);
    const seen = new Set<number>();
    let found = 0;
    for await (const part of walkFiles(folder, report, { accept: isPart })) {
      let ids: number[];
      try {
        const shape = await hdf5TracingsShape(part.path);
        ids = await readHdf5ExamIds(part.path);
        if (ids.length !== shape.exams) {
          throw new FormatError('hdf5-shape', `${part.path}: ${ids.length} exam ids for ${shape.exams} tracings`);
        }
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        report.error(part.rel, part.path, err.code, err.message); // one bad part does not stop the others
        continue;
      }
      for (let row = 0; row < ids.length; row++) {
        const id = ids[row];
        if (id === 0) continue; // filler row
        const key = `${part.rel}#${row}`;
        if (seen.has(id)) {
          report.error(key, part.path, 'duplicate-exam', `exam ${id} appears twice; row ${row} of ${part.rel} skipped`);
          continue;
        }
        seen.add(id);
        found++;
        if (found % 1000 === 0) report.progress?.(found);
        yield { key, adapter: NAME, path: part.path, index: row, hints: exams.get(id) ?? { record: String(id), listed: 0 } };
      }
    }
    report.progress?.(found);
  },

  async load(candidate: Candidate): Promise<{ meta: RecordMeta; reading: Reading }> {
    const row = candidate.index;
    if (row === undefined) throw new FormatError('code15-row', `${candidate.key}: candidate has no row index`);
    const hints = candidate.hints ?? {};
    const expected = typeof hints.record === 'string' ? Number(hints.record) : null;
    const stored = await readHdf5ExamId(candidate.path, row);
    if (expected !== null && stored !== null && stored !== expected) {
      throw new FormatError('code15-row', `${candidate.path} row ${row} holds exam ${stored}, expected ${expected} (file changed since the scan?)`);
    }
    const full = await readHdf5Exam(candidate.path, row, { fs: FS, units: 'mV' });
    const { lead, trail } = zeroEdges(full.signals);
    const length = full.sigLen - lead - trail;
    if (length === 0) throw new FormatError('code15-empty', `${candidate.path} row ${row}: tracing is all zeros`);
    // The mV assumption (header comment) holds for every exam, so it is documented here, not noted per record.
    const notes: string[] = [];
    if (lead + trail > 0) notes.push(`zero padding trimmed: ${lead} leading, ${trail} trailing samples (${(length / FS).toFixed(2)} s kept)`);
    if (hints.listed === 0) notes.push('exam not listed in exams.csv: no demographics, labels or patient');
    const reading: Reading = {
      ...full,
      record: String(stored ?? expected ?? full.record),
      sigLen: length,
      totalLen: length,
      signals: full.signals.map((s) => s.slice(lead, lead + length)),
    };
    const meta: RecordMeta = {
      record: reading.record,
      center: 'CODE-15%',
      patient: typeof hints.patient === 'string' ? hints.patient : null,
      age: typeof hints.age === 'number' ? hints.age : null,
      sex: hints.sex === 'M' || hints.sex === 'F' ? hints.sex : null,
      codes: typeof hints.codes === 'string' && hints.codes !== '' ? hints.codes.split(';') : [],
      recordedAt: null,
      sourcePath: candidate.path,
      format: 'hdf5',
      notes,
    };
    return { meta, reading };
  },
};
