// How many data-parallel replicas a training run uses (docs/defaults.md, "Training workers"):
// the configuration's `workers`, else OPENECG_TRAIN_WORKERS, else one when a replica's kernels
// already use every core (tfjs-node; ONNX Runtime's GEMMs on WASM, `cores` threads each), else one
// per core for networks big enough that a second replica pays for its gradient exchange, else one.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { gemmRoute } from '../kernels/gemm-route.js';

/** Where one replica's heavy kernels run: 'threaded' uses every core already, 'single' one core. */
export type KernelThreads = 'threaded' | 'single';

export function kernelThreads(backend = tf.getBackend()): { threads: KernelThreads; why: string } {
  if (backend === 'tensorflow') return { threads: 'threaded', why: "tfjs-node's kernels use every core" };
  if (backend === 'wasm' && gemmRoute().route === 'onnxruntime-gemm') return { threads: 'threaded', why: "ONNX Runtime's GEMMs use every core" };
  return { threads: 'single', why: `${backend} runs on one core per replica` };
}

/** Network parameters from which one replica per core is faster than one (measured, docs/defaults.md). */
export const PARALLEL_FROM_PARAMS = 1_000_000;

export interface WorkersChoice {
  readonly workers: number;
  readonly reason: string;
}

export function parseWorkers(value: string, source: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`${source} must be a whole number from 1 to 64, got '${value}'`);
  return n;
}

export function trainWorkers(
  requested: number | undefined,
  networkParams: number,
  batchSize: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cores = availableParallelism(),
  given?: { threads: KernelThreads; why: string },
): WorkersChoice {
  const cap = (n: number) => Math.max(1, Math.min(n, batchSize));
  if (requested !== undefined) return { workers: cap(parseWorkers(String(requested), 'workers')), reason: 'the configuration' };
  const fromEnv = env.OPENECG_TRAIN_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '') return { workers: cap(parseWorkers(fromEnv, 'OPENECG_TRAIN_WORKERS')), reason: 'OPENECG_TRAIN_WORKERS' };
  const kernels = given ?? kernelThreads();
  if (kernels.threads === 'threaded') return { workers: 1, reason: `${kernels.why}: one replica` };
  if (networkParams >= PARALLEL_FROM_PARAMS) return { workers: cap(cores), reason: `${networkParams} parameters >= ${PARALLEL_FROM_PARAMS}: one replica per core` };
  return { workers: 1, reason: `${networkParams} parameters < ${PARALLEL_FROM_PARAMS}: one replica is faster` };
}
