// MATLAB v4 matrix file as the PhysioNet/CinC challenges ship it: one int16 matrix `val`
// (leads x samples), column-major, after a 20-byte header and the 4-byte name: WFDB's `16+24`.
import { encodeFormat16 } from '../../formats/wfdb/write.js';

export const MAT4_DATA_OFFSET = 24;

export function encodeMat4(adc: readonly Int16Array[]): Buffer {
  // Column-major leads x samples is the same byte order as WFDB format 16's interleaved frames.
  const buf = encodeFormat16(adc, MAT4_DATA_OFFSET);
  buf.writeInt32LE(30, 0); // type MOPT = 0030: little-endian, int16, full numeric matrix
  buf.writeInt32LE(adc.length, 4);
  buf.writeInt32LE(adc[0].length, 8);
  buf.writeInt32LE(0, 12);
  buf.writeInt32LE(4, 16);
  buf.write('val\0', 20, 'latin1');
  return buf;
}
