// Timing a training step or an inference pass of a network, the way shared/bench/torch_peer.py
// times PyTorch (one warm-up, then the median of N), so the two are directly comparable. A
// training step is the experiments' own: trainSupervised's fine-tuning loop (our AdamW, schedule,
// data-parallel workers by the same rule), on one random batch.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, type BackendChoice, type BackendRequest } from './backend.js';
import { bundleClasses, codeVersion, defaultPreprocessing, saveBundle } from './bundle.js';
import { countParameters, createModel, type EcgModel, type ModelName } from './models/index.js';
import { DataParallelTrainer, gemmThreadsPerWorker } from './parallel/data-parallel.js';
import { labelledArraySource } from './train/data.js';
import { trainSupervised, type SupervisedConfig, type SupervisedRun } from './train/supervised.js';
import { Adam } from './train/adam.js';
import { Replica } from './train/replica.js';
import { supervisedTask } from './train/task.js';
import type { EngineName } from './infer/engine.js';
import { createSession, loadOrt } from './infer/ort.js';
import { exportOnnx } from './onnx/export.js';
import { describeGemmRoute } from './kernels/gemm-route.js';
import { routeSources } from './kernels/kernel-router.js';

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
  /** Data-parallel replicas (this thread and worker threads, each a share of the batch); default: the training rule (train/workers.ts). TF.js engine only. */
  readonly workers?: number;
  /** Inference only: 'tfjs' (default, the active backend) or 'ort' (ONNX Runtime on our exported graph). */
  readonly engine?: EngineName;
  /** ONNX Runtime intra-op threads (default one per core). */
  readonly threads?: number;
}

export interface BenchResult {
  readonly mode: BenchMode;
  readonly model: ModelName;
  readonly batch: number;
  readonly steps: number;
  readonly backend: string;
  readonly backendReason: string;
  /** 'tfjs' or 'ort', and the tfjs backend or ONNX Runtime execution provider that ran. */
  readonly engine: EngineName;
  readonly provider: string;
  readonly params: number;
  readonly workers: number;
  /** WASM: where convolutions and large matrix products ran ('onnxruntime-gemm (N threads per worker)' or 'xnnpack (why)'). */
  readonly gemm?: string;
  /** Where the measured route's shapes came from: measured in this run, the machine's cache (docs/kernels.md). */
  readonly kernelRoutes?: { readonly measured: number; readonly machine: number; readonly run: number };
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

/** The fine-tuning run the bench times: what an experiment's fine-tune (or scratch) step runs, on the bench's network. */
export function benchTrainConfig(options: Pick<BenchOptions, 'model' | 'batch' | 'samples' | 'width' | 'depth' | 'workers'>, steps: number, seed = 1): SupervisedConfig {
  return { mode: 'finetune', model: options.model, modelOptions: { samples: options.samples, width: options.width, depth: options.depth }, steps, batchSize: options.batch, seed, ...(options.workers !== undefined ? { workers: options.workers } : {}) };
}

/** The bench's batch as a labelled source: the same records every step. */
export function benchSource(batch: number, samples: number, seed = 7) {
  const { x, y } = randomBatch(batch, 12, samples, 24, seed);
  const source = labelledArraySource(x.dataSync() as Float32Array, y.dataSync() as Float32Array, batch, seed);
  tf.dispose([x, y]);
  return source;
}

/** A warm-up step (optional) and `steps` timed ones through the training loop; the caller disposes run.model. */
export async function benchTraining(options: BenchOptions, warmup = true): Promise<{ run: SupervisedRun; timesMs: number[]; workers: number }> {
  const steps = options.steps ?? 5;
  const timesMs: number[] = [];
  let workers = 1;
  const run = await trainSupervised(benchTrainConfig(options, steps + (warmup ? 1 : 0)), benchSource(options.batch, options.samples ?? 1000), {
    onProgress: (e) => {
      workers = e.workers;
      if (!warmup || e.step > 1) timesMs.push(e.seconds * 1000);
    },
  });
  return { run, timesMs, workers };
}

export async function runBench(options: BenchOptions, choice?: BackendChoice): Promise<BenchResult> {
  const backend = choice ?? (await chooseBackend({ prefer: options.backend ?? 'auto' }));
  const steps = options.steps ?? 5;
  const engine: EngineName = options.mode === 'infer' ? (options.engine ?? 'tfjs') : 'tfjs';
  let timesMs: number[];
  let workers: number;
  let params: number;
  let ort: Awaited<ReturnType<typeof ortRunner>> | undefined;
  if (options.mode === 'train') {
    const t = await benchTraining(options);
    params = countParameters(t.run.model.params);
    t.run.model.dispose();
    timesMs = t.timesMs;
    workers = t.workers;
  } else {
    const model = createModel(options.model, { samples: options.samples, width: options.width, depth: options.depth });
    const { x } = randomBatch(options.batch, model.leads, model.samples, model.classes);
    const xs = x.dataSync() as Float32Array;
    workers = engine === 'tfjs' ? Math.max(1, options.workers ?? 1) : 1;
    const parallel = workers > 1 ? await DataParallelTrainer.open(new Replica(supervisedTask({ kind: 'supervised', mode: 'finetune', model: options.model, modelOptions: { samples: options.samples, width: options.width, depth: options.depth }, seed: 1, normalisation: 'none', adam: {} }, model), new Adam()), workers) : undefined;
    ort = engine === 'ort' ? await ortRunner(model, xs, options) : undefined;
    const once = async (): Promise<void> => {
      if (parallel) await parallel.infer(xs, options.batch);
      else if (ort) await ort.run();
      else tf.tidy(() => model.apply(x, { training: false }).dataSync());
    };
    params = countParameters(model.params);
    try {
      await once(); // warm-up: kernels set up, operators created, memory grown
      timesMs = [];
      for (let i = 0; i < steps; i++) {
        const t0 = performance.now();
        await once();
        timesMs.push(performance.now() - t0);
      }
    } finally {
      await ort?.release();
      await parallel?.close();
      model.dispose();
      x.dispose();
    }
  }
  const ms = median(timesMs);
  return {
    mode: options.mode,
    model: options.model,
    batch: options.batch,
    steps,
    backend: ort ? 'onnxruntime' : backend.name,
    backendReason: ort ? `ONNX Runtime ${ort.version}, ${ort.threads} intra-op threads` : backend.reason,
    engine,
    provider: ort ? ort.provider : backend.tfBackend,
    params,
    workers,
    ...(backend.tfBackend === 'wasm' && !ort ? { gemm: describeGemmRoute(workers > 1 ? gemmThreadsPerWorker(workers) : undefined), kernelRoutes: routeSources() } : {}),
    msPerStep: Math.round(ms * 10) / 10,
    samplesPerSecond: Math.round((options.batch / ms) * 10000) / 10,
    timesMs: timesMs.map((t) => Math.round(t * 10) / 10),
  };
}

/** The model exported as a bundle would carry it (BatchNorm folded), on an ONNX Runtime session. */
async function ortRunner(model: EcgModel, xs: Float32Array, options: BenchOptions) {
  const named = new Map([...model.params, ...model.buffers].map(([k, v]) => [k, { shape: v.shape, values: v.dataSync() as Float32Array }]));
  const architecture = { name: model.name, options: { leads: model.leads, samples: model.samples, classes: model.classes, width: options.width ?? 1, depth: options.depth ?? 1, seed: 1 } };
  const [graph] = exportOnnx({ task: 'classifier', architecture }, named);
  const ort = await loadOrt();
  const threads = options.threads ?? availableParallelism();
  const { session, provider } = await createSession(ort, graph.bytes, { threads });
  const feeds = { x: new ort.Tensor('float32', xs, [options.batch, model.leads, model.samples]) };
  return {
    provider,
    threads,
    version: ort.env.versions?.common ?? '',
    run: async () => {
      await session.run(feeds, ['logits']);
    },
    release: () => session.release(),
  };
}

/** A classifier bundle of freshly initialised weights (with its ONNX graph), for timing evaluation paths. */
export function saveBenchClassifier(dir: string, model: ModelName, options: { width?: number; depth?: number; seed?: number } = {}): void {
  const modelOptions = { leads: 12, samples: 1000, classes: 24, width: options.width ?? 1, depth: options.depth ?? 1, seed: options.seed ?? 1 };
  const m = createModel(model, modelOptions);
  try {
    saveBundle(
      dir,
      {
        task: 'classifier',
        architecture: { name: model, options: modelOptions },
        preprocessing: defaultPreprocessing(),
        classes: bundleClasses(),
        provenance: { created_at: new Date().toISOString(), code_version: codeVersion(), backend: tf.getBackend(), seed: modelOptions.seed, training: { note: 'untrained: benchmark weights' }, data_snapshot: null },
      },
      new Map([...m.params, ...m.buffers]),
    );
  } finally {
    m.dispose();
  }
}
