// SLIST_PQ digits: white-space separated numbers, scanned without splitting the text into one
// string per sample (a Holter lead has tens of millions). Only samples in [from, to) are kept.
import { FormatError } from '../types.js';

export interface Digits {
  /** Values of samples [from, min(to, count)). */
  readonly values: Float64Array;
  /** Samples in the whole sequence. */
  readonly count: number;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

export function scanDigits(text: string, from: number, to: number, where: string): Digits {
  const n = text.length;
  // A sample takes at least two characters (digit and separator): no more can fit.
  const keep = new Float64Array(Math.max(0, Math.min(to, Math.ceil((n + 1) / 2)) - from));
  let count = 0;
  let k = 0;
  while (k < n) {
    while (k < n && isSpace(text.charCodeAt(k))) k++;
    if (k >= n) break;
    const start = k;
    let neg = false;
    let v = 0;
    let plain = true;
    let c = text.charCodeAt(k);
    if (c === 45 || c === 43) {
      neg = c === 45;
      k++;
    }
    const first = k;
    for (; k < n; k++) {
      c = text.charCodeAt(k);
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else if (isSpace(c)) break;
      else plain = false;
    }
    if (!plain || k === first) {
      // Not a plain integer (decimal digits are allowed by the data type): let Number decide.
      v = Number(text.slice(start, k));
      if (!Number.isFinite(v)) throw new FormatError('aecg', `${where}: '${text.slice(start, Math.min(k, start + 20))}' is not a number`);
    } else if (neg) v = -v;
    if (count >= from && count < to) keep[count - from] = v;
    count++;
  }
  return { values: keep.subarray(0, Math.max(0, Math.min(count, to) - from)), count };
}
