// PhysioNet/CinC Challenge 2020/2021 layout: one '.hea' + '.mat' (MATLAB v4, format 16+24) per
// record, demographics and SNOMED-CT diagnoses in header comments (#Age, #Sex, #Dx).
//
// Patient: the challenge data carry no patient ids (records were renamed and shuffled), so every
// record is its own patient (patient = null) unless a comment names one (header-comments.ts).
// Splits by patient therefore equal splits by record for these centers; PTB-XL's own layout
// (adapter 'ptbxl') keeps the real patient ids.
//
// Gains: the 2020 release wrote wrong gains for Georgia (4880/mV), PTB-XL (200/mV) and PTB
// (2000000/mV) where the 2021 release (same int16 data) says 1000/mV. load() corrects them: a
// channel whose gain is the known wrong value for its center is rescaled to 1000/mV and a note says
// so. Only load() does this, for the canonical store; `openecg read` reads headers as written.
import { basename, dirname } from 'node:path';
import { isFramed, type FramedReading, type Reading } from '../formats/types.js';
import { CORRECT_GAIN, GAIN_ERRORS_2020, centerOfFolder, centerOfRecord } from './cinc-centers.js';
import { commentFacts, labelsFromComments } from './header-comments.js';
import { commentFields, parseAge, parseDx, parseSex, readHeader } from './header-facts.js';
import type { Candidate, DatasetAdapter, Loaded, RecordMeta, ScanReport } from './types.js';
import { hasExtension, walkFiles } from './walk.js';
import { ANNOTATORS_HINT, withAnnotations } from './annotators.js';
import { scanHeaders } from './wfdb-scan.js';
import type { WfdbFramedReading, WfdbReading } from '../formats/index.js';
import { readWfdbRecord, readWfdbRecordFramed, recordedAt, wfdbFormatName, wfdbSourcePath } from './wfdb-read.js';

const NAME = 'cinc';

/** Rescales channels carrying a center's known 2020-release gain error to 1000/mV; returns the notes. */
export function correctCincGains<R extends Reading | FramedReading>(reading: R, center: string): { reading: R; notes: string[] } {
  const wrong = GAIN_ERRORS_2020[center];
  if (wrong === undefined) return { reading, notes: [] };
  const fixed = reading.channels.map((c) => c.gain === wrong && c.units.toLowerCase() === 'mv');
  if (!fixed.some(Boolean)) return { reading, notes: [] };
  const factor = wrong / CORRECT_GAIN;
  const channels = reading.channels.map((c, i) => (fixed[i] ? { ...c, gain: CORRECT_GAIN } : c));
  const count = fixed.filter(Boolean).length;
  const note = `gain corrected from 2020 release: ${wrong}/mV -> ${CORRECT_GAIN}/mV on ${count} channel${count > 1 ? 's' : ''} (amplitudes x${factor})`;
  if (isFramed(reading)) {
    // Undecoded: the conversion applies the factor after the gain, as scaleInPlace would.
    const frames = { ...reading.frames, factor: reading.frames.factor.map((f, i) => (fixed[i] ? f * factor : f)) };
    return { reading: { ...reading, channels, frames }, notes: [note] };
  }
  // In place: the reading is this load's own (a fresh read), and a copy per channel was a tenth of an import's time.
  const signals = (reading as Reading).signals.map((s, i) => (fixed[i] ? scaleInPlace(s, factor) : s));
  return { reading: { ...reading, channels, signals }, notes: [note] };
}

function scaleInPlace(s: Float64Array, factor: number): Float64Array {
  for (let i = 0; i < s.length; i++) s[i] *= factor;
  return s;
}

/** Metadata from CinC header comments ('#Age: 74', '# Sex: Male', '#Dx: 426783006,...'). */
export function cincMeta(record: string, folder: string, comments: readonly string[]): Pick<RecordMeta, 'center' | 'age' | 'sex' | 'codes'> {
  const fields = commentFields(comments);
  return {
    center: centerOfRecord(record) ?? centerOfFolder(folder),
    age: parseAge(fields.get('age')),
    sex: parseSex(fields.get('sex')),
    codes: parseDx(fields.get('dx')),
  };
}

/** A CinC record's metadata from its header comments, and its reading with the 2020 gains corrected. */
function describe<R extends WfdbReading | WfdbFramedReading>(candidate: Candidate, raw: R): Loaded<R> {
  const header = raw.header;
  const record = header.record || basename(candidate.path);
  const base = cincMeta(record, dirname(candidate.path), header.comments);
  const { reading, notes } = correctCincGains(raw, base.center);
  // The challenge files name no patient and carry codes; a folder of CinC-style headers from elsewhere may do either.
  const facts = commentFacts(header.comments);
  const labels = labelsFromComments(facts);
  if (!commentFields(header.comments).has('dx') && labels.statements.length === 0) notes.push('no #Dx comment: record has no labels');
  notes.push(...labels.notes);
  const meta: RecordMeta = {
    record,
    ...base,
    patient: null,
    ...(facts.patientId !== null ? { patientId: facts.patientId } : {}),
    statements: labels.statements,
    recordedAt: recordedAt(header),
    sourcePath: wfdbSourcePath(candidate.path, header),
    format: wfdbFormatName(header),
    notes,
  };
  return { meta, reading };
}

export const cincAdapter: DatasetAdapter = {
  name: NAME,
  description: 'PhysioNet/CinC Challenge 2020/2021 (.hea + .mat, #Age/#Sex/#Dx comments)',

  async detect(folder: string): Promise<number> {
    // A few headers decide: CinC headers name '.mat' signal files and carry a '#Dx:' comment.
    let headers = 0;
    let cinc = 0;
    for await (const file of walkFiles(folder, null, { accept: (n) => hasExtension(n, '.hea'), limit: 5, maxDepth: 3, maxDirectories: 50 })) {
      headers++;
      try {
        const header = await readHeader(file.path);
        const mat = header.signals.length > 0 && header.signals.every((s) => /\.mat$/i.test(s.fileName));
        if (mat && commentFields(header.comments).has('dx')) cinc++;
      } catch {
        // an unreadable header is scan's business, not detection's
      }
    }
    if (headers === 0 || cinc === 0) return 0;
    return cinc === headers ? 80 : 40;
  },

  async *scan(folder: string, report: ScanReport): AsyncIterable<Candidate> {
    for await (const entry of scanHeaders(folder, report)) {
      yield { key: entry.key, adapter: NAME, path: entry.path, ...(entry.annotators.length > 0 ? { hints: { [ANNOTATORS_HINT]: entry.annotators.join(',') } } : {}) };
    }
  },

  load: (candidate: Candidate) => readWfdbRecord(candidate.path).then((raw) => withAnnotations(candidate, describe(candidate, raw))),
  loadFramed: (candidate: Candidate) => readWfdbRecordFramed(candidate.path).then((raw) => withAnnotations(candidate, describe(candidate, raw))),
};
