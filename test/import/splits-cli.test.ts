// `openecg splits` over an imported workspace: stored once, reused, and patient-disjoint.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { CINC, REPO } from './corpus.js';

const ws = mkdtempSync(join(tmpdir(), 'openecg-splits-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
beforeAll(async () => {
  await runImport({ folder: CINC, workspace: ws, workers: 0 });
});

function splits(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'splits', '--workspace', ws, '--json', ...args], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('openecg splits', () => {
  it('puts every patient in exactly one part, holds out each center once, and nests the scaling subsets', () => {
    const doc = splits('--seed', '7');
    const c = Catalog.open(ws, { readonly: true });
    try {
      const rows = c.db.prepare('SELECT patient_id, count(*) AS n FROM split_assignments WHERE split_set_id = ? GROUP BY patient_id').all(doc.split.id) as { n: number }[];
      expect(rows.length).toBe(c.summary().patients);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      const centers = c.summary().centers.map((x) => x.center).sort();
      expect(doc.lodo.folds.map((f: { target: string }) => f.target).sort()).toEqual(centers);
      for (const f of doc.lodo.folds as { target: string; pool: string[] }[]) {
        expect(f.pool).not.toContain(f.target);
        expect([...f.pool, f.target].sort()).toEqual(centers);
      }
      const members = (fraction: number) =>
        new Set(c.db.prepare('SELECT unit_id FROM scaling_membership WHERE split_set_id = ? AND rank < ?').pluck().all(doc.scaling.id, fraction) as number[]);
      const fractions = doc.scaling.sizes.map((s: { fraction: number }) => s.fraction);
      for (let i = 1; i < fractions.length; i++) {
        const small = members(fractions[i - 1]);
        const big = members(fractions[i]);
        expect([...small].every((u) => big.has(u))).toBe(true);
        expect(big.size).toBe(Math.round(fractions[i] * doc.scaling.pool_patients));
      }
    } finally {
      c.close();
    }
  });

  it('gives the same stored sets on a second run with the same seed, and another split for another seed', () => {
    const a = splits('--seed', '7');
    const b = splits('--seed', '7');
    expect(b.split.id).toBe(a.split.id);
    expect(b.lodo.id).toBe(a.lodo.id);
    expect(b.scaling.id).toBe(a.scaling.id);
    expect(b.split.per_center).toEqual(a.split.per_center);
    const other = splits('--seed', '8');
    expect(other.split.id).not.toBe(a.split.id);
  });
});
