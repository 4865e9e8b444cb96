import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assignPatients,
  Catalog,
  createPatientSplit,
  createScalingSet,
  lodoFolds,
  patientsInPart,
  recordsInPart,
  saveLodoFolds,
  scalingMembers,
  scalingSizes,
  SCALING_FRACTIONS,
  type Part,
} from '../../src/main/catalog/index.js';
import { generatedRecords, workspace } from './fixtures.js';

const CENTERS = ['alpha', 'beta', 'gamma'];
const PARTS: Part[] = ['train', 'val', 'test'];
let catalog: Catalog;

beforeAll(() => {
  catalog = Catalog.open(workspace());
  catalog.insertRecords(generatedRecords(6000, CENTERS, 21));
});
afterAll(() => catalog.close());

/** Part of each patient as "center/key" -> part, comparable across workspaces. */
function partsByKey(c: Catalog, setId: number): Map<string, Part> {
  const rows = c.db
    .prepare(
      `SELECT c.name || '/' || p.key AS k, a.part FROM split_assignments a JOIN patients p ON p.id = a.patient_id
       JOIN centers c ON c.id = p.center_id WHERE a.split_set_id = ?`,
    )
    .all(setId) as { k: string; part: Part }[];
  return new Map(rows.map((r) => [r.k, r.part]));
}

describe('patient-level split', () => {
  it('puts every patient in exactly one part and all of a patient’s records with it', () => {
    const split = createPatientSplit(catalog, { seed: 7 });
    const patients = catalog.db.prepare('SELECT count(*) FROM patients').pluck().get() as number;
    expect(split.counts.train + split.counts.val + split.counts.test).toBe(patients);
    const seen = new Set<number>();
    for (const part of PARTS) {
      for (const p of patientsInPart(catalog, split.id, part)) {
        expect(seen.has(p)).toBe(false);
        seen.add(p);
      }
    }
    expect(seen.size).toBe(patients);
    const recordSets = PARTS.map((part) => new Set(recordsInPart(catalog, split.id, part)));
    expect(recordSets.reduce((n, s) => n + s.size, 0)).toBe(6000);
    const partOfPatient = catalog.db
      .prepare(
        `SELECT count(DISTINCT a.part) FROM records r JOIN split_assignments a ON a.patient_id = r.patient_id
         WHERE a.split_set_id = ? GROUP BY r.patient_id ORDER BY 1 DESC LIMIT 1`,
      )
      .pluck()
      .get(split.id);
    expect(partOfPatient).toBe(1);
  });

  it('follows the 80/10/10 default within sampling error', () => {
    const split = createPatientSplit(catalog, { seed: 3 });
    const n = split.counts.train + split.counts.val + split.counts.test;
    // Binomial standard deviation at n ~ 2400 is under 1 point; allow 3.
    expect(Math.abs(split.counts.train / n - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(split.counts.val / n - 0.1)).toBeLessThan(0.03);
    expect(Math.abs(split.counts.test / n - 0.1)).toBeLessThan(0.03);
    const custom = createPatientSplit(catalog, { seed: 3, ratios: { train: 0.5, val: 0, test: 0.5 }, centers: ['beta'] });
    expect(custom.counts.val).toBe(0);
    const betaPatients = catalog.db
      .prepare("SELECT count(*) FROM patients WHERE center_id = (SELECT id FROM centers WHERE name = 'beta')")
      .pluck()
      .get() as number;
    expect(custom.counts.train + custom.counts.test).toBe(betaPatients);
    expect(() => createPatientSplit(catalog, { seed: 1, ratios: { train: -1, val: 1, test: 1 } })).toThrow(/non-negative/);
  });

  it('is reproducible for a seed, in another workspace too, and differs for another seed', () => {
    const a = createPatientSplit(catalog, { seed: 42 });
    const b = createPatientSplit(catalog, { seed: 42 });
    const other = createPatientSplit(catalog, { seed: 43 });
    expect(partsByKey(catalog, b.id)).toEqual(partsByKey(catalog, a.id));
    const fresh = Catalog.open(workspace());
    // Same records inserted in reverse: ids differ, parts by patient do not.
    fresh.insertRecords(generatedRecords(6000, CENTERS, 21).reverse());
    const c = createPatientSplit(fresh, { seed: 42 });
    expect(partsByKey(fresh, c.id)).toEqual(partsByKey(catalog, a.id));
    fresh.close();
    const x = partsByKey(catalog, a.id);
    const y = partsByKey(catalog, other.id);
    const moved = [...x].filter(([k, part]) => y.get(k) !== part).length;
    expect(moved).toBeGreaterThan(x.size * 0.2);
  });

  it('assigns patients imported later without moving earlier ones', () => {
    const c = Catalog.open(workspace());
    c.insertRecords(generatedRecords(1000, CENTERS, 5));
    const split = createPatientSplit(c, { seed: 9 });
    const before = partsByKey(c, split.id);
    c.insertRecords(generatedRecords(500, CENTERS, 6, 'later-'));
    const added = assignPatients(c, split.id);
    expect(added).toBeGreaterThan(0);
    const after = partsByKey(c, split.id);
    expect(after.size).toBe(before.size + added);
    for (const [k, part] of before) expect(after.get(k)).toBe(part);
    expect(assignPatients(c, split.id)).toBe(0);
    // The query filter sees the split.
    const test = new Set(recordsInPart(c, split.id, 'test'));
    const page = c.queryRecords({ splitSet: split.id, part: 'test' }, { limit: 1000 });
    expect(page.total).toBe(test.size);
    for (const r of page.rows) expect(test.has(r.id)).toBe(true);
    c.close();
  });
});

describe('leave-one-dataset-out folds', () => {
  it('hold out exactly one center each, the pool being all the others', () => {
    const folds = lodoFolds(catalog);
    expect(folds.map((f) => f.target)).toEqual(CENTERS);
    for (const fold of folds) {
      expect(fold.pool).not.toContain(fold.target);
      expect([...fold.pool, fold.target].sort()).toEqual(CENTERS);
    }
    expect(lodoFolds(catalog, ['beta'])).toEqual([{ target: 'beta', pool: ['alpha', 'gamma'] }]);
    expect(() => lodoFolds(catalog, ['nowhere'])).toThrow(/no such center: nowhere/);
    const id = saveLodoFolds(catalog, 1, folds);
    const stored = catalog.db.prepare('SELECT kind, params FROM split_sets WHERE id = ?').get(id) as { kind: string; params: string };
    expect(stored.kind).toBe('lodo');
    expect(JSON.parse(stored.params).folds).toEqual(folds);
  });
});

describe('scaling subsets', () => {
  for (const unit of ['patient', 'record'] as const) {
    it(`are nested and of round(f x size) ${unit}s at every fraction`, () => {
      const pool = ['alpha', 'gamma'];
      const set = createScalingSet(catalog, { seed: 5, centers: pool, unit });
      const expectedSize = catalog.db
        .prepare(
          unit === 'patient'
            ? "SELECT count(*) FROM patients p JOIN centers c ON c.id = p.center_id WHERE c.name IN ('alpha', 'gamma')"
            : "SELECT count(*) FROM records r JOIN centers c ON c.id = r.center_id WHERE c.name IN ('alpha', 'gamma')",
        )
        .pluck()
        .get() as number;
      expect(set.size).toBe(expectedSize);
      const sizes = scalingSizes(catalog, set.id);
      let previous = new Set<number>();
      for (const f of SCALING_FRACTIONS) {
        const members = scalingMembers(catalog, set.id, f);
        expect(Math.abs(members.length - f * set.size)).toBeLessThanOrEqual(0.5);
        expect(sizes[String(f)]).toBe(members.length);
        const now = new Set(members);
        expect([...previous].filter((m) => !now.has(m))).toEqual([]);
        previous = now;
      }
      expect(previous.size).toBe(set.size);
      // Same seed, same members; another seed, other members.
      const again = createScalingSet(catalog, { seed: 5, centers: pool, unit });
      expect(scalingMembers(catalog, again.id, 0.2)).toEqual(scalingMembers(catalog, set.id, 0.2));
      const other = createScalingSet(catalog, { seed: 6, centers: pool, unit });
      expect(scalingMembers(catalog, other.id, 0.2)).not.toEqual(scalingMembers(catalog, set.id, 0.2));
    });
  }

  it('refuse bad fractions, unknown centers and sets of another kind', () => {
    const set = createScalingSet(catalog, { seed: 1, centers: ['beta'] });
    expect(() => scalingMembers(catalog, set.id, 0)).toThrow(/fraction must lie in \(0, 1\]/);
    expect(() => scalingMembers(catalog, set.id, 1.5)).toThrow(/fraction/);
    expect(() => createScalingSet(catalog, { seed: 1, centers: ['nowhere'] })).toThrow(/no such center/);
    const split = createPatientSplit(catalog, { seed: 1 });
    expect(() => scalingMembers(catalog, split.id, 0.5)).toThrow(/is a patient set, not a scaling set/);
  });
});
