// LODO folds and scaling subsets as planned from a real (demo) catalog, the experiment run end to
// end in this process, and its reproducibility.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { parseExperimentConfig, readExperimentConfig, stepsOf } from '../../src/main/experiments/config.js';
import { planExperiment, type PretrainStep } from '../../src/main/experiments/plan.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { nativeOrt } from '../../src/main/ml/kernels/ort-native.js';
import { saturationFraction } from '../../src/main/experiments/tables.js';
import { demoWorkspace, tinyConfig } from './fixtures.js';

let ws: string;
beforeAll(async () => {
  ws = await demoWorkspace('experiment');
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const centersOf = (c: Catalog, ids: number[]) =>
  new Set(ids.map((id) => c.db.prepare('SELECT c.name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?').pluck().get(id) as string));

describe('experiment plans', () => {
  it('LODO: each w/o pre-training holds out exactly its target, reads only train patients, and the target is evaluated on its own split', () => {
    const catalog = Catalog.open(ws);
    try {
      const plan = planExperiment(catalog, tinyConfig({ targets: null }), 'lodo');
      const all = catalog.summary().centers.map((c) => c.center);
      // Every labelled center with train and test patients is a target; the unlabelled one never is.
      expect(plan.targets).not.toContain('Prairie Hospital');
      expect(plan.targets.length + plan.skipped.length).toBe(6);
      const wo = plan.steps.filter((s): s is PretrainStep => s.kind === 'pretrain' && s.name.startsWith('pre-wo-'));
      expect(wo.length).toBe(plan.targets.length);
      const train = new Set(catalog.db.prepare("SELECT r.id FROM split_assignments a JOIN records r ON r.patient_id = a.patient_id WHERE a.split_set_id = ? AND a.part = 'train'").pluck().all(plan.splitId) as number[]);
      for (const [i, target] of plan.targets.entries()) {
        const step = wo[i];
        const seen = centersOf(catalog, step.records);
        expect(seen.has(target)).toBe(false);
        expect([...seen].sort()).toEqual(all.filter((c) => c !== target).sort());
        expect(step.records.every((id) => train.has(id))).toBe(true);
        const evals = plan.steps.filter((s) => s.kind === 'downstream' && s.target === target);
        expect(evals.length).toBe(2); // w/o and w/ arms
        for (const e of evals) if (e.kind === 'downstream') for (const part of [e.train, e.val, e.test]) expect([...centersOf(catalog, part)].every((c) => c === target)).toBe(true);
      }
      // The w/ arm's pool is every center.
      const withArm = plan.steps.find((s): s is PretrainStep => s.kind === 'pretrain' && s.name.startsWith('pre-all-'))!;
      expect([...centersOf(catalog, withArm.records)].sort()).toEqual(all.sort());
    } finally {
      catalog.close();
    }
  });

  it('scaling: nested pools of train records, growing with the fraction', () => {
    const catalog = Catalog.open(ws);
    try {
      const plan = planExperiment(catalog, tinyConfig({ scaling: { fractions: [1, 0.25, 0.5] } }), 'scaling');
      const pools = plan.steps.filter((s): s is PretrainStep => s.kind === 'pretrain');
      expect(pools.map((p) => p.fraction)).toEqual([0.25, 0.5, 1]);
      for (let i = 1; i < pools.length; i++) {
        expect(pools[i].records.length).toBeGreaterThan(pools[i - 1].records.length);
        const bigger = new Set(pools[i].records);
        expect(pools[i - 1].records.every((id) => bigger.has(id))).toBe(true);
      }
    } finally {
      catalog.close();
    }
  });
});

describe('experiment configs', () => {
  it('the bundled configs validate', () => {
    for (const name of ['small-cpu', 'paper']) {
      const c = readExperimentConfig(new URL(`../../resources/experiments/${name}.json`, import.meta.url).pathname);
      expect(c.name).toBe(name);
      expect(c.methods.map((m) => m.method).sort()).toEqual(['byol', 'mae', 'simclr']);
    }
  });

  it('each bundled config says where every setting comes from: the paper (from_paper) or our default (defaults_open)', () => {
    for (const name of ['small-cpu', 'paper']) {
      const raw = JSON.parse(readFileSync(new URL(`../../resources/experiments/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
      const leaves: string[] = [];
      const walk = (v: unknown, path: string[]) => {
        if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
        else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) v.forEach((x) => walk(x, [...path, '*']));
        else leaves.push(path.join('.'));
      };
      const { name: _n, description: _d, from_paper, defaults_open, ...settings } = raw as Record<string, Record<string, string>>;
      walk(settings, []);
      const keys = [...Object.keys(from_paper), ...Object.keys(defaults_open)];
      const uncovered = leaves.filter((leaf) => !keys.some((k) => leaf === k || leaf.startsWith(`${k}.`)));
      expect(uncovered, name).toEqual([]);
      expect(Object.keys(defaults_open).length).toBeGreaterThan(5);
    }
  });

  it('a bad config names the field; epochs become steps', () => {
    expect(() => parseExperimentConfig({ name: 'x', methods: [{ method: 'moco' }], pretrain: { steps: 1, batchSize: 2 }, downstream: { probe: { steps: 1, batchSize: 2 } } })).toThrow(/methods\.0\.method/);
    expect(() => parseExperimentConfig({ name: 'x', methods: [{ method: 'mae' }], pretrain: { steps: 1, epochs: 2, batchSize: 2 }, downstream: { probe: { steps: 1, batchSize: 2 } } })).toThrow(/exactly one of steps or epochs/);
    expect(stepsOf({ epochs: 2, batchSize: 32 }, 100)).toBe(7); // ceil(200 / 32)
  });

  it('saturation: the smallest fraction within the tolerance of the best AUROC', () => {
    const points = [0.1, 0.25, 0.5, 1].map((fraction, i) => ({ fraction, pretrain_records: 0, macro_auroc: [0.7, 0.8, 0.845, 0.85][i], macro_f1: null }));
    expect(saturationFraction(points, 1)).toBe(0.5); // 0.845 >= 0.85 - 0.01
    expect(saturationFraction(points, 0.1)).toBe(1);
    expect(saturationFraction(points, 10)).toBe(0.25);
  });
});

describe('running an experiment', () => {
  it('LODO twice with the same config gives the same numbers and predictions', async () => {
    const config = tinyConfig();
    const a = await runExperiment({ workspace: ws, runDir: join(ws, 'runs', 'a'), kind: 'lodo', config });
    const b = await runExperiment({ workspace: ws, runDir: join(ws, 'runs', 'b'), kind: 'lodo', config });
    expect(a.lodo!.length).toBe(2);
    expect(a.lodo!.every((r) => r.auroc_without !== null && r.auroc_with !== null && r.delta_auroc_points !== null)).toBe(true);
    expect(b.lodo).toEqual(a.lodo);
    const preds = readdirSync(join(ws, 'runs', 'a', 'predictions'));
    expect(preds.length).toBe(4);
    for (const f of preds) expect(readFileSync(join(ws, 'runs', 'b', 'predictions', f), 'utf8')).toBe(readFileSync(join(ws, 'runs', 'a', 'predictions', f), 'utf8'));
    // The run keeps its provenance and every step's curve.
    const run = JSON.parse(readFileSync(join(ws, 'runs', 'a', 'run.json'), 'utf8'));
    expect(run.backend.name).toBe('wasm');
    expect(run.config.name).toBe('tiny');
    // The kernel routes it used are pinned beside run.json, their count in it (docs/kernels.md).
    if (nativeOrt()) {
      const table = JSON.parse(readFileSync(join(ws, 'runs', 'a', 'kernel-routes.json'), 'utf8')) as { routes: Record<string, { route: string }> };
      const shapes = Object.keys(table.routes).length;
      expect(shapes).toBeGreaterThan(0);
      expect(run.kernel_routes).toEqual({ file: 'kernel-routes.json', shapes, gemm: Object.values(table.routes).filter((r) => r.route === 'gemm').length, xnnpack: Object.values(table.routes).filter((r) => r.route === 'xnnpack').length });
    }
    const pre = JSON.parse(readFileSync(join(ws, 'runs', 'a', 'steps', `${run.steps[0]}.json`), 'utf8'));
    expect(pre.losses.length).toBe(6);
    expect(pre.losses.every(Number.isFinite)).toBe(true);
    // A second call on the same folder reuses every recorded step.
    const again = await runExperiment({ workspace: ws, runDir: join(ws, 'runs', 'a'), kind: 'lodo', config });
    expect(again.steps_reused).toBe(again.steps);
    expect(again.lodo).toEqual(a.lodo);
  });
});
