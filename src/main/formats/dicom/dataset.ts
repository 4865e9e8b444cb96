// The DICOM file parsed by dicom-parser (explicit and implicit VR little endian, explicit big
// endian, deflated), with typed getters that work without VRs: implicit VR files carry none, so
// binary values (US, UL, SS) are read by the tag's known size and strings trimmed.
import dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { FormatError } from '../types.js';

export type DataSet = ReturnType<typeof dicomParser.parseDicom>;

export const TS_IMPLICIT_LE = '1.2.840.10008.1.2';
export const TS_EXPLICIT_BE = '1.2.840.10008.1.2.2';
const TS_DEFLATED = '1.2.840.10008.1.2.1.99';

/** Parses the whole file (part 10: preamble, 'DICM', meta group, data set). */
export function parseDicomBytes(path: string, bytes: Uint8Array): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      // Deflated transfer syntax: the data set after the meta group is raw deflate.
      inflater: (arr: Uint8Array, position: number) => {
        const inflated = inflateRawSync(arr.subarray(position));
        const out = new Uint8Array(position + inflated.length);
        out.set(arr.subarray(0, position));
        out.set(inflated, position);
        return out;
      },
    } as Parameters<typeof dicomParser.parseDicom>[1]);
  } catch (err) {
    // dicom-parser throws strings or { exception, dataSet } objects as well as Errors.
    const why = typeof err === 'string' ? err : err instanceof Error ? err.message : String((err as { exception?: unknown }).exception ?? err);
    // Lengths that run past the end of the bytes are how dicom-parser meets a cut file.
    const truncated = /past end|end of buffer|truncat|maxPosition|'byteArray' length/i.test(why);
    throw new FormatError(truncated ? 'truncated' : 'dicom', `${path}: ${truncated ? 'truncated DICOM file' : 'not a readable DICOM file'} (${why})`);
  }
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
