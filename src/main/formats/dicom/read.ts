// A DICOM waveform file (12-lead, General or Ambulatory ECG storage, or any SOP class with a
// WaveformSequence) as a Reading: the rhythm multiplex group is the record, a median-beat group
// goes to `median`, global measurements and statements of WaveformAnnotationSequence become
// comments, and the patient module goes to `patient`, never to the comments.
// Streaming: a file of 4 MB or more is parsed without reading its WaveformData values (a 24-hour
// Ambulatory ECG holds hundreds of MB there); a sample window then reads only its own bytes.
import { basename } from 'node:path';
import { sampleRange } from '../clinical/range.js';
import { CHUNK_BYTES, FileSource, type ByteSource } from '../edf/source.js';
import { printable } from '../printable.js';
import { FormatError, type MedianBeats, type PatientIdentity, type Reading, type ReadOptions } from '../types.js';
import { code, items, num, parseDicomSource, str, transferSyntax, TS_EXPLICIT_BE, type DataSet } from './dataset.js';
import { decodeGroup, multiplexGroups, type MultiplexGroup } from './waveform.js';

const SOP_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-lead ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.3': 'Ambulatory ECG Waveform Storage',
};

const MEDIAN = /median|representative|average|template/i;

function patientOf(ds: DataSet): PatientIdentity {
  const name = str(ds, 'x00100010', true)?.replace(/\^+/g, ' ').trim();
  const id = str(ds, 'x00100020');
  const birthDate = str(ds, 'x00100030');
  const sex = str(ds, 'x00100040');
  const age = /^(\d{3})Y$/.exec(str(ds, 'x00101010') ?? '');
  return {
    ...(id ? { id } : {}),
    ...(name ? { name } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(sex ? { sex } : {}),
    ...(age ? { age: Number(age[1]) } : {}),
  };
}

/** Annotations that apply to the whole record (no channel, or channel 0 = all channels). */
function annotationComments(ds: DataSet): string[] {
  const measurements: string[] = [];
  const statements: string[] = [];
  for (const it of items(ds, 'x0040b020')) {
    const channels = it.elements['x0040a0b0'];
    if (channels && channels.length >= 4 && it.uint16('x0040a0b0', 1) !== 0) continue;
    const concept = code(it, 'x0040a043')?.meaning;
    const value = num(it, 'x0040a30a');
    const text = str(it, 'x00700006', true);
    if (value !== undefined && concept) measurements.push(`${concept} ${value}${code(it, 'x004008ea')?.value ? ` ${code(it, 'x004008ea')?.value}` : ''}`);
    else if (text) statements.push(text);
    else if (concept && code(it, 'x0040a168')?.meaning) statements.push(`${concept}: ${code(it, 'x0040a168')?.meaning}`);
  }
  return [...(measurements.length ? [`Measurements: ${measurements.join(', ')}`] : []), ...statements.map((s) => `Statement: ${s}`)];
}

function isoDateTime(dt: string | undefined): { date?: string; time?: string } {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2}(?:\.\d+)?)?/.exec(dt ?? '');
  if (!m) return {};
  return { date: `${m[1]}-${m[2]}-${m[3]}`, ...(m[4] ? { time: `${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}` } : {}) };
}

export async function readDicom(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const source = new FileSource(path);
  try {
    return readDicomFrom(source, path, opts);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    // dicom-parser reads values lazily: an element cut short throws (a string, even) after the parse succeeded.
    const why = typeof err === 'string' ? err : err instanceof Error ? err.message : String(err);
    throw new FormatError(/past end|end of buffer/i.test(why) ? 'truncated' : 'dicom', `${path}: not a readable DICOM file (${printable(why.split('\n')[0], 160)})`);
  } finally {
    source.close();
  }
}

/**
 * A DICOM waveform from a byte source: the header, then only the WaveformData bytes of the
 * window (and of the median group). Sources of `wholeBelow` bytes or more are parsed lazily.
 */
export function readDicomFrom(source: ByteSource, path: string, opts: ReadOptions = {}, wholeBelow = CHUNK_BYTES): Reading {
  const file = parseDicomSource(path, source, wholeBelow);
  const ds = file.ds;
  const sop = str(ds, 'x00080016') ?? str(ds, 'x00020002') ?? '';
  const groups = multiplexGroups(path, ds);
  if (!groups.length) {
    throw new FormatError('no-waveform', `${path}: DICOM file without a waveform (SOP class ${printable(sop) || 'unknown'}${str(ds, 'x00080060') ? `, modality ${printable(str(ds, 'x00080060') ?? '')}` : ''})`);
  }
  const little = transferSyntax(ds) !== TS_EXPLICIT_BE;
  const warnings: string[] = [];
  if (!SOP_NAMES[sop]) warnings.push(`SOP class ${sop || 'unknown'} is not an ECG waveform storage class; read its first rhythm group anyway`);
  let rhythmIndex = groups.findIndex((g) => /rhythm/i.test(g.label));
  if (rhythmIndex < 0) rhythmIndex = groups.findIndex((g) => !MEDIAN.test(g.label));
  if (rhythmIndex < 0) {
    rhythmIndex = 0;
    warnings.push('no rhythm multiplex group: the first group (median beats) is read as the record');
  }
  const rhythm: MultiplexGroup = groups[rhythmIndex];
  const others = groups.filter((_, g) => g !== rhythmIndex && !MEDIAN.test(groups[g].label));
  if (others.length) warnings.push(`other multiplex groups not read: ${others.map((g) => `${g.label || 'unlabelled'} (${g.channels} x ${g.samples} at ${g.fs} Hz)`).join(', ')}`);
  const { from, to } = sampleRange(rhythm.samples, opts, path);
  const rec = decodeGroup(path, file, rhythm, rhythmIndex, from, to, little);
  const medianIndex = groups.findIndex((g, k) => k !== rhythmIndex && MEDIAN.test(g.label));
  let median: MedianBeats | undefined;
  if (medianIndex >= 0) {
    const g = groups[medianIndex];
    const m = decodeGroup(path, file, g, medianIndex, 0, g.samples, little);
    median = { fs: g.fs, sigLen: g.samples, channels: m.channels, signals: m.signals };
  }
  const when = isoDateTime(str(ds, 'x0008002a') ?? (str(ds, 'x00080022') ? `${str(ds, 'x00080022')}${str(ds, 'x00080032') ?? ''}` : undefined));
  return {
    record: basename(path),
    fs: rhythm.fs,
    sigLen: to - from,
    totalLen: rhythm.samples,
    channels: rec.channels,
    signals: rec.signals,
    comments: [
      `Format: DICOM ${SOP_NAMES[sop] ?? sop}, multiplex group ${rhythmIndex} ${rhythm.label}`.trimEnd(),
      ...(str(ds, 'x00081090') ? [`Device: ${str(ds, 'x00080070') ?? ''} ${str(ds, 'x00081090')}`.replace(/\s+/g, ' ')] : []),
      ...annotationComments(ds),
    ],
    warnings: [...warnings, ...rec.warnings],
    ...(when.time ? { baseTime: when.time } : {}),
    ...(when.date ? { baseDate: when.date } : {}),
    patient: patientOf(ds),
    ...(median ? { median } : {}),
  };
}
