// WFDB header files (header(5), https://physionet.org/physiotools/wag/header-5.htm): record
// line, signal lines or segment lines, comments. Pure text -> data, so dataset adapters can
// read `#Dx:` / `#Age:` comments without touching signal files.
import { printable } from '../printable.js';
import { FormatError } from '../types.js';
import { formatSpec } from './formats.js';

export const DEFAULT_FS = 250;
export const DEFAULT_GAIN = 200;
export const DEFAULT_UNITS = 'mV';

export interface WfdbSignalSpec {
  /** Signal file name as written ('~' for none). */
  readonly fileName: string;
  readonly format: number;
  readonly samplesPerFrame: number;
  /** Frames by which this signal's samples lag in the file. */
  readonly skew: number;
  /** Bytes to skip at the file start (samples for FLAC formats, as the WFDB library does). */
  readonly byteOffset: number;
  /** ADC units per physical unit; 200 when omitted or written as 0 (see `uncalibrated`). */
  readonly adcGain: number;
  /** The header wrote a gain of 0: "uncalibrated" in the spec; read with the default gain. */
  readonly uncalibrated: boolean;
  readonly baseline: number;
  readonly units: string;
  readonly adcResolution: number;
  readonly adcZero: number;
  readonly initialValue: number;
  /** 16-bit signed sum of all samples, when the header gives one. */
  readonly checksum?: number;
  readonly blockSize: number;
  readonly description: string;
}

export interface WfdbSegmentSpec {
  /** Segment record name; null for a null segment ('~'). */
  readonly name: string | null;
  readonly length: number;
}

export interface WfdbHeader {
  readonly record: string;
  readonly nSig: number;
  /** Frame frequency in Hz. */
  readonly fs: number;
  readonly counterFreq?: number;
  readonly baseCounter?: number;
  /** Frames in the record; undefined when the header omits it (then the signal file decides). */
  readonly sigLen?: number;
  readonly baseTime?: string;
  readonly baseDate?: string;
  readonly signals: readonly WfdbSignalSpec[];
  /** Present for multi-segment records. */
  readonly segments?: readonly WfdbSegmentSpec[];
  /** Multi-segment only: 'variable' when the first segment is a layout header of 0 samples. */
  readonly layout?: 'fixed' | 'variable';
  /** Comment lines without the '#' and surrounding blanks, in file order. */
  readonly comments: readonly string[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const TIME = /^\d{1,2}(?::\d{1,2}){0,2}(?:\.\d+)?$/;
const DATE = /^(?:\d{1,2}\/\d{1,2}\/\d{2,4}|\d{1,2}-[A-Za-z]{3}-\d{2,4})$/;
const FORMAT_FIELD = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/;
const GAIN_FIELD = /^([^(/]*)(?:\(([^)]*)\))?(?:\/(.*))?$/;
const RECORD_EXT = /\.(?:hea|mat|dat)$/i;

class LineError extends Error {}

function num(token: string, what: string): number {
  if (!NUMBER.test(token)) throw new LineError(`${what} '${printable(token)}' is not a number`);
  const v = Number(token);
  // '1e999' matches the pattern but is no usable number (an infinite rate or gain).
  if (!Number.isFinite(v)) throw new LineError(`${what} '${printable(token)}' is out of range`);
  return v;
}

function int(token: string, what: string): number {
  if (!INTEGER.test(token)) throw new LineError(`${what} '${printable(token)}' is not an integer`);
  const v = Number(token);
  if (!Number.isSafeInteger(v)) throw new LineError(`${what} '${printable(token)}' is out of range`);
  return v;
}

/** Parses a header's text. `where` (a path) prefixes error messages. */
export function parseHeader(text: string, where = 'header'): WfdbHeader {
  const lines = text.split(/\r?\n|\r/);
  const comments: string[] = [];
  const body: { line: string; no: number }[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else body.push({ line, no: i + 1 });
  });
  const fail = (no: number, message: string): never => {
    throw new FormatError('header', `${where}: line ${no}: ${message}`);
  };
  if (body.length === 0) throw new FormatError('header', `${where}: no record line (empty header)`);
  const first = body[0];
  let rec: RecordLine;
  try {
    rec = parseRecordLine(first.line);
  } catch (err) {
    if (err instanceof LineError) return fail(first.no, err.message);
    throw err;
  }
  const rest = body.slice(1);
  const base = {
    record: rec.record,
    nSig: rec.nSig,
    fs: rec.fs,
    counterFreq: rec.counterFreq,
    baseCounter: rec.baseCounter,
    sigLen: rec.sigLen,
    baseTime: rec.baseTime,
    baseDate: rec.baseDate,
    comments,
  };
  if (rec.nSeg !== undefined) {
    if (rest.length < rec.nSeg) fail(first.no, `${rec.nSeg} segments declared but ${rest.length} segment lines follow`);
    const segments: WfdbSegmentSpec[] = [];
    for (const { line, no } of rest.slice(0, rec.nSeg)) {
      const t = line.split(/\s+/);
      if (t.length < 2) fail(no, `segment line needs a record name and a length: '${printable(line)}'`);
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(t[0])) fail(no, `segment name '${printable(t[0])}' holds control characters`);
      try {
        segments.push({ name: t[0] === '~' ? null : t[0], length: int(t[1], 'segment length') });
      } catch (err) {
        if (err instanceof LineError) fail(no, err.message);
        throw err;
      }
    }
    const layout = segments.length > 0 && segments[0].length === 0 ? 'variable' : 'fixed';
    return { ...base, signals: [], segments, layout };
  }
  if (rest.length < rec.nSig) {
    fail(first.no, `${rec.nSig} signals declared but only ${rest.length} signal line${rest.length === 1 ? '' : 's'} follow`);
  }
  const signals: WfdbSignalSpec[] = [];
  for (const { line, no } of rest.slice(0, rec.nSig)) {
    try {
      signals.push(parseSignalLine(line));
    } catch (err) {
      if (err instanceof LineError) fail(no, err.message);
      throw err;
    }
  }
  return { ...base, signals };
}

interface RecordLine {
  record: string;
  nSeg?: number;
  nSig: number;
  fs: number;
  counterFreq?: number;
  baseCounter?: number;
  sigLen?: number;
  baseTime?: string;
  baseDate?: string;
}

function parseRecordLine(line: string): RecordLine {
  const t = line.split(/\s+/);
  const [nameField, nSigField, fsField, lenField, ...when] = t;
  const slash = nameField.indexOf('/');
  // Challenge headers write `E00666.mat` as the record name: the record is E00666.
  const record = (slash >= 0 ? nameField.slice(0, slash) : nameField).replace(RECORD_EXT, '');
  if (record === '') throw new LineError('empty record name');
  const out: RecordLine = { record, nSig: 0, fs: DEFAULT_FS };
  if (slash >= 0) {
    out.nSeg = int(nameField.slice(slash + 1), 'number of segments');
    if (out.nSeg < 1) throw new LineError(`number of segments ${out.nSeg} must be at least 1`);
  }
  if (nSigField !== undefined) {
    out.nSig = int(nSigField, 'number of signals');
    if (out.nSig < 0) throw new LineError(`number of signals ${out.nSig} is negative`);
  }
  if (fsField !== undefined) {
    const m = /^([^/(]+)(?:\/([^(]+)(?:\(([^)]*)\))?)?$/.exec(fsField);
    if (!m) throw new LineError(`sampling frequency '${printable(fsField)}' is not a number`);
    out.fs = num(m[1], 'sampling frequency');
    if (!(out.fs > 0)) throw new LineError(`sampling frequency ${m[1]} must be positive`);
    if (m[2] !== undefined) out.counterFreq = num(m[2], 'counter frequency');
    if (m[3] !== undefined) out.baseCounter = num(m[3], 'base counter value');
  }
  if (lenField !== undefined) {
    out.sigLen = int(lenField, 'number of samples');
    if (out.sigLen < 0) throw new LineError(`number of samples ${out.sigLen} is negative`);
  }
  // Time then date per the spec; some challenge headers write the date first (`05-May-2020 14:50:55`).
  for (const token of when) {
    if (TIME.test(token) && out.baseTime === undefined) out.baseTime = token;
    else if (DATE.test(token) && out.baseDate === undefined) out.baseDate = token;
    else throw new LineError(`'${printable(token)}' is neither a base time (HH:MM:SS) nor a base date (DD/MM/YYYY)`);
  }
  return out;
}

function parseSignalLine(line: string): WfdbSignalSpec {
  // Eight blank-separated fields, then the description, which may itself contain blanks.
  const m = /^(\S+)(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(.*))?$/.exec(line);
  if (!m) throw new LineError(`unreadable signal line '${printable(line)}'`);
  const [, fileName, fmtField, gainField, resField, zeroField, initField, sumField, blockField, descField] = m;
  if (fmtField === undefined) throw new LineError(`signal line '${printable(line)}' has no format field`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(fileName)) throw new LineError(`signal file name '${printable(fileName)}' holds control characters`);
  const f = FORMAT_FIELD.exec(fmtField);
  if (!f) throw new LineError(`format field '${printable(fmtField)}' is not 'format[xN][:skew][+offset]'`);
  const format = Number(f[1]);
  const fs = formatSpec(format);
  if (!fs && format !== 0) throw new LineError(`unknown signal format ${format}`);
  const samplesPerFrame = f[2] !== undefined ? Number(f[2]) : 1;
  if (samplesPerFrame < 1) throw new LineError(`samples per frame must be at least 1, got ${f[2]}`);
  const adcZero = zeroField !== undefined ? int(zeroField, 'ADC zero') : 0;
  let adcGain = DEFAULT_GAIN;
  let uncalibrated = false;
  let baseline = adcZero;
  let units = DEFAULT_UNITS;
  if (gainField !== undefined) {
    const g = GAIN_FIELD.exec(gainField);
    if (!g) throw new LineError(`gain field '${printable(gainField)}' is not 'gain[(baseline)][/units]'`);
    const gain = num(g[1], 'ADC gain');
    if (gain === 0) uncalibrated = true;
    else adcGain = gain;
    if (g[2] !== undefined) baseline = int(g[2], 'baseline');
    if (g[3] !== undefined && g[3] !== '') units = g[3];
  }
  let adcResolution = resField !== undefined ? int(resField, 'ADC resolution') : 0;
  if (adcResolution === 0) adcResolution = fs?.bits ?? 12;
  const initialValue = initField !== undefined ? int(initField, 'initial value') : adcZero;
  const checksum = sumField !== undefined ? int(sumField, 'checksum') : undefined;
  const blockSize = blockField !== undefined ? int(blockField, 'block size') : 0;
  return {
    fileName,
    format,
    samplesPerFrame,
    skew: f[3] !== undefined ? Number(f[3]) : 0,
    byteOffset: f[4] !== undefined ? Number(f[4]) : 0,
    adcGain,
    uncalibrated,
    baseline,
    units,
    adcResolution,
    adcZero,
    initialValue,
    checksum,
    blockSize,
    description: (descField ?? '').trim(),
  };
}

/**
 * The value of a `key: value` comment (`#Dx: 164934002,426783006`, `# Age: 59`), matching the
 * key case-insensitively; undefined when no comment has it.
 */
export function commentValue(comments: readonly string[], key: string): string | undefined {
  const want = key.toLowerCase();
  for (const c of comments) {
    const colon = c.indexOf(':');
    if (colon > 0 && c.slice(0, colon).trim().toLowerCase() === want) return c.slice(colon + 1).trim();
  }
  return undefined;
}
