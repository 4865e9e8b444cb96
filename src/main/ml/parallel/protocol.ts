// Messages between the training coordinator and its data-parallel workers. Arrays travel as
// Float32Arrays (gradients as one flat buffer, transferred); the task travels as its plain spec.
import type { TaskSpec } from '../train/task.js';
import type { BatchStats, ReplicaState } from '../train/replica.js';
import type { MachineTables } from '../kernels/route-cache.js';

export type { BatchStats };

export interface WorkerSetup {
  readonly task: TaskSpec;
  readonly backend: 'wasm' | 'cpu' | 'tensorflow';
  /** ONNX Runtime threads per replica for its convolutions and matrix products: the cores shared among the replicas. */
  readonly gemmThreads: number;
  /** The process's route table (kernels/route-share.ts) and the machine cache's routes: one route per shape for every replica. */
  readonly routes: { readonly shared: SharedArrayBuffer; readonly machine: MachineTables };
}

interface Share {
  readonly inputs: Float32Array[];
  readonly n: number;
  readonly step: number;
  readonly first: number;
}

export type ToWorker =
  | { readonly type: 'load'; readonly state: ReplicaState }
  | ({ readonly type: 'gradients' } & Share)
  | ({ readonly type: 'embed' } & Share)
  /** The coupled loss's gradient with respect to the share's embeddings (the share sent with 'embed'). */
  | { readonly type: 'coupled'; readonly dz: Float32Array[] }
  | { readonly type: 'apply'; readonly grads: Float32Array; readonly names: string[]; readonly stats: BatchStats[]; readonly lr: number; readonly step: number; readonly totalSteps: number }
  | { readonly type: 'infer'; readonly x: Float32Array; readonly batch: number }
  | { readonly type: 'state' }
  /** The routes this worker's kernels used, by shape (checks that replicas agree). */
  | { readonly type: 'routes' }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'loaded' }
  | { readonly type: 'gradients'; readonly loss: number; readonly grads: Float32Array; readonly names: string[]; readonly stats: BatchStats[] }
  | { readonly type: 'embedded'; readonly parts: Float32Array[] }
  | { readonly type: 'applied' }
  | { readonly type: 'logits'; readonly logits: Float32Array }
  | { readonly type: 'state'; readonly state: ReplicaState }
  | { readonly type: 'routes'; readonly routes: [string, 'gemm' | 'xnnpack'][] }
  | { readonly type: 'error'; readonly message: string };
