// Checkpoints of a training run: bundle folders named step-<8 digits> under one run folder, the
// newest valid one is where a run resumes. Older ones are pruned after a newer one is in place.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BundleError, readBundle, saveBundle, type BundleMeta, type LoadedBundle, type NamedArray, type TrainingState } from './bundle.js';
import type * as tf from '@tensorflow/tfjs-core';

export interface CheckpointSettings {
  /** Run folder that holds the step-* checkpoint bundles. */
  readonly dir: string;
  /** Every this many steps, and always after the last one (0 = only at the end). */
  readonly every: number;
  /** How many checkpoints to keep (default 2: if the newest is damaged, the one before still works). */
  readonly keep?: number;
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/** Checkpoint folders of a run, oldest first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^step-(\d{8})$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), path: join(dir, m[0]) }))
    .sort((a, b) => a.step - b.step);
}

/**
 * The newest checkpoint that reads back whole; damaged ones are skipped and reported in `skipped`.
 * undefined when the run has none.
 */
export function latestCheckpoint(dir: string): { bundle: LoadedBundle; skipped: string[] } | undefined {
  const skipped: string[] = [];
  for (const c of listCheckpoints(dir).reverse()) {
    try {
      const bundle = readBundle(c.path);
      if (!bundle.training) throw new BundleError('invalid', `${c.path} has no training state`);
      return { bundle, skipped };
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      skipped.push(err.message);
    }
  }
  return undefined;
}

export function writeCheckpoint(settings: CheckpointSettings, meta: BundleMeta, weights: ReadonlyMap<string, tf.Variable | NamedArray>, training: TrainingState): string {
  // Checkpoints past this step belong to an abandoned continuation (we resumed from an earlier one).
  for (const c of listCheckpoints(settings.dir)) if (c.step > training.step) rmSync(c.path, { recursive: true, force: true });
  const path = join(settings.dir, checkpointName(training.step));
  saveBundle(path, meta, weights, training);
  const keep = Math.max(1, settings.keep ?? 2);
  const all = listCheckpoints(settings.dir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old.path, { recursive: true, force: true });
  return path;
}
