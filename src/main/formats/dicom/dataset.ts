// The DICOM file parsed by dicom-parser (explicit and implicit VR little endian, explicit big
// endian, deflated), with typed getters that work without VRs: implicit VR files carry none, so
// binary values (US, UL, SS) are read by the tag's known size and strings trimmed. Large files
// are parsed without reading their WaveformData values (parseDicomSource).
import dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { CHUNK_BYTES, type ByteSource } from '../edf/source.js';
import { FormatError } from '../types.js';
import { lazyBytes } from './lazy-bytes.js';

export type DataSet = ReturnType<typeof dicomParser.parseDicom>;

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
const TS_DEFLATED = '1.2.840.10008.1.2.1.99';

/** Raw deflate after the meta group: `whole` gives the file's bytes (the data set cannot be streamed). */
function inflater(whole: () => Uint8Array) {
  return (_arr: Uint8Array, position: number): Uint8Array => {
    const arr = whole();
    const inflated = inflateRawSync(arr.subarray(position));
    const out = new Uint8Array(position + inflated.length);
    out.set(arr.subarray(0, position));
    out.set(inflated, position);
    return out;
  };
}

const WAVEFORM_DATA_TAG = Buffer.from([0x00, 0x54, 0x10, 0x10]);

/**
 * A WaveformData (5400,1010) element, little endian, whose declared value runs past the file's
 * end, found among `bytes` (the file's first bytes): the clearest reason a cut file gives.
 */
function cutWaveformData(bytes: Uint8Array, size: number): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = b.indexOf(WAVEFORM_DATA_TAG); i >= 0 && i + 8 <= b.length; i = b.indexOf(WAVEFORM_DATA_TAG, i + 1)) {
    // Explicit VR: OB/OW and two zero bytes; otherwise implicit VR, whose waveform lengths are even.
    const explicit = /^(OB|OW)$/.test(b.toString('latin1', i + 4, i + 6)) && i + 12 <= b.length && b.readUInt16LE(i + 6) === 0;
    const length = explicit ? b.readUInt32LE(i + 8) : b.readUInt32LE(i + 4);
    const value = i + (explicit ? 12 : 8);
    if (length !== 0xffffffff && length % 2 === 0 && value + length > size) {
      return `WaveformData (5400,1010) at byte ${i} declares ${length} bytes, the file ends ${value + length - size} bytes before their end`;
    }
  }
  return undefined;
}

/** dicom-parser's error as a FormatError; `seen` holds the file's first bytes, to name a cut waveform. */
function failure(path: string, err: unknown, seen: Uint8Array, size: number): FormatError {
  // dicom-parser throws strings or { exception, dataSet } objects as well as Errors.
  const why = typeof err === 'string' ? err : err instanceof Error ? err.message : String((err as { exception?: unknown }).exception ?? err);
  // Lengths that run past the end of the bytes are how dicom-parser meets a cut file (its
  // message for an item longer than the bytes spells 'maxP osition').
  const truncated = /past end|end of buffer|truncat|maxP ?osition|'byteArray' length/i.test(why);
  const cut = truncated ? cutWaveformData(seen, size) : undefined;
  if (cut) return new FormatError('truncated', `${path}: truncated DICOM file: ${cut}`);
  return new FormatError(truncated ? 'truncated' : 'dicom', `${path}: ${truncated ? 'truncated DICOM file' : 'not a readable DICOM file'} (${why})`);
}

/** Parses the whole file (part 10: preamble, 'DICM', meta group, data set). */
export function parseDicomBytes(path: string, bytes: Uint8Array): DataSet {
  try {
    return dicomParser.parseDicom(bytes, { inflater: inflater(() => bytes) } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (err) {
    throw failure(path, err, bytes, bytes.length);
  }
}

/** A parsed file and the bytes its element offsets point into. */
export interface DicomFile {
  readonly ds: DataSet;
  /** Size of the bytes `read` serves (the file, or the inflated file when deflated). */
  readonly size: number;
  /** Bytes [position, position + length), fewer where they end. */
  read(position: number, length: number): Uint8Array;
}

/**
 * Parses a file from a byte source. Files under `wholeBelow` bytes are read at once (fastest
 * for a 10 s ECG); larger ones are parsed through lazily paged bytes, so only the header and
 * what the caller later `read`s (a window of WaveformData) come off the disk.
 */
export function parseDicomSource(path: string, source: ByteSource, wholeBelow = CHUNK_BYTES): DicomFile {
  if (source.size < wholeBelow) {
    const bytes = source.read(0, source.size);
    const ds = parseDicomBytes(path, bytes);
    return inMemory(ds);
  }
  const lazy = lazyBytes(source);
  let ds: DataSet;
  try {
    ds = dicomParser.parseDicom(lazy.bytes, { inflater: inflater(() => source.read(0, source.size)) } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (err) {
    throw failure(path, err, lazy.prefix(), source.size);
  }
  // A deflated file was parsed from its inflated copy, which offsets then point into.
  if (ds.byteArray !== lazy.bytes) return inMemory(ds);
  return { ds, size: source.size, read: (position, length) => source.read(position, length) };
}

function inMemory(ds: DataSet): DicomFile {
  const bytes = ds.byteArray;
  return { ds, size: bytes.length, read: (position, length) => bytes.subarray(position, position + length) };
}

export function transferSyntax(ds: DataSet): string {
  return str(ds, 'x00020010') ?? TS_IMPLICIT_LE;
}

export function isDeflated(ds: DataSet): boolean {
  return transferSyntax(ds) === TS_DEFLATED;
}

/** A string value (trimmed, first of a multi-value unless `whole`), undefined when absent or empty. */
export function str(ds: DataSet, tag: string, whole = false): string | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const s = whole ? ds.string(tag) : ds.string(tag, 0);
  const t = s?.replace(/\0+$/, '').trim();
  return t ? t : undefined;
}

/** A DS/IS value as a number, undefined when absent or not a number. */
export function num(ds: DataSet, tag: string): number | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/** A US value (2 bytes). */
export function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  return el && el.length >= 2 ? ds.uint16(tag) : undefined;
}

/** A UL value (4 bytes). */
export function ul(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  return el && el.length >= 4 ? ds.uint32(tag) : undefined;
}

/** Items of a sequence as data sets (empty when absent). */
export function items(ds: DataSet, tag: string): DataSet[] {
  return (ds.elements[tag]?.items ?? []).flatMap((it) => (it.dataSet ? [it.dataSet] : []));
}

/** The first item's code (value, scheme, meaning) of a code sequence. */
export function code(ds: DataSet, tag: string): { value?: string; scheme?: string; meaning?: string } | undefined {
  const it = items(ds, tag)[0];
  if (!it) return undefined;
  return { value: str(it, 'x00080100'), scheme: str(it, 'x00080102'), meaning: str(it, 'x00080104') };
}
