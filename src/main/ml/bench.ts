// Timing a training step or an inference pass of a network, the way shared/bench/torch_peer.py
// times PyTorch (one warm-up, then the median of N), so the two are directly comparable.
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type BackendChoice, type BackendRequest } from './backend.js';
import { countParameters, createModel, type ModelName } from './models/index.js';
import { Trainer } from './train-step.js';
import { DataParallelTrainer } from './parallel/data-parallel.js';

export type BenchMode = 'train' | 'infer';

export interface BenchOptions {
  readonly mode: BenchMode;
  readonly model: ModelName;
  readonly batch: number;
  readonly steps?: number;
  readonly backend?: BackendRequest;
  readonly samples?: number;
  readonly width?: number;
  readonly depth?: number;
  /** Training only: data-parallel worker_threads (each its own backend); 1 = this thread. */
  readonly workers?: number;
}

export interface BenchResult {
  readonly mode: BenchMode;
  readonly model: ModelName;
  readonly batch: number;
  readonly steps: number;
  readonly backend: string;
  readonly backendReason: string;
  readonly params: number;
  readonly workers: number;
  /** Median milliseconds per training step or inference pass. */
  readonly msPerStep: number;
  readonly samplesPerSecond: number;
  readonly timesMs: readonly number[];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Random inputs and ~10% positive labels, as the peer uses. */
export function randomBatch(batch: number, leads: number, samples: number, classes: number, seed = 7): { x: tf.Tensor3D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.randomNormal([batch, leads, samples], 0, 1, 'float32', seed) as tf.Tensor3D,
    y: tf.cast(tf.less(tf.randomUniform([batch, classes], 0, 1, 'float32', seed + 1), 0.1), 'float32') as tf.Tensor2D,
  }));
}

export async function runBench(options: BenchOptions, choice?: BackendChoice): Promise<BenchResult> {
  const backend = choice ?? (await chooseBackend({ prefer: options.backend ?? 'auto' }));
  const steps = options.steps ?? 5;
  const model = createModel(options.model, { samples: options.samples, width: options.width, depth: options.depth });
  const { x, y } = randomBatch(options.batch, model.leads, model.samples, model.classes);
  const workers = options.mode === 'train' ? Math.max(1, options.workers ?? 1) : 1;
  const trainer = options.mode === 'train' && workers === 1 ? new Trainer(model) : undefined;
  const parallel =
    workers > 1
      ? await DataParallelTrainer.create({ model: options.model, modelOptions: { samples: options.samples, width: options.width, depth: options.depth }, workers, backend: backend.tfBackend === 'tensorflow' ? 'tensorflow' : (backend.tfBackend as 'wasm' | 'cpu') })
      : undefined;
  const xs = x.dataSync() as Float32Array;
  const ys = y.dataSync() as Float32Array;
  const once = async (): Promise<void> => {
    if (parallel) await parallel.step(xs, ys, options.batch);
    else if (trainer) trainer.step(x, y);
    else tf.tidy(() => model.apply(x, { training: false }).dataSync());
  };
  try {
    await once(); // warm-up: kernels set up, operators created, memory grown
    const timesMs: number[] = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await once();
      timesMs.push(performance.now() - t0);
    }
    const ms = median(timesMs);
    return {
      mode: options.mode,
      model: options.model,
      batch: options.batch,
      steps,
      backend: backend.name,
      backendReason: backend.reason,
      params: countParameters(model.params),
      workers,
      msPerStep: Math.round(ms * 10) / 10,
      samplesPerSecond: Math.round((options.batch / ms) * 10000) / 10,
      timesMs: timesMs.map((t) => Math.round(t * 10) / 10),
    };
  } finally {
    trainer?.dispose();
    await parallel?.close();
    model.dispose();
    tf.dispose([x, y]);
  }
}
