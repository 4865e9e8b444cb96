// How many data-parallel replicas a training run uses (docs/defaults.md, "Training workers"):
// the configuration's `workers`, else OPENECG_TRAIN_WORKERS, else one per core for networks big
// enough that a second replica pays for its gradient exchange, else one.
import { availableParallelism } from 'node:os';

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

export function trainWorkers(requested: number | undefined, networkParams: number, batchSize: number, env: Readonly<Record<string, string | undefined>> = process.env, cores = availableParallelism()): WorkersChoice {
  const cap = (n: number) => Math.max(1, Math.min(n, batchSize));
  if (requested !== undefined) return { workers: cap(parseWorkers(String(requested), 'workers')), reason: 'the configuration' };
  const fromEnv = env.OPENECG_TRAIN_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '') return { workers: cap(parseWorkers(fromEnv, 'OPENECG_TRAIN_WORKERS')), reason: 'OPENECG_TRAIN_WORKERS' };
  if (networkParams >= PARALLEL_FROM_PARAMS) return { workers: cap(cores), reason: `${networkParams} parameters >= ${PARALLEL_FROM_PARAMS}: one replica per core` };
  return { workers: 1, reason: `${networkParams} parameters < ${PARALLEL_FROM_PARAMS}: one replica is faster` };
}
