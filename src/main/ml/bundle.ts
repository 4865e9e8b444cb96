// Writing and reading model bundles (docs/model-bundle.md): a folder with bundle.json, weights.bin
// and, for a checkpoint, optimizer.bin. Written into a temporary sibling folder, every file
// fsynced, then renamed into place, so a crash leaves either the old bundle or the new one.
// Reading validates bundle.json with zod and the binary files against their sizes and SHA-256.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { CLASSES } from '../../shared/classes.js';
import { CANONICAL_DEFAULTS, STANDARD_LEADS } from '../../shared/leads.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION, bundleSchema, type BundleJson, type TensorFileJson } from './bundle-format.js';
import type { Normalisation } from './normalize.js';
import { exportOnnx, ONNX_FILES, type OnnxRole } from './onnx/export.js';
import { ONNX_OPSET } from './onnx/graph.js';

export { BUNDLE_FORMAT, BUNDLE_VERSION, TASKS, bundleSchema, type BundleJson, type BundleTask } from './bundle-format.js';

export type BundleErrorKind = 'missing' | 'corrupt' | 'invalid' | 'mismatch';

export class BundleError extends Error {
  constructor(readonly kind: BundleErrorKind, message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface NamedArray {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** bundle.json without the parts saveBundle fills in itself. */
export type BundleMeta = Omit<BundleJson, 'format' | 'version' | 'weights' | 'training_state' | 'onnx'>;

/** ONNX graphs made elsewhere (the cluster trainer's torch.onnx), copied into the bundle as they are. */
export interface ExternalOnnx {
  readonly producer: string;
  readonly opset: number;
  readonly folded_batchnorm: boolean;
  readonly graphs: readonly { readonly role: OnnxRole; readonly path: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] }[];
}

export interface SaveOptions {
  /**
   * Write the ONNX graphs (docs/inference.md): true exports ours from the weights, an ExternalOnnx
   * copies given graph files instead. Default: ours, except for checkpoints (training state), which are only resumed.
   */
  readonly onnx?: boolean | ExternalOnnx;
}

export interface TrainingState {
  readonly step: number;
  readonly totalSteps: number;
  readonly lastLoss: number | null;
  /** Optimiser slots by name (flat values). */
  readonly optimizer: ReadonlyMap<string, Float32Array>;
}

export interface LoadedBundle {
  readonly dir: string;
  readonly json: BundleJson;
  readonly weights: ReadonlyMap<string, NamedArray>;
  readonly training?: TrainingState;
}

export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.bin';
export const BUNDLE_JSON = 'bundle.json';

/** The class list every bundle carries (src/shared/classes.ts). */
export function bundleClasses(): BundleJson['classes'] {
  return CLASSES.map((c) => ({ index: c.index, abbreviation: c.abbreviation, snomed: [...c.snomed] }));
}

export function defaultPreprocessing(normalisation: Normalisation = 'zscore-per-lead', samples: number = CANONICAL_DEFAULTS.length): BundleJson['preprocessing'] {
  return { rate: CANONICAL_DEFAULTS.rate, length: samples, leads: [...STANDARD_LEADS], units: 'mV', normalisation };
}

let version: string | undefined;

/** `git describe` of the source tree when it is a checkout, else the package version. */
export function codeVersion(): string {
  if (version !== undefined) return version;
  const here = dirname(fileURLToPath(import.meta.url));
  try {
    version = execFileSync('git', ['describe', '--always', '--dirty', '--tags'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'], timeout: 3000 }).toString().trim();
  } catch {
    version = `openecg-workstation ${process.env.npm_package_version ?? 'unknown'}`;
  }
  return version;
}

function valuesOf(t: tf.Variable | NamedArray): NamedArray {
  if ('values' in t) return t;
  return { shape: t.shape, values: t.dataSync() as Float32Array };
}

function writeFileSynced(path: string, chunks: readonly Uint8Array[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const c of chunks) {
      let done = 0;
      while (done < c.byteLength) done += writeSync(fd, c, done, c.byteLength - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms (Windows) cannot open a folder; the renames are still atomic there.
  }
}

/** Writes named arrays into one little-endian float32 file and describes it. */
function writeTensorFile(path: string, named: ReadonlyMap<string, NamedArray>): TensorFileJson {
  const chunks: Uint8Array[] = [];
  const tensors: TensorFileJson['tensors'] = [];
  const hash = createHash('sha256');
  let offset = 0;
  for (const [name, a] of named) {
    const bytes = new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength);
    chunks.push(bytes);
    hash.update(bytes);
    tensors.push({ name, shape: [...a.shape], offset });
    offset += bytes.byteLength;
  }
  writeFileSynced(path, chunks);
  return { file: basename(path), dtype: 'float32', byte_order: 'little-endian', byte_length: offset, sha256: hash.digest('hex'), tensors };
}

/**
 * Writes a bundle folder atomically (replacing one already at `dir`). `weights` are variables or
 * arrays by bundle name; `training` adds optimizer.bin and the step for resuming.
 */
export function saveBundle(dir: string, meta: BundleMeta, weights: ReadonlyMap<string, tf.Variable | NamedArray>, training?: TrainingState, options: SaveOptions = {}): void {
  if (endianness() !== 'LE') throw new Error('model bundles are little-endian; this machine is big-endian');
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    const named = new Map([...weights].map(([k, v]) => [k, valuesOf(v)]));
    const w = writeTensorFile(join(tmp, WEIGHTS_FILE), named);
    const want = options.onnx ?? !training;
    const onnx = typeof want === 'object' ? copyOnnxGraphs(tmp, want) : want ? writeOnnxGraphs(tmp, meta, named) : undefined;
    let trainingState: BundleJson['training_state'];
    if (training) {
      const named = new Map([...training.optimizer].map(([k, v]) => [k, { shape: [v.length], values: v }]));
      const o = writeTensorFile(join(tmp, OPTIMIZER_FILE), named);
      trainingState = { step: training.step, total_steps: training.totalSteps, last_loss: training.lastLoss, optimizer: o };
    }
    const json: BundleJson = { format: BUNDLE_FORMAT, version: BUNDLE_VERSION, ...meta, weights: w, ...(trainingState ? { training_state: trainingState } : {}), ...(onnx ? { onnx } : {}) };
    const checked = bundleSchema.safeParse(json);
    if (!checked.success) throw new BundleError('invalid', `refusing to write an invalid bundle.json: ${describeIssues(checked.error.issues)}`);
    writeFileSynced(join(tmp, BUNDLE_JSON), [Buffer.from(JSON.stringify(json, null, 2) + '\n')]);
    fsyncDir(tmp);
    const old = existsSync(dir) ? `${tmp}.old` : undefined;
    if (old) renameSync(dir, old);
    renameSync(tmp, dir);
    if (old) rmSync(old, { recursive: true, force: true });
    fsyncDir(parent);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Exports and writes the bundle's ONNX graphs into `dir`; their manifest for bundle.json. A failed
 * export is reported and skipped rather than costing the trained weights: engines then build the
 * graphs on load (or `openecg bundle onnx` writes them).
 */
export function writeOnnxGraphs(dir: string, meta: Pick<BundleJson, 'task' | 'architecture' | 'method'>, weights: ReadonlyMap<string, NamedArray>): BundleJson['onnx'] {
  let graphs;
  try {
    graphs = exportOnnx(meta, weights);
  } catch (err) {
    process.emitWarning(`ONNX export skipped for ${dir}: ${(err as Error).message}`);
    return undefined;
  }
  return {
    opset: ONNX_OPSET,
    producer: 'openecg',
    folded_batchnorm: true,
    graphs: graphs.map((g) => {
      writeFileSynced(join(dir, g.file), [g.bytes]);
      return { role: g.role, file: g.file, byte_length: g.bytes.byteLength, sha256: createHash('sha256').update(g.bytes).digest('hex'), inputs: [...g.inputs], outputs: [...g.outputs] };
    }),
  };
}

/** Copies graph files made elsewhere into `dir`, under the file names our exporter uses; their manifest. */
function copyOnnxGraphs(dir: string, external: ExternalOnnx): BundleJson['onnx'] {
  return {
    opset: external.opset,
    producer: external.producer,
    folded_batchnorm: external.folded_batchnorm,
    graphs: external.graphs.map((g) => {
      const bytes = readFileSync(g.path);
      const file = ONNX_FILES[g.role];
      writeFileSynced(join(dir, file), [bytes]);
      return { role: g.role, file, byte_length: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), inputs: [...g.inputs], outputs: [...g.outputs] };
    }),
  };
}

/** Adds ONNX graphs to a bundle written without them (the graph files first, then bundle.json by rename). */
export function addOnnxToBundle(dir: string): BundleJson['onnx'] {
  const bundle = readBundle(dir);
  const onnx = writeOnnxGraphs(dir, bundle.json, bundle.weights);
  if (!onnx) throw new BundleError('invalid', `${dir}: the ONNX export failed (see the warning)`);
  const raw = JSON.parse(readFileSync(join(dir, BUNDLE_JSON), 'utf8')) as Record<string, unknown>;
  const tmp = join(dir, `.${BUNDLE_JSON}.tmp-${process.pid}`);
  writeFileSynced(tmp, [Buffer.from(JSON.stringify({ ...raw, onnx }, null, 2) + '\n')]);
  renameSync(tmp, join(dir, BUNDLE_JSON));
  fsyncDir(dir);
  return onnx;
}

/** The bytes of the bundle's ONNX graph for `role`, checked against bundle.json; undefined when the bundle has none. */
export function readOnnxGraph(bundle: LoadedBundle, role: OnnxRole): Uint8Array | undefined {
  const entry = bundle.json.onnx?.graphs.find((g) => g.role === role);
  if (!entry) return undefined;
  const path = join(bundle.dir, entry.file);
  if (!existsSync(path)) throw new BundleError('missing', `${bundle.dir}: ONNX file ${entry.file} is missing`);
  const buf = readFileSync(path);
  if (buf.byteLength !== entry.byte_length) throw new BundleError('corrupt', `${path}: ${buf.byteLength} bytes, bundle.json says ${entry.byte_length}`);
  const digest = createHash('sha256').update(buf).digest('hex');
  if (digest !== entry.sha256) throw new BundleError('corrupt', `${path}: SHA-256 differs from bundle.json's (file damaged)`);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function readTensorFile(dir: string, spec: TensorFileJson, what: string): Map<string, NamedArray> {
  const path = join(dir, spec.file);
  if (!existsSync(path)) throw new BundleError('missing', `${dir}: ${what} file ${spec.file} is missing`);
  const size = statSync(path).size;
  if (size !== spec.byte_length) throw new BundleError('corrupt', `${path}: ${size} bytes, bundle.json says ${spec.byte_length} (truncated or replaced?)`);
  const buf = readFileSync(path);
  const digest = createHash('sha256').update(buf).digest('hex');
  if (digest !== spec.sha256) throw new BundleError('corrupt', `${path}: SHA-256 ${digest.slice(0, 12)}... differs from bundle.json's ${spec.sha256.slice(0, 12)}... (file damaged)`);
  const out = new Map<string, NamedArray>();
  for (const t of spec.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset % 4 !== 0 || t.offset + 4 * count > size) throw new BundleError('corrupt', `${path}: tensor ${t.name} [${t.shape}] at byte ${t.offset} lies outside the file`);
    if (out.has(t.name)) throw new BundleError('invalid', `${path}: tensor ${t.name} is listed twice`);
    const values = new Float32Array(count);
    new Uint8Array(values.buffer).set(buf.subarray(t.offset, t.offset + 4 * count));
    out.set(t.name, { shape: t.shape, values });
  }
  return out;
}

/** bundle.json of a bundle folder, checked against the schema (the .bin files are not read). */
export function readBundleJson(dir: string): BundleJson {
  if (!existsSync(dir)) throw new BundleError('missing', `no model bundle at ${dir}`);
  const jsonPath = join(dir, BUNDLE_JSON);
  if (!existsSync(jsonPath)) throw new BundleError('missing', `${dir} is not a model bundle: it has no ${BUNDLE_JSON}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (err) {
    throw new BundleError('corrupt', `${jsonPath}: not valid JSON (${(err as Error).message})`);
  }
  const head = raw as { format?: unknown; version?: unknown; kind?: unknown };
  if (head?.kind === 'foreign') throw new BundleError('mismatch', `${dir} is a foreign model bundle (ONNX graph + model card, docs/model-card.md), not one of our networks' bundles`);
  if (head && head.format === BUNDLE_FORMAT && typeof head.version === 'number' && head.version !== BUNDLE_VERSION) {
    throw new BundleError('mismatch', `${jsonPath}: bundle format version ${head.version}, this program reads version ${BUNDLE_VERSION}`);
  }
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) throw new BundleError('invalid', `${jsonPath}: ${describeIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Reads and checks a bundle folder; errors say what is missing, damaged or inconsistent. */
export function readBundle(dir: string): LoadedBundle {
  const json = readBundleJson(dir);
  const weights = readTensorFile(dir, json.weights, 'weights');
  let training: TrainingState | undefined;
  if (json.training_state) {
    const o = readTensorFile(dir, json.training_state.optimizer, 'optimizer');
    training = { step: json.training_state.step, totalSteps: json.training_state.total_steps, lastLoss: json.training_state.last_loss, optimizer: new Map([...o].map(([k, v]) => [k, v.values])) };
  }
  return { dir, json, weights, training };
}

/**
 * Copies bundle arrays into variables. Names are matched after removing `prefix` from the bundle's;
 * names in `skip` are left alone. Every other variable must be present with its shape, else a
 * 'mismatch' error lists what differs.
 */
export function assignWeights(vars: ReadonlyMap<string, tf.Variable>, weights: ReadonlyMap<string, NamedArray>, options: { prefix?: string; skip?: ReadonlySet<string>; source?: string } = {}): void {
  const prefix = options.prefix ?? '';
  const problems: string[] = [];
  for (const [name, v] of vars) {
    if (options.skip?.has(name)) continue;
    const w = weights.get(prefix + name);
    if (!w) problems.push(`missing ${prefix + name}`);
    else if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i])) problems.push(`${prefix + name}: bundle [${w.shape}], model [${v.shape}]`);
  }
  if (problems.length) {
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new BundleError('mismatch', `${options.source ?? 'bundle'} does not fit the model: ${problems.slice(0, 5).join('; ')}${more}`);
  }
  for (const [name, v] of vars) {
    if (options.skip?.has(name)) continue;
    const w = weights.get(prefix + name)!;
    const t = tf.tensor(w.values, v.shape, 'float32');
    v.assign(t);
    t.dispose();
  }
}
