// The safetensors file format (github.com/huggingface/safetensors, "Format"): an 8-byte
// little-endian header length N, N bytes of UTF-8 JSON ({ name: { dtype, shape, data_offsets:
// [begin, end] } } plus an optional "__metadata__" of strings), then the tensors' raw
// little-endian bytes, offsets counted from the end of the header. What PyTorch checkpoints of a
// cluster run are written in (docs/cluster.md); float tensors are read as float32.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export interface SafeTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface SafeTensorsFile {
  readonly tensors: Map<string, SafeTensor>;
  readonly metadata: Record<string, string>;
  /** Tensors left out because they are not floating point (e.g. BatchNorm's num_batches_tracked). */
  readonly skipped: string[];
}

export class SafeTensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafeTensorsError';
  }
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** Refuses absurd headers (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function toFloat32(dtype: string, bytes: Buffer, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(4 * i, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(8 * i, true);
    else if (dtype === 'F16') out[i] = halfToFloat(view.getUint16(2 * i, true));
    else out[i] = new Float32Array(new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer)[0]; // BF16
  }
  return out;
}

export function parseSafeTensors(buf: Buffer, source = 'safetensors'): SafeTensorsFile {
  if (buf.length < 8) throw new SafeTensorsError(`${source}: ${buf.length} bytes, too short for a safetensors file`);
  const n = Number(buf.readBigUInt64LE(0));
  if (n > MAX_HEADER || 8 + n > buf.length) throw new SafeTensorsError(`${source}: header length ${n} does not fit the file's ${buf.length} bytes (not safetensors?)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new SafeTensorsError(`${source}: header is not JSON (${(err as Error).message})`);
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const base = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  const skipped: string[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as HeaderEntry;
    const size = BYTES[e.dtype];
    if (!size) throw new SafeTensorsError(`${source}: ${name} has unknown dtype ${e.dtype}`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (end - begin !== count * size || base + end > buf.length) throw new SafeTensorsError(`${source}: ${name} [${e.shape}] ${e.dtype} at ${begin}..${end} does not fit the file`);
    if (!['F32', 'F64', 'F16', 'BF16'].includes(e.dtype)) {
      skipped.push(name);
      continue;
    }
    tensors.set(name, { shape: e.shape, values: toFloat32(e.dtype, buf.subarray(base + begin, base + end), count) });
  }
  return { tensors, metadata, skipped };
}

export function readSafeTensors(path: string): SafeTensorsFile {
  return parseSafeTensors(readFileSync(path), path);
}

/** The file's bytes: float32 tensors in the given order, header padded with spaces to 8 bytes. */
export function encodeSafeTensors(tensors: ReadonlyMap<string, SafeTensor>, metadata: Record<string, string> = {}): Buffer[] {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) throw new SafeTensorsError(`${name}: shape [${t.shape}] needs ${count} values, has ${t.values.length}`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  // Little-endian float32 (the bundle code refuses big-endian machines as well).
  return [head, Buffer.from(json, 'utf8'), ...[...tensors.values()].map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength))];
}

/** Writes a safetensors file atomically (temporary name, fsync, rename). */
export function writeSafeTensors(path: string, tensors: ReadonlyMap<string, SafeTensor>, metadata: Record<string, string> = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const chunk of encodeSafeTensors(tensors, metadata)) {
      let done = 0;
      while (done < chunk.byteLength) done += writeSync(fd, chunk, done, chunk.byteLength - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
