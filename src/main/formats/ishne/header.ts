// The ISHNE Holter header (Badilini et al., ISHNE Holter standard output file format, 1998):
// 'ISHNE1.0', a CRC-CCITT of the header (bytes 10 to the start of the ECG block), a 512-byte
// fixed block of little-endian fields and a variable-length text block. Lengths and offsets
// are checked against each other and the file size; a CRC mismatch rejects the file.
import { crcCcitt } from '../scp/crc.js';
import { FormatError } from '../types.js';
import type { ByteSource } from '../edf/source.js';

export const ISHNE_MAGIC = 'ISHNE1.0';
export const ISHNE_ANN_MAGIC = 'ANN  1.0';
/** Magic (8), CRC (2), fixed block (512). */
export const FIXED_HEADER = 522;

export interface IshneDate {
  readonly day: number;
  readonly month: number;
  readonly year: number;
}

export interface IshneHeader {
  readonly varBlockSize: number;
  /** Samples per lead (the standard's 'size of ECG'). */
  readonly samplesPerLead: number;
  readonly varBlockOffset: number;
  readonly ecgOffset: number;
  readonly fileVersion: number;
  readonly firstName: string;
  readonly lastName: string;
  readonly id: string;
  readonly sex: number;
  readonly race: number;
  readonly birthDate: IshneDate;
  readonly recordDate: IshneDate;
  readonly fileDate: IshneDate;
  readonly startTime: { readonly hour: number; readonly minute: number; readonly second: number };
  readonly leads: number;
  readonly leadSpec: readonly number[];
  readonly leadQuality: readonly number[];
  /** Amplitude resolution per lead, nV per count. */
  readonly resolutionNv: readonly number[];
  readonly pacemaker: number;
  readonly recorderType: string;
  readonly fs: number;
  readonly warnings: readonly string[];
}

function text(b: Buffer, at: number, n: number): string {
  const raw = b.subarray(at, at + n);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? n : end).toString('latin1').trim();
}

/** Reads and checks an ISHNE header; only the header bytes are read. */
export function readIshneHeader(src: ByteSource, where: string): IshneHeader {
  const magic = Buffer.from(src.read(0, 8)).toString('latin1');
  if (magic === ISHNE_ANN_MAGIC) throw new FormatError('format', `${where}: an ISHNE annotation file (beat labels), not an ISHNE ECG file`);
  if (magic !== ISHNE_MAGIC) throw new FormatError('format', `${where}: not an ISHNE Holter file (no 'ISHNE1.0' magic number)`);
  if (src.size < FIXED_HEADER) throw new FormatError('truncated', `${where}: ISHNE header cut short: ${src.size} bytes, the fixed header needs ${FIXED_HEADER}`);
  const b = Buffer.from(src.read(0, FIXED_HEADER));
  const i16 = (at: number) => b.readInt16LE(at);
  const i32 = (at: number) => b.readInt32LE(at);
  const varBlockSize = i32(10);
  const samplesPerLead = i32(14);
  const varBlockOffset = i32(18);
  const ecgOffset = i32(22);
  if (varBlockSize < 0) throw new FormatError('header-length', `${where}: negative variable-length block size ${varBlockSize}`);
  if (varBlockOffset !== FIXED_HEADER) {
    throw new FormatError('header-length', `${where}: variable-length block offset is ${varBlockOffset}; the standard puts it at ${FIXED_HEADER}`);
  }
  if (ecgOffset < FIXED_HEADER + varBlockSize || ecgOffset > src.size) {
    throw new FormatError('header-length', `${where}: ECG block offset ${ecgOffset} does not follow the header (${FIXED_HEADER} + ${varBlockSize} variable bytes) inside the file's ${src.size} bytes`);
  }
  const warnings: string[] = [];
  if (ecgOffset !== FIXED_HEADER + varBlockSize) warnings.push(`ECG block starts at ${ecgOffset}, ${ecgOffset - FIXED_HEADER - varBlockSize} bytes after the header`);
  const stored = b.readUInt16LE(8);
  const rest = src.read(FIXED_HEADER, ecgOffset - FIXED_HEADER);
  const computed = crcCcitt(Buffer.concat([b.subarray(10), rest]));
  if (stored !== computed) {
    throw new FormatError('crc', `${where}: ISHNE header checksum mismatch (stored 0x${stored.toString(16)}, computed 0x${computed.toString(16)}): the header is damaged`);
  }
  const leads = i16(156);
  if (leads < 1 || leads > 12) throw new FormatError('header', `${where}: ISHNE header declares ${leads} leads (1 to 12 allowed)`);
  const fs = i16(272);
  if (fs <= 0) throw new FormatError('header', `${where}: ISHNE sampling rate ${fs} Hz`);
  const date = (at: number): IshneDate => ({ day: i16(at), month: i16(at + 2), year: i16(at + 4) });
  const series = (at: number) => Array.from({ length: 12 }, (_, k) => i16(at + 2 * k));
  return {
    varBlockSize,
    samplesPerLead,
    varBlockOffset,
    ecgOffset,
    fileVersion: i16(26),
    firstName: text(b, 28, 40),
    lastName: text(b, 68, 40),
    id: text(b, 108, 20),
    sex: i16(128),
    race: i16(130),
    birthDate: date(132),
    recordDate: date(138),
    fileDate: date(144),
    startTime: { hour: i16(150), minute: i16(152), second: i16(154) },
    leads,
    leadSpec: series(158),
    leadQuality: series(182),
    resolutionNv: series(206),
    pacemaker: i16(230),
    recorderType: text(b, 232, 40),
    fs,
    warnings,
  };
}
