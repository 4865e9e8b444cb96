// Choosing the TensorFlow.js backend: native TensorFlow (GPU, then CPU build) when installed and
// working, then WebAssembly (with our training kernels), then plain JavaScript. The choice and why
// it was made are reported, because a user who expected CUDA must see that it was not used.
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerAllGradients } from './gradients.js';
import { describeGemmRoute } from './kernels/gemm-route.js';
import { registerWasmTrainingKernels } from './kernels/register.js';

/** What the user may ask for; 'tensorflow' means tfjs-node-gpu or tfjs-node, whichever works. */
export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendAttempt {
  readonly name: BackendName;
  readonly ok: boolean;
  readonly why: string;
}

export interface BackendChoice {
  readonly name: BackendName;
  /** The tfjs backend name as tf.getBackend() reports it ('tensorflow', 'wasm', 'cpu'). */
  readonly tfBackend: string;
  readonly reason: string;
  readonly tried: readonly BackendAttempt[];
  /** WASM only: the build in use (SIMD, threads) and why threads are off. */
  readonly wasm?: { readonly simd: boolean; readonly threads: number; readonly note: string };
  /** WASM only: where convolutions and large matrix products run (ONNX Runtime's GEMM, or XNNPACK and why). */
  readonly gemm?: string;
}

export interface BackendOptions {
  /** A setting; OPENECG_BACKEND in the environment wins over it, 'auto' when neither is set. */
  readonly prefer?: BackendRequest;
  /** Environment to read OPENECG_BACKEND from (tests pass their own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export function parseBackendRequest(value: string | undefined): BackendRequest | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if ((REQUESTS as readonly string[]).includes(v)) return v as BackendRequest;
  throw new Error(`unknown backend '${value}' (expected one of ${REQUESTS.join(', ')})`);
}

/** Folder holding tfjs-backend-wasm's .wasm files; Node cannot fetch them relative to a page. */
export function wasmFilesFolder(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

/** A tiny op whose answer we know: a backend that loads but computes wrongly is not used. */
function opCheck(): void {
  const out = tf.tidy(() => {
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const x = tf.tensor3d([1, 2, 3, 4], [1, 4, 1]);
    const k = tf.tensor3d([1, -1], [2, 1, 1]);
    return [tf.matMul(a, a).dataSync(), tf.conv1d(x, k, 1, 'valid').dataSync()];
  });
  const want = [[7, 10, 15, 22], [-1, -1, -1]];
  out.forEach((got, i) => {
    if (Array.from(got).some((v, j) => Math.abs(v - want[i][j]) > 1e-5)) {
      throw new Error(`op check failed: got [${Array.from(got)}], expected [${want[i]}]`);
    }
  });
}

async function activate(tfName: string): Promise<void> {
  if (!(await tf.setBackend(tfName))) throw new Error(`tf.setBackend('${tfName}') returned false`);
  await tf.ready();
  opCheck();
}

// The native packages are optional dependencies: a variable specifier keeps TypeScript and
// bundlers from resolving them, and a missing package is an ordinary, reported outcome.
async function importOptional(specifier: string): Promise<void> {
  await import(specifier);
}

async function tryNative(pkg: string): Promise<void> {
  await importOptional(pkg);
  await activate('tensorflow');
}

let wasmInfo: BackendChoice['wasm'];

async function tryWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the threaded build needs a Worker-capable Emscripten pthread setup that tfjs does not
  // start, so WASM_HAS_MULTITHREAD_SUPPORT is false and the SIMD single-thread build is used; we
  // use both cores with data-parallel worker_threads instead (see parallel/).
  wasm.setWasmPaths(wasmFilesFolder());
  registerWasmTrainingKernels();
  await activate('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasm.getThreadsCount();
  wasmInfo = {
    simd,
    threads,
    note: threads > 1 ? 'threaded SIMD build' : 'single-threaded build (WASM threads do not start in Node); use data-parallel workers for more cores',
  };
}

async function tryCpu(): Promise<void> {
  await import('@tensorflow/tfjs-backend-cpu');
  await activate('cpu');
}

const CANDIDATES: readonly { name: BackendName; tfName: string; group: BackendRequest; load: () => Promise<void> }[] = [
  { name: 'tensorflow-gpu', tfName: 'tensorflow', group: 'tensorflow', load: () => tryNative('@tensorflow/tfjs-node-gpu') },
  { name: 'tensorflow', tfName: 'tensorflow', group: 'tensorflow', load: () => tryNative('@tensorflow/tfjs-node') },
  { name: 'wasm', tfName: 'wasm', group: 'wasm', load: tryWasm },
  { name: 'cpu', tfName: 'cpu', group: 'cpu', load: tryCpu },
];

let current: BackendChoice | undefined;

/**
 * Picks and activates a backend. Forced requests (setting or OPENECG_BACKEND) fail loudly
 * instead of falling back, so a benchmark never silently measures the wrong engine.
 */
export async function chooseBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const env = options.env ?? process.env;
  const fromEnv = parseBackendRequest(env.OPENECG_BACKEND);
  const request = fromEnv ?? options.prefer ?? 'auto';
  if (current && (request === 'auto' || current.name === request || (request === 'tensorflow' && current.tfBackend === 'tensorflow'))) {
    return current;
  }
  // The core package registers no gradients by itself; training needs all of them.
  await registerAllGradients();
  const tried: BackendAttempt[] = [];
  for (const c of CANDIDATES) {
    if (request !== 'auto' && c.group !== request) continue;
    try {
      await c.load();
      tried.push({ name: c.name, ok: true, why: 'loaded and passed the op check' });
      const forced = fromEnv ? `forced by OPENECG_BACKEND=${fromEnv}` : request !== 'auto' ? `forced by setting '${request}'` : '';
      const skipped = tried.filter((t) => !t.ok).map((t) => t.name);
      const reason = forced || (skipped.length ? `first working backend (${skipped.join(', ')} unavailable)` : 'first backend in order of preference');
      current = { name: c.name, tfBackend: c.tfName, reason, tried, ...(c.name === 'wasm' ? { wasm: wasmInfo, gemm: describeGemmRoute() } : {}) };
      return current;
    } catch (err) {
      tried.push({ name: c.name, ok: false, why: firstLine(err) });
    }
  }
  const detail = tried.map((t) => `${t.name}: ${t.why}`).join('; ');
  throw new Error(`no usable TensorFlow.js backend for request '${request}' (${detail})`);
}

/**
 * Emscripten's bare 'Aborted()' (the WASM backend's 4 GB heap is full, and the module is dead) as
 * an error a user can act on; other errors pass through.
 */
export function explainWasmAbort(err: unknown, batch: number): unknown {
  const msg = err instanceof Error ? err.message : String(err);
  if (!/^Aborted\(/.test(msg)) return err;
  return new Error(`the WASM backend ran out of memory (4 GB per thread) on a batch of ${batch}: use a smaller batch, or data-parallel workers (--workers 2), each of which has its own 4 GB (${msg})`);
}

/** The backend chosen by the last successful chooseBackend call, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].slice(0, 300);
}
