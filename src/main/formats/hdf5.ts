// HDF5 ECG tracings as CODE-15% ships them: dataset `tracings` (N, samples, leads) float32 and
// `exam_id` (N,). One exam is read as a hyperslab of one row, never the whole (N, 4096, 12) array
// (a CODE-15% part holds ~20,000 exams of 196 kB each), and open files are cached for the worker that reads many rows.
import type { Dataset, File as H5File } from 'h5wasm/node';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { STANDARD_LEADS } from '../../shared/leads.js';
import { printable } from './printable.js';
import { FormatError, type ChannelInfo, type Reading, type ReadOptions } from './types.js';

export interface Hdf5ExamOptions {
  /** Dataset holding the tracings (default 'tracings'). */
  readonly dataset?: string;
  /** Lead names in storage order; the file does not say. Default: CODE-15%'s DI, DII, DIII, AVR, AVL, AVF, V1-V6, given by their standard names. */
  readonly leads?: readonly string[];
  /** Sampling rate; the file does not say. Default 400 Hz (CODE-15%). */
  readonly fs?: number;
  /** Units of the stored values; the file does not say. Default 'mV' (see code15.ts for why). */
  readonly units?: string;
}

export interface Hdf5Shape {
  readonly exams: number;
  readonly samples: number;
  readonly leads: number;
}

const MAX_OPEN = 8;
/** Samples x leads of one exam beyond which a shape is taken as damage (CODE-15%: 4096 x 12). */
const MAX_VALUES = 2 ** 28;
/** Open read-only files by path, oldest first (Map keeps insertion order; re-inserted on use). */
const openFiles = new Map<string, H5File>();
type H5wasm = (typeof import('h5wasm/node'))['default'];
let h5wasm: H5wasm | null = null;
let loading: Promise<H5wasm> | null = null;

/** Loads the HDF5 library on first use only: ~0.3-0.5 s of WebAssembly start-up that WFDB-only work never pays. */
async function library(): Promise<H5wasm> {
  loading ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    h5wasm = m.default;
    return m.default;
  });
  return loading;
}

/** The HDF5 signature sits at offset 0, 512, 1024, 2048, ... (a user block may precede it). */
function hasHdf5Signature(path: string): boolean {
  const signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const info = statSync(path);
  if (!info.isFile()) throw new Error('not a regular file'); // a FIFO would block the open below
  const size = info.size;
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buf, 0, 8, offset);
      if (buf.equals(signature)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Opens (or reuses) a read-only file. FormatError for a missing or non-HDF5 file. */
export async function openHdf5(path: string): Promise<H5File> {
  const cached = openFiles.get(path);
  if (cached) {
    openFiles.delete(path);
    openFiles.set(path, cached);
    return cached;
  }
  let isHdf5: boolean;
  try {
    isHdf5 = hasHdf5Signature(path);
  } catch (err) {
    throw new FormatError('hdf5-missing', `cannot read HDF5 file ${path}: ${(err as Error).message}`);
  }
  // Checked before h5wasm sees the file: libhdf5 would print a page of diagnostics to stderr.
  if (!isHdf5) throw new FormatError('hdf5-signature', `${path} is not an HDF5 file (no HDF5 signature)`);
  const lib = await library();
  const file = new lib.File(path, 'r');
  if (typeof file.file_id === 'bigint' && file.file_id < 0n) throw new FormatError('hdf5-open', `HDF5 library could not open ${path}`);
  openFiles.set(path, file);
  while (openFiles.size > MAX_OPEN) {
    const [oldest, handle] = openFiles.entries().next().value as [string, H5File];
    openFiles.delete(oldest);
    handle.close();
  }
  return file;
}

/** Closes every cached file (end of an import, or before a file is rewritten). */
export function closeHdf5Files(): void {
  for (const file of openFiles.values()) file.close();
  openFiles.clear();
}

function dataset(file: H5File, name: string, path: string): Dataset {
  const entity = file.get(name);
  if (!entity || !h5wasm || !(entity instanceof h5wasm.Dataset)) {
    throw new FormatError('hdf5-no-dataset', `${path} has no dataset '${name}' (found: ${file.keys().join(', ') || 'nothing'})`);
  }
  return entity;
}

/** Shape of the tracings dataset; FormatError unless it is (exams, samples, leads). */
export async function hdf5TracingsShape(path: string, name = 'tracings'): Promise<Hdf5Shape> {
  const file = await openHdf5(path);
  const shape = dataset(file, name, path).shape;
  if (!shape || shape.length !== 3) {
    throw new FormatError('hdf5-shape', `${path}: '${name}' has shape [${shape?.join(', ') ?? ''}], expected (exams, samples, leads)`);
  }
  return { exams: shape[0], samples: shape[1], leads: shape[2] };
}

/** The exam ids (dataset `exam_id`, one per tracings row) as numbers; CODE-15% fills unused rows with 0. */
export async function readHdf5ExamIds(path: string, name = 'exam_id'): Promise<number[]> {
  const file = await openHdf5(path);
  const values = dataset(file, name, path).value;
  if (!ArrayBuffer.isView(values)) throw new FormatError('hdf5-type', `${path}: '${name}' is not a numeric array`);
  return Array.from(values as ArrayLike<number | bigint>, (v) => Number(v));
}

/** One exam id without reading the whole column. */
export async function readHdf5ExamId(path: string, index: number, name = 'exam_id'): Promise<number | null> {
  const file = await openHdf5(path);
  const entity = file.get(name);
  if (!entity || !h5wasm || !(entity instanceof h5wasm.Dataset)) return null;
  const value = entity.slice([[index, index + 1]]);
  return ArrayBuffer.isView(value) ? Number((value as ArrayLike<number | bigint>)[0]) : null;
}

/** Reads row `index` of the tracings as a Reading: one channel per lead, physical units, gain 1. */
export async function readHdf5Exam(path: string, index: number, options: Hdf5ExamOptions = {}): Promise<Reading> {
  try {
    return await readExam(path, index, options);
  } catch (err) {
    if (err instanceof FormatError) throw err;
    // A damaged file makes the library throw plain errors ('name not defined!'): say so in one line.
    throw new FormatError('hdf5-unreadable', `${path}: the HDF5 library cannot read exam row ${index} (${printable(String((err as Error)?.message ?? err), 120)})`);
  }
}

async function readExam(path: string, index: number, options: Hdf5ExamOptions): Promise<Reading> {
  const name = options.dataset ?? 'tracings';
  const leads = options.leads ?? STANDARD_LEADS;
  const fs = options.fs ?? 400;
  const units = options.units ?? 'mV';
  const file = await openHdf5(path);
  const tracings = dataset(file, name, path);
  const shape = tracings.shape;
  if (!shape || shape.length !== 3) {
    throw new FormatError('hdf5-shape', `${path}: '${name}' has shape [${shape?.join(', ') ?? ''}], expected (exams, samples, leads)`);
  }
  const [exams, samples, count] = shape;
  if (!Number.isInteger(index) || index < 0 || index >= exams) {
    throw new FormatError('hdf5-index', `${path}: exam row ${index} is outside 0..${exams - 1}`);
  }
  if (!(samples > 0) || samples * count > MAX_VALUES) {
    throw new FormatError(samples > 0 ? 'too-large' : 'no-samples', `${path}: '${name}' has ${samples} samples per exam`);
  }
  if (count !== leads.length) {
    throw new FormatError('hdf5-shape', `${path}: '${name}' has ${count} leads per sample, expected ${leads.length}`);
  }
  const raw = tracings.slice([[index, index + 1], [], []]);
  if (!(raw instanceof Float32Array || raw instanceof Float64Array || raw instanceof Int16Array || raw instanceof Int32Array)) {
    throw new FormatError('hdf5-type', `${path}: '${name}' holds ${String(tracings.dtype)}, expected numbers`);
  }
  // Stored sample-major (samples, leads); the reading is lead-major.
  const signals = leads.map(() => new Float64Array(samples));
  for (let s = 0, k = 0; s < samples; s++) for (let c = 0; c < count; c++, k++) signals[c][s] = raw[k];
  const channels: ChannelInfo[] = leads.map((lead) => ({ name: lead, units, fmt: 'hdf5', gain: 1, baseline: 0 }));
  return {
    record: `${basename(path)}#${index}`,
    fs,
    sigLen: samples,
    totalLen: samples,
    channels,
    signals,
    comments: [],
    warnings: [],
  };
}

/** Paths the HDF5 reader claims: 'file.hdf5' or 'file.hdf5#<row>' (also '.h5'). */
export function isHdf5Path(path: string): boolean {
  return /\.(hdf5|h5)(#\d+)?$/i.test(path);
}

/**
 * `readRecord` form: 'parts/exams_part0.hdf5#17' reads row 17 (row 0 without '#'), CODE-15%
 * conventions, whole stored length (zero padding included: only the dataset adapter trims it).
 */
export async function readHdf5Path(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const m = /^(.*?)(?:#(\d+))?$/.exec(path);
  const file = m?.[1] ?? path;
  const row = m?.[2] !== undefined ? Number(m[2]) : 0;
  const whole = await readHdf5Exam(file, row);
  const from = opts.from ?? 0;
  const to = opts.to ?? whole.totalLen;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > whole.totalLen || from > to) {
    throw new FormatError('range', `${path}: sample range ${from}..${to} is outside 0..${whole.totalLen}`);
  }
  if (from === 0 && to === whole.totalLen) return whole;
  return { ...whole, sigLen: to - from, signals: whole.signals.map((s) => s.slice(from, to)) };
}
