// Patient-level splits, leave-one-dataset-out folds and nested scaling subsets, all seeded and stored.
// Every assignment comes from a hash of (seed, center, patient key) rather than a shuffle, so the same
// seed gives the same split in any workspace and patients added later never move the earlier ones.
import { createHash } from 'node:crypto';
import { CatalogError } from './database.js';
import type { Catalog } from './catalog.js';

export type Part = 'train' | 'val' | 'test';

export interface SplitRatios {
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

export const DEFAULT_RATIOS: SplitRatios = { train: 0.8, val: 0.1, test: 0.1 };
/** The data-scaling sweep's fractions of the pool (PAPER.md §4 leaves them open; 1% to 100%). */
export const SCALING_FRACTIONS = [0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1] as const;

/** A number in [0, 1) from the first 48 bits of SHA-256 over the parts: stable across machines and versions. */
export function unitHash(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u001f')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function partOf(u: number, ratios: SplitRatios = DEFAULT_RATIOS): Part {
  const sum = ratios.train + ratios.val + ratios.test;
  if (u < ratios.train / sum) return 'train';
  if (u < (ratios.train + ratios.val) / sum) return 'val';
  return 'test';
}

export interface PatientSplit {
  readonly id: number;
  readonly seed: number;
  readonly ratios: SplitRatios;
  readonly centers: string[] | null;
  /** Patients per part. */
  readonly counts: Record<Part, number>;
}

function checkRatios(r: SplitRatios): void {
  const values = [r.train, r.val, r.test];
  if (values.some((v) => !Number.isFinite(v) || v < 0) || values.every((v) => v === 0)) {
    throw new CatalogError(`split ratios must be non-negative and not all zero, got ${JSON.stringify(r)}`);
  }
}

/** Creates a stored patient-level train/val/test split over the given centers (default: all). */
export function createPatientSplit(
  catalog: Catalog,
  options: { seed: number; ratios?: SplitRatios; centers?: string[] },
): PatientSplit {
  const ratios = options.ratios ?? DEFAULT_RATIOS;
  checkRatios(ratios);
  const db = catalog.db;
  const id = db.transaction(() => {
    const info = db
      .prepare("INSERT INTO split_sets (kind, seed, params, created_at) VALUES ('patient', ?, ?, ?)")
      .run(options.seed, JSON.stringify({ ratios, centers: options.centers ?? null }), new Date().toISOString());
    const setId = Number(info.lastInsertRowid);
    assignPatients(catalog, setId);
    return setId;
  })();
  return patientSplit(catalog, id);
}

/**
 * The stored split for (seed, ratios, centers) with every patient imported since assigned, or a new
 * one: running an experiment twice on a grown workspace keeps every earlier patient in its part.
 */
export function ensurePatientSplit(
  catalog: Catalog,
  options: { seed: number; ratios?: SplitRatios; centers?: string[] },
): PatientSplit {
  const params = JSON.stringify({ ratios: options.ratios ?? DEFAULT_RATIOS, centers: options.centers ?? null });
  const existing = catalog.db
    .prepare("SELECT id FROM split_sets WHERE kind = 'patient' AND seed = ? AND params = ? ORDER BY id LIMIT 1")
    .pluck()
    .get(options.seed, params) as number | undefined;
  if (existing === undefined) return createPatientSplit(catalog, options);
  assignPatients(catalog, existing);
  return patientSplit(catalog, existing);
}

/** Patients and records per center and part of a patient split. */
export function splitTable(catalog: Catalog, setId: number): { center: string; part: Part; patients: number; records: number }[] {
  splitSetRow(catalog, setId, 'patient');
  return catalog.db
    .prepare(
      `SELECT c.name AS center, a.part AS part, count(DISTINCT a.patient_id) AS patients, count(r.id) AS records
       FROM split_assignments a JOIN patients p ON p.id = a.patient_id JOIN centers c ON c.id = p.center_id
       JOIN records r ON r.patient_id = p.id
       WHERE a.split_set_id = ? GROUP BY c.name, a.part ORDER BY c.name, a.part`,
    )
    .all(setId) as { center: string; part: Part; patients: number; records: number }[];
}

/**
 * Assigns the patients of the set's centers that have no part yet (after a later import).
 * Returns how many were added; the parts of assigned patients never change.
 */
export function assignPatients(catalog: Catalog, setId: number): number {
  const db = catalog.db;
  const set = splitSetRow(catalog, setId, 'patient');
  const params = JSON.parse(set.params) as { ratios: SplitRatios; centers: string[] | null };
  const inCenters = params.centers ? `AND c.name IN (${params.centers.map(() => '?').join(',')})` : '';
  const pending = db
    .prepare(
      `SELECT p.id, p.key, c.name AS center FROM patients p JOIN centers c ON c.id = p.center_id
       WHERE NOT EXISTS (SELECT 1 FROM split_assignments a WHERE a.split_set_id = ? AND a.patient_id = p.id) ${inCenters}`,
    )
    .all(setId, ...(params.centers ?? [])) as { id: number; key: string; center: string }[];
  const insert = db.prepare('INSERT INTO split_assignments (split_set_id, patient_id, part) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const p of pending) insert.run(setId, p.id, partOf(unitHash(set.seed, p.center, p.key), params.ratios));
  })();
  return pending.length;
}

export function patientSplit(catalog: Catalog, setId: number): PatientSplit {
  const set = splitSetRow(catalog, setId, 'patient');
  const params = JSON.parse(set.params) as { ratios: SplitRatios; centers: string[] | null };
  const counts: Record<Part, number> = { train: 0, val: 0, test: 0 };
  const rows = catalog.db
    .prepare('SELECT part, count(*) AS n FROM split_assignments WHERE split_set_id = ? GROUP BY part')
    .all(setId) as { part: Part; n: number }[];
  for (const r of rows) counts[r.part] = r.n;
  return { id: setId, seed: set.seed, ratios: params.ratios, centers: params.centers, counts };
}

/** Patient ids of one part, ascending. */
export function patientsInPart(catalog: Catalog, setId: number, part: Part): number[] {
  return catalog.db
    .prepare('SELECT patient_id FROM split_assignments WHERE split_set_id = ? AND part = ? ORDER BY patient_id')
    .pluck()
    .all(setId, part) as number[];
}

/** Record ids whose patient lies in the part, ascending. */
export function recordsInPart(catalog: Catalog, setId: number, part: Part): number[] {
  return catalog.db
    .prepare(
      `SELECT r.id FROM split_assignments a JOIN records r ON r.patient_id = a.patient_id
       WHERE a.split_set_id = ? AND a.part = ? ORDER BY r.id`,
    )
    .pluck()
    .all(setId, part) as number[];
}

export interface LodoFold {
  /** The held-out center: evaluation target. */
  readonly target: string;
  /** Pre-training pool without the target ("w/o" arm). */
  readonly pool: string[];
}

/**
 * Leave-one-dataset-out folds: for each target center, the pool is every other center.
 * `targets` limits which centers are held out (e.g. only the labelled ones); the pool always has all others.
 */
export function lodoFolds(catalog: Catalog, targets?: string[]): LodoFold[] {
  const centers = catalog.summary().centers.map((c) => c.center);
  const unknown = (targets ?? []).filter((t) => !centers.includes(t));
  if (unknown.length) throw new CatalogError(`no such center: ${unknown.join(', ')}`);
  return centers
    .filter((c) => !targets || targets.includes(c))
    .map((target) => ({ target, pool: centers.filter((c) => c !== target) }));
}

/** Stores the folds as a split set, so an experiment can name exactly what it ran on. */
export function saveLodoFolds(catalog: Catalog, seed: number, folds: LodoFold[]): number {
  const info = catalog.db
    .prepare("INSERT INTO split_sets (kind, seed, params, created_at) VALUES ('lodo', ?, ?, ?)")
    .run(seed, JSON.stringify({ folds }), new Date().toISOString());
  return Number(info.lastInsertRowid);
}

/** The stored split set of `kind` whose params equal `params` exactly, if any. */
function findSet(catalog: Catalog, kind: string, seed: number, params: string): number | undefined {
  return catalog.db
    .prepare('SELECT id FROM split_sets WHERE kind = ? AND seed = ? AND params = ? ORDER BY id DESC LIMIT 1')
    .pluck()
    .get(kind, seed, params) as number | undefined;
}

/** saveLodoFolds, reusing the stored set when the folds are the same. */
export function ensureLodoFolds(catalog: Catalog, seed: number, folds: LodoFold[]): number {
  return findSet(catalog, 'lodo', seed, JSON.stringify({ folds })) ?? saveLodoFolds(catalog, seed, folds);
}

export type ScalingUnit = 'patient' | 'record';

export interface ScalingSet {
  readonly id: number;
  readonly seed: number;
  readonly unit: ScalingUnit;
  readonly centers: string[];
  /** Units in the pool. */
  readonly size: number;
}

/**
 * Ranks every unit (patient or record) of the pool's centers by a seeded hash and stores rank =
 * (position + 0.5) / size. The subset at fraction f is the units with rank < f: it holds round(f * size)
 * units and contains every smaller fraction's subset.
 */
export function createScalingSet(
  catalog: Catalog,
  options: { seed: number; centers: string[]; unit?: ScalingUnit },
): ScalingSet {
  const unit = options.unit ?? 'patient';
  const db = catalog.db;
  const known = new Set(catalog.centers().map((c) => c.name));
  const unknown = options.centers.filter((c) => !known.has(c));
  if (unknown.length) throw new CatalogError(`no such center: ${unknown.join(', ')}`);
  const marks = options.centers.map(() => '?').join(',');
  const units = (
    unit === 'patient'
      ? db.prepare(
          `SELECT p.id, c.name AS center, p.key FROM patients p JOIN centers c ON c.id = p.center_id
           WHERE c.name IN (${marks}) AND EXISTS (SELECT 1 FROM records r WHERE r.patient_id = p.id)`,
        )
      : db.prepare(
          `SELECT r.id, c.name AS center, r.source_key AS key FROM records r JOIN centers c ON c.id = r.center_id
           WHERE c.name IN (${marks})`,
        )
  ).all(...options.centers) as { id: number; center: string; key: string }[];
  const ranked = units
    .map((u) => ({ id: u.id, h: unitHash(options.seed, u.center, u.key) }))
    .sort((a, b) => a.h - b.h || a.id - b.id);
  const id = db.transaction(() => {
    const info = db
      .prepare("INSERT INTO split_sets (kind, seed, params, created_at) VALUES ('scaling', ?, ?, ?)")
      .run(options.seed, JSON.stringify({ unit, centers: options.centers, size: ranked.length }), new Date().toISOString());
    const setId = Number(info.lastInsertRowid);
    const insert = db.prepare('INSERT INTO scaling_membership (split_set_id, unit_id, rank) VALUES (?, ?, ?)');
    ranked.forEach((u, i) => insert.run(setId, u.id, (i + 0.5) / ranked.length));
    return setId;
  })();
  return { id, seed: options.seed, unit, centers: options.centers, size: ranked.length };
}

/** createScalingSet, reusing the stored set while its pool has not grown (ranks depend on the pool's size). */
export function ensureScalingSet(catalog: Catalog, options: { seed: number; centers: string[]; unit?: ScalingUnit }): ScalingSet {
  const unit = options.unit ?? 'patient';
  const marks = options.centers.map(() => '?').join(',');
  const size = (
    unit === 'patient'
      ? catalog.db.prepare(`SELECT count(DISTINCT r.patient_id) FROM records r JOIN centers c ON c.id = r.center_id WHERE c.name IN (${marks})`)
      : catalog.db.prepare(`SELECT count(*) FROM records r JOIN centers c ON c.id = r.center_id WHERE c.name IN (${marks})`)
  )
    .pluck()
    .get(...options.centers) as number;
  const id = findSet(catalog, 'scaling', options.seed, JSON.stringify({ unit, centers: options.centers, size }));
  return id === undefined ? createScalingSet(catalog, options) : { id, seed: options.seed, unit, centers: options.centers, size };
}

/** Unit ids (patients or records, as the set says) in the subset at `fraction`, ascending. */
export function scalingMembers(catalog: Catalog, setId: number, fraction: number): number[] {
  if (!(fraction > 0 && fraction <= 1)) throw new CatalogError(`fraction must lie in (0, 1], got ${fraction}`);
  splitSetRow(catalog, setId, 'scaling');
  return catalog.db
    .prepare('SELECT unit_id FROM scaling_membership WHERE split_set_id = ? AND rank < ? ORDER BY unit_id')
    .pluck()
    .all(setId, fraction) as number[];
}

/** Subset sizes at each fraction of the sweep. */
export function scalingSizes(catalog: Catalog, setId: number, fractions: readonly number[] = SCALING_FRACTIONS): Record<string, number> {
  splitSetRow(catalog, setId, 'scaling');
  const count = catalog.db.prepare('SELECT count(*) FROM scaling_membership WHERE split_set_id = ? AND rank < ?').pluck();
  return Object.fromEntries(fractions.map((f) => [String(f), count.get(setId, f) as number]));
}

interface SetRow {
  id: number;
  kind: string;
  seed: number;
  params: string;
}

function splitSetRow(catalog: Catalog, setId: number, kind: string): SetRow {
  const row = catalog.db.prepare('SELECT id, kind, seed, params FROM split_sets WHERE id = ?').get(setId) as SetRow | undefined;
  if (!row) throw new CatalogError(`no split set ${setId}`);
  if (row.kind !== kind) throw new CatalogError(`split set ${setId} is a ${row.kind} set, not a ${kind} set`);
  return row;
}
