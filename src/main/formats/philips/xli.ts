// XLI, Philips' waveform compression: per lead a chunk of [int32 size, int16 unknown, int16
// first value] followed by `size` bytes of LZW; the decompressed bytes are the high bytes of
// all 16-bit deltas followed by all low bytes, and the values follow from a second-order
// predictor (2y - x) corrected by each delta less 64. Layout as published by sierra-ecg-tools.
import { FormatError } from '../types.js';
import { lzwDecode } from './lzw.js';

const HEADER = 8;

function unpack(bytes: Uint8Array): Int32Array {
  const n = bytes.length >> 1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (((bytes[i] << 8) | bytes[n + i]) << 16) >> 16;
  return out;
}

function undoDeltas(deltas: Int32Array, first: number): Int32Array {
  const values = deltas.slice();
  if (values.length < 3) return values;
  let x = values[0];
  let y = values[1];
  let lastValue = first;
  for (let i = 2; i < values.length; i++) {
    const z = 2 * y - x - lastValue;
    lastValue = deltas[i] - 64;
    values[i] = z;
    x = y;
    y = z;
  }
  return values;
}

/** All leads of an XLI stream, in storage order, in counts (before limb-lead reconstruction). */
export function xliDecode(data: Uint8Array, what: string): Int32Array[] {
  const leads: Int32Array[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 0;
  while (offset < data.length) {
    if (offset + HEADER > data.length) throw new FormatError('truncated', `${what}: XLI chunk header of lead ${leads.length + 1} cut off after ${data.length - offset} bytes`);
    const size = view.getInt32(offset, true);
    const first = view.getInt16(offset + 6, true);
    if (size < 0 || offset + HEADER + size > data.length) {
      throw new FormatError('truncated', `${what}: XLI chunk of lead ${leads.length + 1} says ${size} bytes, ${data.length - offset - HEADER} remain`);
    }
    const chunk = data.subarray(offset + HEADER, offset + HEADER + size);
    leads.push(undoDeltas(unpack(lzwDecode(chunk, `${what} lead ${leads.length + 1}`)), first));
    offset += HEADER + size;
  }
  return leads;
}

/**
 * XLI stores III, aVR, aVL and aVF as residuals against what I and II predict; this is the
 * format's own reconstruction (integer counts, floor division), in place. `idx` gives the
 * storage index of each lead.
 */
export function reconstructLimbLeads(leads: Int32Array[], idx: { I: number; II: number; III: number; aVR: number; aVL: number; aVF: number }): void {
  const i1 = leads[idx.I];
  const i2 = leads[idx.II];
  const iii = leads[idx.III];
  const avr = leads[idx.aVR];
  const avl = leads[idx.aVL];
  const avf = leads[idx.aVF];
  for (let k = 0; k < iii.length; k++) iii[k] = i2[k] - i1[k] - iii[k];
  for (let k = 0; k < avr.length; k++) avr[k] = -avr[k] - Math.floor((i1[k] + i2[k]) / 2);
  for (let k = 0; k < avl.length; k++) avl[k] = Math.floor((i1[k] - iii[k]) / 2) - avl[k];
  for (let k = 0; k < avf.length; k++) avf[k] = Math.floor((i2[k] + iii[k]) / 2) - avf[k];
}
