// The import pipeline on real files: counts, canonical signals, resume, broken records, workers.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES, classOfCode } from '../../src/shared/classes.js';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { readRecord } from '../../src/main/formats/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { canonicalize } from '../../src/main/signal/index.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { brokenCorpus, CINC, cincLabels, copiesOfCinc, linkTraps } from './corpus.js';
import { tempDir } from '../temp.js';

const temp = (prefix: string) => tempDir(`import-${prefix}`);

describe('importing the PhysioNet/CinC samples', () => {
  const ws = temp('cinc');
  const labels = cincLabels();

  it('catalogs every record with the counts labels.csv gives', async () => {
    const summary = await runImport({ folder: CINC, workspace: ws, workers: 0 });
    expect(summary).toMatchObject({ dataset: 'cinc', status: 'done', imported: labels.length, failed: 0, skipped: 0 });
    const catalog = Catalog.open(ws);
    try {
      const s = catalog.summary();
      expect(s.records).toBe(labels.length);
      const perFolder = new Map<string, number>();
      for (const r of labels) perFolder.set(r.center, (perFolder.get(r.center) ?? 0) + 1);
      expect(Object.values(s.per_center).sort()).toEqual([...perFolder.values()].sort());
      const perClass: Record<string, number> = {};
      for (const r of labels) {
        for (const abbr of new Set(r.dx.map((c) => classOfCode(c)?.abbreviation).filter(Boolean) as string[])) perClass[abbr] = (perClass[abbr] ?? 0) + 1;
      }
      expect(s.per_class).toEqual(perClass);
      expect(Object.keys(s.per_class).every((a) => CLASSES.some((c) => c.abbreviation === a))).toBe(true);
    } finally {
      catalog.close();
    }
  });

  it('stores for each row the canonical signal of its record', async () => {
    const catalog = Catalog.open(ws);
    const store = ShardStore.openReader(join(ws, 'store'));
    try {
      for (const name of ['A0001', 'HR00001', 'JS00001']) {
        const row = catalog.queryRecords({ text: name }, { limit: 5 }).rows.find((r) => r.record === name)!;
        const detail = catalog.getRecord(row.id)!;
        const stored = store.read(detail.shard!, detail.offset!);
        const expected = canonicalize(await readRecord(detail.sourcePath.replace(/\.mat$/, '')), { rate: 100, length: 1000, window: 'cleanest' });
        expect(stored).toHaveLength(12 * 1000);
        let worst = 0;
        for (let i = 0; i < stored.length; i++) worst = Math.max(worst, Math.abs(stored[i] - expected.data[i]));
        // int16 microvolts: half a microvolt of rounding.
        expect(worst).toBeLessThanOrEqual(0.0005 + 1e-6);
        expect(Math.max(...stored.map(Math.abs))).toBeGreaterThan(0.1);
      }
    } finally {
      store.close();
      catalog.close();
    }
  });

  it('a second run imports nothing again and duplicates nothing', async () => {
    const summary = await runImport({ folder: CINC, workspace: ws, workers: 0 });
    expect(summary).toMatchObject({ imported: 0, skipped: labels.length, failed: 0 });
    const catalog = Catalog.open(ws);
    try {
      expect(catalog.summary().records).toBe(labels.length);
      expect(catalog.importRuns().map((r) => r.status)).toEqual(['done', 'done']);
    } finally {
      catalog.close();
    }
  });
});

describe('worker threads', () => {
  it('give the same catalog and the same canonical signals as one thread', async () => {
    const folder = temp('copies');
    copiesOfCinc(folder, 120);
    const one = temp('one');
    const two = temp('two');
    await runImport({ folder, workspace: one, workers: 0 });
    const summary = await runImport({ folder, workspace: two, workers: 2 });
    expect(summary.imported).toBe(120);
    const signals = (ws: string) => {
      const catalog = Catalog.open(ws);
      const store = ShardStore.openReader(join(ws, 'store'));
      const out = new Map<string, Float32Array>();
      for (const row of catalog.queryRecords({}, { limit: 500 }).rows) {
        const d = catalog.getRecord(row.id)!;
        out.set(d.sourceKey, store.read(d.shard!, d.offset!));
      }
      store.close();
      catalog.close();
      return out;
    };
    const a = signals(one);
    const b = signals(two);
    expect(a.size).toBe(120);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, x] of a) expect(b.get(key)).toEqual(x);
  });
});

describe('broken records', () => {
  it('are each stored with a clear reason while the rest goes on', async () => {
    const folder = temp('broken');
    const broken = brokenCorpus(folder);
    const ws = temp('broken-ws');
    const summary = await runImport({ folder, workspace: ws, dataset: 'cinc', workers: 0 });
    expect(summary.imported).toBe(2);
    expect(summary.failed).toBe(Object.keys(broken).length);
    for (const [name, why] of Object.entries(broken)) {
      const error = summary.errors.find((e) => e.key.endsWith(name) || e.path.includes(name));
      expect(error, `an error for ${name}`).toBeDefined();
      expect(error!.message).toMatch(why);
    }
    const catalog = Catalog.open(ws);
    try {
      expect(catalog.importErrors(summary.run)).toHaveLength(Object.keys(broken).length);
      expect(catalog.summary().records).toBe(2);
    } finally {
      catalog.close();
    }
  });

  it('survive a symbolic-link loop and a dangling link', async () => {
    const folder = temp('links');
    linkTraps(folder);
    const summary = await runImport({ folder, workspace: temp('links-ws'), dataset: 'cinc', workers: 0 });
    expect(summary.imported).toBe(1);
    expect(summary.errors.map((e) => e.code)).toContain('symlink-loop');
  });
});
