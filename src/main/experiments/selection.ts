// Which records each step of an experiment reads: parts of the patient split per center, the
// scaling subsets of the pre-training pool, and the labelled centers that can be evaluated.
import { ensurePatientSplit, ensureScalingSet, scalingMembers, shortRecordsCondition, shortRecordsRule, unitHash, type Catalog, type Part, type ScalingUnit, type ShortRecordsRule } from '../catalog/index.js';
import type { ExperimentConfig } from './config.js';

/** The workspace's centers taking part (config.centers, checked against the catalog). */
export function experimentCenters(catalog: Catalog, config: ExperimentConfig): string[] {
  const all = catalog.summary().centers.map((c) => c.center);
  if (!config.centers) return all;
  const unknown = config.centers.filter((c) => !all.includes(c));
  if (unknown.length) throw new Error(`the configuration names centers the workspace does not hold: ${unknown.join(', ')} (it has ${all.join(', ')})`);
  return [...config.centers].sort();
}

/** Centers with at least one record carrying one of the 24 classes: the ones that can be evaluated. */
export function labelledCenters(catalog: Catalog, centers: readonly string[]): string[] {
  return catalog.summary().centers.filter((c) => centers.includes(c.center) && Object.keys(c.per_class).length > 0).map((c) => c.center);
}

/** Evaluation targets: config.targets, or every labelled center taking part. */
export function targetCenters(catalog: Catalog, config: ExperimentConfig, centers: readonly string[]): string[] {
  const labelled = labelledCenters(catalog, centers);
  if (!config.targets) return labelled;
  const bad = config.targets.filter((t) => !labelled.includes(t));
  if (bad.length) throw new Error(`targets without labels or not taking part: ${bad.join(', ')} (labelled: ${labelled.join(', ')})`);
  return [...config.targets].sort();
}

export function splitOf(catalog: Catalog, config: ExperimentConfig): number {
  return ensurePatientSplit(catalog, { seed: config.split.seed, ratios: config.split.ratios }).id;
}

/**
 * Record ids of the centers whose patient lies in `part`, ascending. Records shorter than the window
 * leave the train and val parts when the rule (default: the workspace's setting) is 'exclude'.
 */
export function recordsOf(catalog: Catalog, splitId: number, part: Part, centers: readonly string[], shortRecords?: ShortRecordsRule | null): number[] {
  if (centers.length === 0) return [];
  const short = shortRecordsCondition(shortRecords ?? shortRecordsRule(catalog), part);
  return catalog.db
    .prepare(
      `SELECT r.id FROM split_assignments a JOIN records r ON r.patient_id = a.patient_id JOIN centers c ON c.id = r.center_id
       WHERE a.split_set_id = ? AND a.part = ? AND c.name IN (${centers.map(() => '?').join(',')})${short} ORDER BY r.id`,
    )
    .pluck()
    .all(splitId, part, ...centers) as number[];
}

/** At most `max` of the ids, the first by a seeded hash (stable as the list grows), ascending. */
export function capRecords(ids: readonly number[], max: number | null, seed: number): number[] {
  if (max === null || ids.length <= max) return [...ids];
  return [...ids]
    .map((id) => ({ id, h: unitHash(seed, 'cap', id) }))
    .sort((a, b) => a.h - b.h || a.id - b.id)
    .slice(0, max)
    .map((u) => u.id)
    .sort((a, b) => a - b);
}

/**
 * The pre-training records of the scaling subset at `fraction`: the nested subset of the pool's units
 * (ensureScalingSet) intersected with the train part, so no validation or test patient is pre-trained on.
 */
export function scalingRecords(
  catalog: Catalog,
  args: { splitId: number; pool: string[]; seed: number; unit: ScalingUnit; fraction: number; shortRecords?: ShortRecordsRule | null },
): { setId: number; ids: number[] } {
  const set = ensureScalingSet(catalog, { seed: args.seed, centers: args.pool, unit: args.unit });
  const members = new Set(scalingMembers(catalog, set.id, args.fraction));
  const train = recordsOf(catalog, args.splitId, 'train', args.pool, args.shortRecords);
  if (args.unit === 'record') return { setId: set.id, ids: train.filter((id) => members.has(id)) };
  const patientOf = catalog.db.prepare('SELECT patient_id FROM records WHERE id = ?').pluck();
  return { setId: set.id, ids: train.filter((id) => members.has(patientOf.get(id) as number)) };
}
