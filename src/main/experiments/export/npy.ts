// The NumPy .npy format, version 1.0 (numpy.org/neps/nep-0001-npy-format.html): the magic
// "\x93NUMPY", version bytes 1 0, a little-endian uint16 header length, then an ASCII Python dict
// literal padded with spaces and ended by '\n' so the data starts at a multiple of 64 bytes, then
// the array in C order.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

export function npyHeader(shape: readonly number[], descr = '<f4'): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const fixed = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((fixed + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - fixed - 1, ' ') + '\n';
  if (dict.length > 0xffff) throw new RangeError('shape too long for a version 1.0 header');
  const out = Buffer.alloc(fixed + dict.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(dict.length, 8);
  out.write(dict, fixed, 'latin1');
  return out;
}

/**
 * Writes a float32 array of `shape` chunk by chunk (the first dimension split across chunks), to a
 * temporary name renamed at the end: a half-written export never looks complete.
 */
export function writeNpyFloat32(path: string, shape: readonly number[], chunks: Iterable<Float32Array>): void {
  const expected = shape.reduce((a, b) => a * b, 1);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  try {
    writeSync(fd, npyHeader(shape));
    for (const chunk of chunks) {
      // Little-endian float32 on every platform Node runs on here (the store refuses big-endian too).
      writeSync(fd, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      written += chunk.length;
    }
    if (written !== expected) throw new RangeError(`wrote ${written} values, shape ${shape.join('x')} needs ${expected}`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
