// Messages between the data-parallel coordinator and its workers. Arrays travel as transferred
// Float32Arrays: one flat buffer for all gradients (in model.params order) per step.
import type { ModelName, ModelOptions } from '../models/index.js';

export interface WorkerSetup {
  readonly model: ModelName;
  readonly modelOptions: ModelOptions;
  readonly learningRate: number;
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  /** ONNX Runtime threads per replica for its convolutions and matrix products: the cores shared among the replicas. */
  readonly gemmThreads: number;
}

export type ToWorker =
  | { readonly type: 'gradients'; readonly x: Float32Array; readonly y: Float32Array; readonly batch: number }
  | { readonly type: 'apply'; readonly grads: Float32Array; readonly stats: BatchStats[] }
  | { readonly type: 'infer'; readonly x: Float32Array; readonly batch: number }
  | { readonly type: 'weights' }
  | { readonly type: 'close' };

/** One BatchNorm's batch statistics: per-channel mean and biased variance over `count` values. */
export interface BatchStats {
  readonly mean: Float32Array;
  readonly variance: Float32Array;
  readonly count: number;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'gradients'; readonly loss: number; readonly grads: Float32Array; readonly stats: BatchStats[] }
  | { readonly type: 'applied' }
  | { readonly type: 'logits'; readonly logits: Float32Array }
  | { readonly type: 'weights'; readonly names: string[]; readonly values: Float32Array[] }
  | { readonly type: 'error'; readonly message: string };
