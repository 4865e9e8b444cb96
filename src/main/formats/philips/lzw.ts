// The LZW variant inside Philips XLI chunks: fixed 10-bit codes read most significant bit
// first, 256 single-byte strings to start, no clear code; a code above 1022 (or the end of the
// input) ends the stream. As published in sierra-ecg-tools (Watford).
import { FormatError } from '../types.js';

const BITS = 10;
const MAX_CODE = (1 << BITS) - 2;

export function lzwDecode(input: Uint8Array, what: string): Uint8Array {
  // Dictionary as (prefix code, last byte, length, first byte) per code: no string copies.
  const prefix = new Int32Array(MAX_CODE + 1).fill(-1);
  const last = new Uint8Array(MAX_CODE + 1);
  const length = new Int32Array(MAX_CODE + 1);
  const first = new Uint8Array(MAX_CODE + 1);
  for (let c = 0; c < 256; c++) {
    last[c] = c;
    length[c] = 1;
    first[c] = c;
  }
  let out = new Uint8Array(Math.max(1024, input.length * 4));
  let n = 0;
  let nextCode = 256;
  let previous = -1;
  let buffer = 0;
  let bitCount = 0;
  let offset = 0;
  for (;;) {
    while (bitCount < BITS && offset < input.length) {
      buffer = (buffer << 8) | input[offset++];
      bitCount += 8;
    }
    if (bitCount < BITS) break;
    const code = (buffer >>> (bitCount - BITS)) & ((1 << BITS) - 1);
    bitCount -= BITS;
    buffer &= (1 << bitCount) - 1;
    if (code > MAX_CODE) break;
    const entry = code;
    if (code >= nextCode) {
      // The one code not yet in the table: previous string plus its own first byte (the KwKwK case).
      if (previous < 0 || code !== nextCode) throw new FormatError('compression', `${what}: LZW code ${code} before it is defined`);
      prefix[code] = previous;
      last[code] = first[previous];
      length[code] = length[previous] + 1;
      first[code] = first[previous];
      nextCode++;
    } else if (previous >= 0 && nextCode <= MAX_CODE) {
      prefix[nextCode] = previous;
      last[nextCode] = first[code];
      length[nextCode] = length[previous] + 1;
      first[nextCode] = first[previous];
      nextCode++;
    }
    const len = length[entry];
    if (n + len > out.length) {
      const grown = new Uint8Array(Math.max(out.length * 2, n + len));
      grown.set(out.subarray(0, n));
      out = grown;
    }
    for (let c = entry, k = n + len - 1; k >= n; k--, c = prefix[c]) out[k] = last[c];
    n += len;
    previous = entry;
  }
  return out.subarray(0, n);
}
