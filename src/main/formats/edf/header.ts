// The EDF / EDF+ header (https://www.edfplus.info/specs/edf.html, edfplus.html): 256 bytes of
// fixed fields, then 256 bytes per signal laid out field by field (all labels, then all
// transducers, ...). Every field is ASCII, space padded; a field that does not parse, a header
// length that disagrees with the signal count, or data shorter than the records the header
// promises is a FormatError naming the field, never a NaN passed on.
import { printable } from '../printable.js';
import { FormatError } from '../types.js';
import type { ByteSource } from './source.js';

export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D';

export interface EdfSignal {
  readonly index: number;
  readonly label: string;
  readonly transducer: string;
  readonly units: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefilter: string;
  readonly samplesPerRecord: number;
  /** Byte offset of this signal's samples inside a data record. */
  readonly offset: number;
  /** The EDF+ annotations signal ('EDF Annotations'): bytes of TALs, not samples. */
  readonly annotations: boolean;
}

export interface EdfHeader {
  readonly variant: EdfVariant;
  /** Local patient identification, as written (identity: never print it). */
  readonly patientField: string;
  /** Local recording identification, as written (may name staff or accounts: never print it). */
  readonly recordingField: string;
  /** 'dd.mm.yy' and 'hh.mm.ss' as written. */
  readonly startDate: string;
  readonly startTime: string;
  readonly headerBytes: number;
  /** Data records in the file (from the file size when the header says -1). */
  readonly records: number;
  /** Seconds per data record. */
  readonly recordDuration: number;
  readonly signals: readonly EdfSignal[];
  /** Bytes per data record (2 per sample of every signal). */
  readonly recordBytes: number;
  readonly warnings: readonly string[];
}

const FIXED = 256;
const PER_SIGNAL = 256;
/** Per-signal field widths in header order. */
const FIELDS = [
  ['label', 16], ['transducer', 80], ['units', 8], ['physical minimum', 8], ['physical maximum', 8],
  ['digital minimum', 8], ['digital maximum', 8], ['prefiltering', 80], ['samples per record', 8], ['reserved', 32],
] as const;

/** The version field of an EDF file: '0' and seven spaces. */
export const EDF_VERSION = '0       ';

function ascii(bytes: Uint8Array, start: number, n: number): string {
  return Buffer.from(bytes.subarray(start, start + n)).toString('latin1');
}

function number(text: string, what: string, where: string): number {
  const t = text.trim();
  // EDF numbers are plain decimals; Number('') would be 0 and Number('0x10') 16, so check the shape.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) throw new FormatError('header', `${where}: ${what} '${printable(t)}' is not a number`);
  return Number(t);
}

function integer(text: string, what: string, where: string): number {
  const v = number(text, what, where);
  if (!Number.isInteger(v)) throw new FormatError('header', `${where}: ${what} '${printable(text.trim())}' is not an integer`);
  return v;
}

/** Reads and checks the header of an EDF or EDF+ file at the start of `src`. */
export function readEdfHeader(src: ByteSource, where: string): EdfHeader {
  const fixed = src.read(0, FIXED);
  if (fixed.length < 8 || ascii(fixed, 0, 8) !== EDF_VERSION) {
    throw new FormatError('format', `${where}: not an EDF file (the first 8 bytes are not the EDF version '0')`);
  }
  if (fixed.length < FIXED) throw new FormatError('truncated', `${where}: EDF header cut short: ${src.size} bytes, the fixed header alone needs ${FIXED}`);
  const warnings: string[] = [];
  const reserved = ascii(fixed, 192, 44);
  const variant: EdfVariant = reserved.startsWith('EDF+D') ? 'EDF+D' : reserved.startsWith('EDF+C') ? 'EDF+C' : 'EDF';
  const headerBytes = integer(ascii(fixed, 184, 8), 'number of header bytes', where);
  const ns = integer(ascii(fixed, 252, 4), 'number of signals', where);
  if (ns < 1) throw new FormatError('header', `${where}: EDF header declares ${ns} signals`);
  if (headerBytes !== FIXED + ns * PER_SIGNAL) {
    throw new FormatError('header-length', `${where}: EDF header length field says ${headerBytes} bytes, but ${ns} signals make it ${FIXED + ns * PER_SIGNAL} (256 + 256 per signal)`);
  }
  const declaredRecords = integer(ascii(fixed, 236, 8), 'number of data records', where);
  const recordDuration = number(ascii(fixed, 244, 8), 'duration of a data record', where);
  if (recordDuration < 0) throw new FormatError('header', `${where}: negative data record duration ${recordDuration}`);

  const block = src.read(FIXED, ns * PER_SIGNAL);
  if (block.length < ns * PER_SIGNAL) {
    throw new FormatError('truncated', `${where}: EDF header cut short: ${src.size} bytes, ${ns} signal headers need ${headerBytes}`);
  }
  const columns: string[][] = [];
  let at = 0;
  for (const [, width] of FIELDS) {
    const col: string[] = [];
    for (let s = 0; s < ns; s++) col.push(ascii(block, at + s * width, width));
    columns.push(col);
    at += ns * width;
  }
  const signals: EdfSignal[] = [];
  let offset = 0;
  for (let s = 0; s < ns; s++) {
    const label = columns[0][s].trim();
    const sw = `${where}: signal ${s + 1} '${printable(label)}'`;
    const annotations = variant !== 'EDF' && label === 'EDF Annotations';
    const samplesPerRecord = integer(columns[8][s], 'number of samples per data record', sw);
    if (samplesPerRecord < 1) throw new FormatError('header', `${sw}: ${samplesPerRecord} samples per data record`);
    signals.push({
      index: s,
      label,
      transducer: columns[1][s].trim(),
      units: columns[2][s].trim(),
      physicalMin: annotations ? -1 : number(columns[3][s], 'physical minimum', sw),
      physicalMax: annotations ? 1 : number(columns[4][s], 'physical maximum', sw),
      digitalMin: annotations ? -32768 : integer(columns[5][s], 'digital minimum', sw),
      digitalMax: annotations ? 32767 : integer(columns[6][s], 'digital maximum', sw),
      prefilter: columns[7][s].trim(),
      samplesPerRecord,
      offset,
      annotations,
    });
    offset += samplesPerRecord * 2;
  }
  const recordBytes = offset;
  const dataBytes = src.size - headerBytes;
  let records = declaredRecords;
  if (declaredRecords === -1) {
    // -1 is allowed while a recording is still being written: count the complete records present.
    records = Math.floor(Math.max(0, dataBytes) / recordBytes);
    warnings.push(`number of data records is -1 (recording not closed): ${records} complete records found`);
  } else if (declaredRecords < 1) {
    throw new FormatError('records', `${where}: EDF header declares ${declaredRecords} data records`);
  } else if (dataBytes < declaredRecords * recordBytes) {
    const whole = Math.floor(Math.max(0, dataBytes) / recordBytes);
    throw new FormatError('truncated', `${where}: EDF data cut short: the header declares ${declaredRecords} data records of ${recordBytes} bytes (${headerBytes + declaredRecords * recordBytes} bytes in all) but the file has ${src.size} bytes (${whole} whole records)`);
  } else if (dataBytes > declaredRecords * recordBytes) {
    warnings.push(`${dataBytes - declaredRecords * recordBytes} bytes after the ${declaredRecords} declared data records ignored`);
  }
  if (variant !== 'EDF' && !signals.some((s) => s.annotations)) {
    if (variant === 'EDF+D') throw new FormatError('header', `${where}: EDF+D file without an 'EDF Annotations' signal: its data records cannot be placed in time`);
    warnings.push(`${variant} file without an 'EDF Annotations' signal`);
  }
  if (recordDuration === 0 && signals.some((s) => !s.annotations)) {
    throw new FormatError('header', `${where}: data record duration 0 with signals that have samples`);
  }
  return {
    variant,
    patientField: ascii(fixed, 8, 80).trim(),
    recordingField: ascii(fixed, 88, 80).trim(),
    startDate: ascii(fixed, 168, 8),
    startTime: ascii(fixed, 176, 8),
    headerBytes,
    records,
    recordDuration,
    signals,
    recordBytes,
    warnings,
  };
}
