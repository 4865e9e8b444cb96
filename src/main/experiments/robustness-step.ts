// The robustness step: a trained model (one downstream step's bundle and its validation
// thresholds) scored on its test records corrupted by each configured corruption at each strength.
// Corruptions are seeded by (robustness seed, corruption, strength, record id) only, so every
// model of a run sees the very same corrupted records. Finished settings are kept in the step's
// checkpoint folder, so a cancelled step resumes at the next one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES } from '../../shared/classes.js';
import { corrupt, type CorruptionSpec } from '../signal/corrupt.js';
import type { ShardStore } from '../signal/store.js';
import { labelColumns, type RecordRef } from './data.js';
import { evaluate } from './metrics/index.js';
import type { RobustnessPoint } from './records.js';
import type { CorruptionConfig } from './robustness-config.js';
import type { EnginePreference } from '../ml/index.js';
import { readJson, writeJsonAtomic } from './run-folder.js';
import { predict, StepCancelled, type StepIo } from './steps.js';

/** Every (corruption, strength) setting of the config, in config order. */
export function corruptionSettings(corruptions: readonly CorruptionConfig[]): CorruptionSpec[] {
  return corruptions.flatMap((c) =>
    c.strengths.map((strength): CorruptionSpec => ({
      kind: c.kind,
      strength,
      ...(c.kind === 'time_mask' ? { runs: c.runs } : {}),
      ...(c.kind === 'mains' ? { mainsHz: c.frequency } : {}),
    })),
  );
}

/** FNV-1a over the parts: the per-record corruption seed, independent of the model scored. */
export function corruptionSeed(seed: number, spec: CorruptionSpec, record: number): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}|${spec.kind}|${spec.strength}|${spec.runs ?? ''}|${spec.mainsHz ?? ''}|${record}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A test record to be read under one of a chunk's settings. */
export interface CorruptedRef extends RecordRef {
  readonly setting: number;
}

/** A reader giving the store's records with each one's setting (`specs[ref.setting]`) applied. */
export function corruptedReader(store: Pick<ShardStore, 'readMany' | 'rate' | 'values'>, specs: readonly CorruptionSpec[], seed: number): Pick<ShardStore, 'readMany'> {
  return {
    readMany(refs) {
      const batch = store.readMany(refs);
      const size = store.values;
      refs.forEach((ref, i) => {
        const { id, setting } = ref as CorruptedRef;
        const spec = specs[setting];
        batch.set(corrupt(batch.subarray(i * size, (i + 1) * size), spec, corruptionSeed(seed, spec, id), store.rate), i * size);
      });
      return batch;
    },
  };
}

/**
 * Settings scored per inference call: enough to fill CHUNK_RECORDS records, since opening a model
 * costs about a second; a big test set gets one call (and one resume point) per setting.
 */
const CHUNK_RECORDS = 512;

export async function robustness(
  name: string,
  args: {
    bundle: string;
    thresholds: readonly number[];
    test: readonly RecordRef[];
    corruptions: readonly CorruptionConfig[];
    seed: number;
    bootstrap: number;
    bootstrapSeed: number;
    evalBatch: number;
    engine?: EnginePreference;
    checkpointDir: string;
    /** Records per inference call (default CHUNK_RECORDS). */
    chunkRecords?: number;
  },
  io: StepIo & { store: ShardStore },
): Promise<RobustnessPoint[]> {
  const settings = corruptionSettings(args.corruptions);
  const file = join(args.checkpointDir, 'points.json');
  // Settings finished before a stop, kept only while they match the configured order.
  const saved = existsSync(file) ? readJson<RobustnessPoint[]>(file) : [];
  const kept = saved.findIndex((p, i) => settings[i]?.kind !== p.corruption || settings[i]?.strength !== p.strength);
  const points = kept < 0 ? saved : saved.slice(0, kept);
  const n = args.test.length;
  const total = Math.ceil((settings.length * n) / args.evalBatch);
  let done = Math.floor((points.length * n) / args.evalBatch);
  const labels = labelColumns(args.test);
  const patients = args.test.map((r) => String(r.patient));
  const perChunk = Math.max(1, Math.floor((args.chunkRecords ?? CHUNK_RECORDS) / Math.max(1, n)));
  while (points.length < settings.length) {
    if (io.signal?.aborted) throw new StepCancelled(name);
    const chunk = settings.slice(points.length, points.length + perChunk);
    const refs: CorruptedRef[] = chunk.flatMap((_, setting) => args.test.map((r) => ({ ...r, setting })));
    const scores = predict(args.bundle, refs, corruptedReader(io.store, chunk, args.seed), args.evalBatch, () => io.onProgress?.(Math.min(++done, total), total, null), args.engine);
    chunk.forEach((spec, k) => {
      const part = scores.map((s) => s.subarray(k * n, (k + 1) * n));
      const e = evaluate({ classes: CLASSES.map((c) => c.abbreviation), labels, scores: part, thresholds: args.thresholds, patients }, { replicates: args.bootstrap, seed: args.bootstrapSeed });
      points.push({
        corruption: spec.kind,
        strength: spec.strength,
        macro_auroc: e.macro_auroc,
        macro_f1: e.macro_f1,
        macro_auprc: e.macro_auprc,
        classes_averaged: e.classes_averaged,
        ci: e.ci ? { macro_auroc: e.ci.macro_auroc, macro_f1: e.ci.macro_f1 } : null,
      });
    });
    writeJsonAtomic(file, points);
  }
  return points;
}
