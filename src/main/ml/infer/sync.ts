// A synchronous classifier for callers that cannot await (the experiments' predict). ONNX
// Runtime runs in a worker thread: submit() hands it a batch and returns at once, so the caller
// reads and normalises the next batch while the engine computes; collect() blocks (Atomics.wait)
// until the reply is there. When ONNX Runtime cannot start, TensorFlow.js computes in this thread.
import * as tf from '@tensorflow/tfjs-core';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { readBundleJson } from '../bundle.js';
import { loadClassifier } from '../load.js';
import { normalizeBatch, type Normalisation } from '../normalize.js';
import type { EngineInfo } from './engine.js';
import { resolvePreference, type EngineOptions } from './open.js';
import type { SyncReply, SyncRequest, SyncSetup } from './sync-worker.js';
import { compiledScript } from '../../platform/app-paths.js';

export interface SyncClassifier {
  readonly info: EngineInfo;
  readonly leads: number;
  readonly classes: number;
  readonly normalisation: Normalisation;
  /** Starts the logits of n normalised records (n x leads x samples); the array is handed over (its buffer detached) unless it is a view, which is copied. */
  submit(x: Float32Array, n: number): void;
  /** The logits [n x classes] of the oldest submitted batch. */
  collect(): Float32Array;
  dispose(): void;
}

export interface SyncOptions extends EngineOptions {
  /** Longest wait for the worker to open the bundle or answer a batch (default 10 minutes). */
  readonly timeoutMs?: number;
}


function ortClassifier(bundleDir: string, script: string, options: SyncOptions, reason: string, leads: number, normalisation: Normalisation): SyncClassifier {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const setup: SyncSetup = { bundle: bundleDir, port: port2, flag: flag.buffer as SharedArrayBuffer, env: { ...(options.env ?? process.env) }, threads: options.threads, providers: options.providers, reason };
  const worker = new Worker(script, { workerData: setup, transferList: [port2] });
  // Never waited for through the event loop (replies are read synchronously), so it must not keep the process alive.
  worker.unref();
  const timeout = options.timeoutMs ?? 600_000;
  let seen = 0;
  const next = (): SyncReply => {
    // The worker bumps the flag after posting each reply; wait until it passes what was seen.
    const deadline = Date.now() + timeout;
    while (Atomics.load(flag, 0) <= seen) {
      if (Date.now() > deadline || Atomics.wait(flag, 0, seen, Math.max(1, deadline - Date.now())) === 'timed-out') {
        if (Atomics.load(flag, 0) > seen) break;
        void worker.terminate();
        throw new Error(`ONNX Runtime worker did not answer within ${timeout} ms`);
      }
    }
    seen++;
    const got = receiveMessageOnPort(port1 as MessagePort);
    if (!got) throw new Error('ONNX Runtime worker signalled a reply that is not there');
    return got.message as SyncReply;
  };
  const close = () => {
    port1.close();
    void worker.terminate();
  };
  const ready = next();
  if (ready.kind !== 'ready') {
    close();
    throw new Error(ready.kind === 'error' ? ready.message : `unexpected ${ready.kind} reply`);
  }
  return {
    info: ready.info,
    leads,
    classes: ready.classes,
    normalisation,
    submit(x, n) {
      // A view into a larger buffer is copied, so that handing it over detaches nothing else of the caller's.
      const own = x.byteOffset === 0 && x.byteLength === x.buffer.byteLength ? x : Float32Array.from(x);
      port1.postMessage({ kind: 'logits', x: own, n } satisfies SyncRequest, [own.buffer as ArrayBuffer]);
    },
    collect() {
      const r = next();
      if (r.kind === 'logits') return r.values;
      throw new Error(r.kind === 'error' ? r.message : `unexpected ${r.kind} reply`);
    },
    dispose: close,
  };
}

function tfjsClassifier(bundleDir: string, reason: string): SyncClassifier {
  const c = loadClassifier(bundleDir);
  const done: Float32Array[] = [];
  const { model } = c;
  const normalisation = c.bundle.json.preprocessing.normalisation;
  return {
    // The tfjs backend in use is the one the caller chose (chooseBackend) before.
    info: { engine: 'tfjs', provider: tf.getBackend(), reason },
    leads: model.leads,
    classes: model.classes,
    normalisation,
    submit(x, n) {
      // loadClassifier's logits() takes mV; here the input is already normalised.
      done.push(tf.tidy(() => model.apply(tf.tensor3d(x, [n, model.leads, model.samples]), { training: false }).dataSync() as Float32Array));
    },
    collect() {
      const r = done.shift();
      if (!r) throw new Error('collect() without a submitted batch');
      return r;
    },
    dispose: () => c.dispose(),
  };
}

/** Opens a classifier or probe bundle for synchronous batched logits on the chosen engine. */
export function openSyncClassifier(bundleDir: string, options: SyncOptions = {}): SyncClassifier {
  const { preference, forcedBy } = resolvePreference(options);
  const json = readBundleJson(bundleDir);
  const leads = json.architecture.options.leads;
  if (preference === 'tfjs') return tfjsClassifier(bundleDir, forcedBy);
  let why: string;
  try {
    const script = compiledScript(import.meta.url, 'sync-worker.js');
    return ortClassifier(bundleDir, script, options, forcedBy || 'first engine in order of preference', leads, json.preprocessing.normalisation);
  } catch (err) {
    if (preference === 'ort') throw new Error(`inference engine 'ort' ${forcedBy}, but ONNX Runtime failed: ${(err as Error).message}`);
    why = (err as Error).message.split('\n')[0].slice(0, 300);
  }
  return tfjsClassifier(bundleDir, `ONNX Runtime unavailable (${why}); TensorFlow.js fallback`);
}

/**
 * Logits [count x classes] of `count` records read in batches by `read(from, to)` (mV), on the
 * chosen engine; the next batch is read and normalised while the engine computes this one.
 */
export function classifyBatches(bundleDir: string, count: number, batchSize: number, read: (from: number, to: number) => Float32Array, options: SyncOptions & { onBatch?: () => void; onEngine?: (info: EngineInfo) => void } = {}): Float32Array {
  const c = openSyncClassifier(bundleDir, options);
  try {
    options.onEngine?.(c.info);
    const out = new Float32Array(count * c.classes);
    const size = Math.max(1, batchSize);
    const load = (from: number) => {
      const to = Math.min(count, from + size);
      return normalizeBatch(read(from, to), to - from, c.leads, c.normalisation).data;
    };
    let next = count > 0 ? load(0) : undefined;
    for (let from = 0; from < count; from += size) {
      const n = Math.min(size, count - from);
      c.submit(next!, n);
      next = from + size < count ? load(from + size) : undefined;
      out.set(c.collect(), from * c.classes);
      options.onBatch?.();
    }
    return out;
  } finally {
    c.dispose();
  }
}
