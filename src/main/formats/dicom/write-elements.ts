// Data elements in explicit VR little endian (PS3.5 7.1.2): values padded to even length (UI
// with NUL, text with a space), 4-byte lengths for OB/OW/SQ/UT/UN, sequences and items with
// defined lengths, elements of a data set sorted by tag as the standard requires.
import { createHash } from 'node:crypto';

export type Vr = 'AE' | 'AS' | 'CS' | 'DA' | 'DS' | 'DT' | 'IS' | 'LO' | 'LT' | 'OB' | 'OW' | 'PN' | 'SH' | 'SQ' | 'ST' | 'TM' | 'UI' | 'UL' | 'US' | 'UT';

const LONG_LENGTH: ReadonlySet<Vr> = new Set(['OB', 'OW', 'SQ', 'UT']);

export interface Element {
  readonly tag: number;
  readonly vr: Vr;
  readonly value: Uint8Array;
}

/** A data set (or sequence item) under construction. */
export type Elements = Element[];

function padded(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

/** A text element (multi-values joined with '\'); an empty string gives a zero-length (type 2) element. */
export function text(tag: number, vr: Vr, value: string | readonly string[]): Element {
  const s = typeof value === 'string' ? value : value.join('\\');
  return { tag, vr, value: padded(Buffer.from(s, 'latin1'), vr === 'UI' ? 0 : 0x20) };
}

/** A decimal string within DS's 16 characters. */
export function ds(tag: number, v: number): Element {
  let s = String(v);
  if (s.length > 16) s = String(Number(v.toPrecision(10)));
  if (s.length > 16) s = v.toExponential(8);
  return text(tag, 'DS', s);
}

export function us(tag: number, ...values: number[]): Element {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
  return { tag, vr: 'US', value: b };
}

export function ul(tag: number, v: number): Element {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return { tag, vr: 'UL', value: b };
}

export function binary(tag: number, vr: 'OB' | 'OW', bytes: Uint8Array): Element {
  return { tag, vr, value: padded(bytes, 0) };
}

/** A sequence of items, each an element list (sorted when encoded). */
export function sequence(tag: number, itemsOf: readonly Elements[]): Element {
  const parts: Uint8Array[] = [];
  for (const item of itemsOf) {
    const body = encodeElements(item);
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0xfffe, 0);
    head.writeUInt16LE(0xe000, 2);
    head.writeUInt32LE(body.length, 4);
    parts.push(head, body);
  }
  return { tag, vr: 'SQ', value: Buffer.concat(parts) };
}

/** A code sequence item (value, scheme, scheme version, meaning). */
export function codeItem(value: string, scheme: string, meaning: string, version?: string): Elements {
  return [
    text(0x00080100, 'SH', value),
    text(0x00080102, 'SH', scheme),
    ...(version ? [text(0x00080103, 'SH', version)] : []),
    text(0x00080104, 'LO', meaning),
  ];
}

function encodeElement(e: Element): Buffer {
  const long = LONG_LENGTH.has(e.vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(e.tag >>> 16, 0);
  head.writeUInt16LE(e.tag & 0xffff, 2);
  head.write(e.vr, 4, 'latin1');
  if (long) head.writeUInt32LE(e.value.length, 8);
  else {
    if (e.value.length > 0xffff) throw new RangeError(`DICOM element (${e.tag.toString(16)}) of ${e.value.length} bytes is too long for VR ${e.vr}`);
    head.writeUInt16LE(e.value.length, 6);
  }
  return Buffer.concat([head, e.value]);
}

/** Elements sorted by tag and encoded back to back. */
export function encodeElements(elements: Elements): Buffer {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  return Buffer.concat(sorted.map(encodeElement));
}

/**
 * A UID under the 2.25 root (PS3.5 B.2: a UUID as one decimal integer), derived from `parts` so
 * the same record written twice gets the same UIDs and two records never share one.
 */
export function derivedUid(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\0')).digest();
  // 122 bits with the UUID version 4 / variant bits set, as a random UUID would have them.
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`).toString(10)}`;
}
