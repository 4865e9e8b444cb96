// ONNX Runtime's native binding called synchronously, for TensorFlow.js kernels. The public
// onnxruntime-node API is asynchronous (its run() defers the native call with setImmediate), but a
// kernel must return its output at once; the binding underneath runs synchronously, so we call it
// directly. Inputs and outputs are views into the WASM backend's heap: ONNX Runtime reads the
// inputs in place and writes into the pre-allocated outputs, so no tensor is copied.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

interface OrtTensorCtor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): object;
}
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, object>, fetches: Record<string, object | null>, options: object): Record<string, unknown>;
  dispose(): void;
}
interface NativeBinding {
  readonly binding: { readonly InferenceSession: new () => NativeSession };
  readonly initOrt: () => void;
}

export interface NativeOrt {
  /** Runs the graph `build()` makes (built and loaded once per key) on float32 views. */
  run(key: string, build: () => Uint8Array, inputs: Record<string, { data: Float32Array; dims: readonly number[] }>, outputs: Record<string, { data: Float32Array; dims: readonly number[] }>): void;
  /** Disposes the session of `key` (a shape measured cheaper on XNNPACK): its threads and memory go. */
  drop(key: string): void;
  /** Sessions held now (each with its own intra-op pool of threads - 1 sleeping threads). */
  readonly sessions: number;
  readonly threads: number;
}

/** ONNX Runtime session config entries (flattened to 'session.intra_op.allow_spinning' by the binding). */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } as const;

/** Sessions kept (one per graph shape); the least recently used one goes first. */
const MAX_SESSIONS = 96;

let loaded: NativeOrt | null | undefined;
let why: string | undefined;
let threads = Math.max(1, availableParallelism());

/** Intra-op threads for the sessions made from now on (data-parallel workers take one core each). */
export function setNativeOrtThreads(n: number): void {
  threads = Math.max(1, Math.floor(n));
}

/** The intra-op threads set for this thread's replica (its share of the cores), whether or not the runtime is loaded yet. */
export function nativeOrtThreadsSetting(): number {
  return threads;
}

/** The native runtime, or null (see nativeOrtFailure) when onnxruntime-node is absent, refused or broken. */
export function nativeOrt(env: Readonly<Record<string, string | undefined>> = process.env): NativeOrt | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    if ((env.OPENECG_ORT ?? '').toLowerCase() === 'off') throw new Error('refused: OPENECG_ORT=off');
    if ((env.OPENECG_CONV ?? '').toLowerCase() === 'xnnpack') throw new Error('refused: OPENECG_CONV=xnnpack');
    const require = createRequire(import.meta.url);
    const native = require('onnxruntime-node/dist/binding') as NativeBinding;
    const { Tensor } = require('onnxruntime-node') as { Tensor: OrtTensorCtor };
    native.initOrt();
    loaded = open(native, Tensor, threads);
  } catch (err) {
    why = (err as Error).message.split('\n')[0];
  }
  return loaded;
}

export function nativeOrtFailure(): string | undefined {
  return why;
}

function open(native: NativeBinding, Tensor: OrtTensorCtor, intraOp: number): NativeOrt {
  const sessions = new Map<string, NativeSession>();
  // No memory arena: each session would keep its peak (the im2col matrices) for good, ~1 GB more for
  // resnet50_1d at batch 32 over its 69 graphs; without it the steps measured as fast.
  // No spinning: every session has its own intra-op pool (the binding offers no global one), and
  // spinning pool threads kept a dozen threads runnable on two cores (load 13-16): 40 small SimCLR
  // steps took 25 s with spinning, 4.4 s without; full-size steps were no slower.
  const options = { intraOpNumThreads: intraOp, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: false, enableMemPattern: false, extra: NO_SPINNING };
  const session = (key: string, build: () => Uint8Array): NativeSession => {
    let s = sessions.get(key);
    if (s) {
      sessions.delete(key); // re-inserted below: the map's order is least recently used first
    } else {
      const bytes = build();
      s = new native.binding.InferenceSession();
      s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, options);
      // A long run meets few shapes, but each session keeps its memory arena: bound them.
      if (sessions.size >= MAX_SESSIONS) {
        const [oldest, old] = sessions.entries().next().value as [string, NativeSession];
        sessions.delete(oldest);
        old.dispose();
      }
    }
    sessions.set(key, s);
    return s;
  };
  return {
    threads: intraOp,
    get sessions() {
      return sessions.size;
    },
    drop(key) {
      sessions.get(key)?.dispose();
      sessions.delete(key);
    },
    run(key, build, inputs, outputs) {
      const feeds: Record<string, object> = {};
      for (const [name, t] of Object.entries(inputs)) feeds[name] = new Tensor('float32', t.data, t.dims);
      const fetches: Record<string, object> = {};
      for (const [name, t] of Object.entries(outputs)) fetches[name] = new Tensor('float32', t.data, t.dims);
      session(key, build).run(feeds, fetches, {});
    },
  };
}
