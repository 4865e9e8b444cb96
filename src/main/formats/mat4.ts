// MATLAB Level 4 MAT-files: the container of PhysioNet/CinC challenge records (`val`, an int16
// leads x samples matrix after a 24-byte header, which WFDB reads as format `16+24`).
// Layout per matrix: five int32 (type MOPT, rows, cols, imagf, namlen), the name with its NUL,
// then rows*cols real elements in column order (and as many imaginary ones when imagf).
import { FormatError } from './types.js';

export type Mat4Type = 'float64' | 'float32' | 'int32' | 'int16' | 'uint16' | 'uint8';

const TYPES: readonly { type: Mat4Type; bytes: number }[] = [
  { type: 'float64', bytes: 8 },
  { type: 'float32', bytes: 4 },
  { type: 'int32', bytes: 4 },
  { type: 'int16', bytes: 2 },
  { type: 'uint16', bytes: 2 },
  { type: 'uint8', bytes: 1 },
];

export interface Mat4MatrixHeader {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly type: Mat4Type;
  readonly bytesPerElement: number;
  readonly littleEndian: boolean;
  readonly imaginary: boolean;
  /** 1 for a text matrix (T digit), 0 numeric. */
  readonly text: boolean;
  /** Byte where the real part starts (from the start of the buffer). */
  readonly dataOffset: number;
  /** Byte just past this matrix (real and imaginary parts). */
  readonly end: number;
}

export interface Mat4Matrix extends Mat4MatrixHeader {
  /** Real part in column order: element (r, c) is data[c * rows + r]. */
  readonly data: Float64Array;
}

export const MAT4_HEADER_BYTES = 20;

/** Parses the matrix header at `offset`; rejects MAT v5/v7.3 files and anything not MAT v4. */
export function parseMat4Header(buf: Uint8Array, offset = 0, where = 'MAT file'): Mat4MatrixHeader {
  const fail = (why: string): never => {
    throw new FormatError('mat', `${where}: not a MATLAB v4 MAT-file: ${why}`);
  };
  if (offset === 0 && buf.length >= 6 && Buffer.from(buf.buffer, buf.byteOffset, 6).toString('latin1') === 'MATLAB') {
    const text = Buffer.from(buf.buffer, buf.byteOffset, Math.min(buf.length, 116)).toString('latin1');
    const version = /MATLAB (\d+(?:\.\d+)?) MAT-file/.exec(text)?.[1] ?? '5 or later';
    fail(`it is a MATLAB ${version} MAT-file (128-byte text header); save it with -v4`);
  }
  if (buf.length - offset < MAT4_HEADER_BYTES) fail(`${buf.length - offset} bytes, a matrix header needs 20`);
  const view = new DataView(buf.buffer, buf.byteOffset + offset, MAT4_HEADER_BYTES);
  // The M digit of the type says the byte order, so try little-endian (M=0) then big-endian (M=1).
  let littleEndian = true;
  let type = view.getInt32(0, true);
  if (!(type >= 0 && type < 100)) {
    littleEndian = false;
    type = view.getInt32(0, false);
    if (!(type >= 1000 && type < 1100)) fail(`type code ${view.getInt32(0, true)} is not a MAT v4 type (MOPT)`);
  }
  const p = Math.floor(type / 10) % 10;
  const t = type % 10;
  if (Math.floor(type / 100) % 10 !== 0) fail(`type code ${type}: O digit must be 0`);
  if (p >= TYPES.length) fail(`type code ${type}: unknown precision ${p}`);
  if (t > 1) fail(`type code ${type}: sparse matrices are not supported`);
  const rows = view.getInt32(4, littleEndian);
  const cols = view.getInt32(8, littleEndian);
  const imagf = view.getInt32(12, littleEndian);
  const namlen = view.getInt32(16, littleEndian);
  if (rows < 0 || cols < 0) fail(`negative dimensions ${rows} x ${cols}`);
  if (imagf !== 0 && imagf !== 1) fail(`imaginary flag ${imagf} is neither 0 nor 1`);
  if (namlen < 1 || namlen > 4096) fail(`name length ${namlen} out of range`);
  const nameAt = offset + MAT4_HEADER_BYTES;
  if (buf.length < nameAt + namlen) fail('file ends inside the matrix name');
  const nameBytes = buf.subarray(nameAt, nameAt + namlen);
  if (nameBytes[namlen - 1] !== 0) fail('matrix name is not NUL-terminated');
  const name = Buffer.from(nameBytes.buffer, nameBytes.byteOffset, namlen - 1).toString('latin1');
  const { type: elementType, bytes } = TYPES[p];
  const dataOffset = nameAt + namlen;
  const end = dataOffset + rows * cols * bytes * (imagf ? 2 : 1);
  return { name, rows, cols, type: elementType, bytesPerElement: bytes, littleEndian, imaginary: imagf === 1, text: t === 1, dataOffset, end };
}

/** Every matrix of a whole MAT v4 file, values converted to float64 (real part only). */
export function readMat4(buf: Uint8Array, where = 'MAT file'): Mat4Matrix[] {
  const out: Mat4Matrix[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const h = parseMat4Header(buf, offset, where);
    if (h.end > buf.length) {
      throw new FormatError('truncated', `${where}: truncated: matrix '${h.name}' needs ${h.end - h.dataOffset} bytes, ${buf.length - h.dataOffset} remain`);
    }
    const n = h.rows * h.cols;
    const data = new Float64Array(n);
    const view = new DataView(buf.buffer, buf.byteOffset + h.dataOffset, n * h.bytesPerElement);
    const le = h.littleEndian;
    switch (h.type) {
      case 'float64': for (let i = 0; i < n; i++) data[i] = view.getFloat64(i * 8, le); break;
      case 'float32': for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, le); break;
      case 'int32': for (let i = 0; i < n; i++) data[i] = view.getInt32(i * 4, le); break;
      case 'int16': for (let i = 0; i < n; i++) data[i] = view.getInt16(i * 2, le); break;
      case 'uint16': for (let i = 0; i < n; i++) data[i] = view.getUint16(i * 2, le); break;
      case 'uint8': for (let i = 0; i < n; i++) data[i] = view.getUint8(i); break;
    }
    out.push({ ...h, data });
    offset = h.end;
  }
  if (out.length === 0) throw new FormatError('mat', `${where}: not a MATLAB v4 MAT-file: empty file`);
  return out;
}

/**
 * Checks that a challenge-style `.mat` signal file agrees with its WFDB header: a MAT v4 int16
 * matrix whose data starts at the header's byte offset, one row per signal (leads x samples,
 * which in column order is WFDB's frame order) and at least `frames` columns. `head` is the
 * file's first bytes (256 are plenty), so the check costs no extra read.
 */
export function checkMat4Signals(head: Uint8Array, path: string, wfdbFormat: number, byteOffset: number, signals: number, frames: number): void {
  const h = parseMat4Header(head, 0, path);
  const expected: Partial<Record<number, Mat4Type>> = { 16: 'int16', 32: 'int32', 80: 'uint8' };
  const want = expected[wfdbFormat];
  const fail = (why: string): never => {
    throw new FormatError('mat', `${path}: MAT v4 matrix '${h.name}' does not match the header: ${why}`);
  };
  if (want && h.type !== want) fail(`it holds ${h.type}, header format ${wfdbFormat} needs ${want}`);
  if (wfdbFormat === 16 && !h.littleEndian) fail('it is big-endian, format 16 is little-endian');
  if (h.dataOffset !== byteOffset) fail(`its data start at byte ${h.dataOffset}, header says +${byteOffset}`);
  if (h.rows !== signals) {
    if (h.cols === signals && h.rows >= frames) fail(`it is ${h.rows} x ${h.cols} (samples x leads); leads x samples is needed`);
    fail(`it has ${h.rows} rows, header lists ${signals} signals`);
  }
  if (h.cols < frames) fail(`it has ${h.cols} columns (samples), header says ${frames}`);
}
