// The MATLAB v4 parser on a real challenge file and on files built here (other element types,
// big-endian, several matrices), and its refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FormatError, parseMat4Header, readMat4, readWfdb } from '../../src/main/formats/index.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));

/** One MAT v4 matrix: header, name, column-order data written by `put`. */
function matrix(type: number, rows: number, cols: number, name: string, bytes: number, put: (b: Buffer, i: number, at: number) => void, le = true): Buffer {
  const head = Buffer.alloc(20);
  [type, rows, cols, 0, name.length + 1].forEach((v, i) => (le ? head.writeInt32LE(v, i * 4) : head.writeInt32BE(v, i * 4)));
  const data = Buffer.alloc(rows * cols * bytes);
  for (let i = 0; i < rows * cols; i++) put(data, i, i * bytes);
  return Buffer.concat([head, Buffer.from(`${name}\0`, 'latin1'), data]);
}

describe('readMat4', () => {
  it('reads a challenge record: val is int16 leads x samples, equal to the WFDB reading', async () => {
    const buf = readFileSync(`${SAMPLES}cinc/cpsc/A0001.mat`);
    const [val, ...rest] = readMat4(buf, 'A0001.mat');
    expect(rest).toEqual([]);
    expect(val).toMatchObject({ name: 'val', rows: 12, cols: 7500, type: 'int16', littleEndian: true, imaginary: false, dataOffset: 24 });
    const r = await readWfdb(`${SAMPLES}cinc/cpsc/A0001`);
    for (const [lead, sample] of [[0, 0], [1, 17], [11, 7499], [6, 3000]]) {
      const ch = r.channels[lead];
      expect(val.data[sample * val.rows + lead]).toBe(Math.round(r.signals[lead][sample] * ch.gain + ch.baseline));
    }
  });

  it('reads doubles, big-endian int32 and several matrices in one file', () => {
    const a = matrix(0, 2, 3, 'x', 8, (b, i, at) => b.writeDoubleLE(i + 0.5, at));
    const b = matrix(1020, 1, 2, 'big', 4, (buf, i, at) => buf.writeInt32BE(-7 * (i + 1), at), false);
    const c = matrix(50, 2, 2, 'u8', 1, (buf, i, at) => buf.writeUInt8(250 + i, at));
    const [x, big, u8] = readMat4(Buffer.concat([a, b, c]));
    expect(x).toMatchObject({ name: 'x', type: 'float64', rows: 2, cols: 3 });
    expect(Array.from(x.data)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(big).toMatchObject({ name: 'big', type: 'int32', littleEndian: false });
    expect(Array.from(big.data)).toEqual([-7, -14]);
    expect(Array.from(u8.data)).toEqual([250, 251, 252, 253]);
  });

  it.each([
    ['a MAT v5 file', Buffer.concat([Buffer.from('MATLAB 5.0 MAT-file, Platform: PCWIN64'.padEnd(116, ' ')), Buffer.alloc(12)]), 'it is a MATLAB 5.0 MAT-file'],
    ['a MAT v7.3 (HDF5) file', Buffer.from('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: ...'.padEnd(128, ' ')), 'it is a MATLAB 7.3 MAT-file'],
    ['random bytes', Buffer.from('GIF89a this is not a matrix file at all'), 'is not a MAT v4 type'],
    ['a short file', Buffer.alloc(10), '10 bytes, a matrix header needs 20'],
    ['a sparse matrix', matrix(2, 1, 1, 's', 8, () => {}), 'sparse matrices are not supported'],
    ['an unterminated name', Buffer.concat([matrix(30, 0, 0, 'v', 2, () => {}).subarray(0, 20), Buffer.from('vv')]), 'matrix name is not NUL-terminated'],
  ])('rejects %s', (_what, buf, message) => {
    try {
      readMat4(buf, 'f.mat');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).message).toContain(message);
    }
  });

  it('reports a truncated matrix', () => {
    const m = matrix(30, 2, 5, 'val', 2, (b, i, at) => b.writeInt16LE(i, at));
    expect(() => readMat4(m.subarray(0, m.length - 3), 'f.mat')).toThrow("f.mat: truncated: matrix 'val' needs 20 bytes, 17 remain");
  });

  it('parseMat4Header reads the header only', () => {
    const h = parseMat4Header(readFileSync(`${SAMPLES}wfdb/a103l.mat`).subarray(0, 64));
    expect(h).toMatchObject({ name: 'val', rows: 3, cols: 82500, type: 'int16', dataOffset: 24, end: 24 + 3 * 82500 * 2 });
  });
});
