// Model inspection and results through the Workstation API, over a demo workspace with a tiny LODO
// run trained in this process (model-fixtures.ts): MAE reconstructions, predictions against the
// run's stored ones, occlusion saliency against direct re-scoring, the error review, ROC curves
// against the run's own AUROC, and the LODO cells.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { rocPr } from '../../src/main/api/curves.js';
import { Catalog } from '../../src/main/catalog/index.js';
import type { DownstreamRecord, PretrainRecord } from '../../src/main/experiments/records.js';
import { loadClassifier } from '../../src/main/ml/load.js';
import { occlusionSaliency, windowStarts } from '../../src/main/ml/saliency.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { RUN, TARGETS, modelWorkspace, type ModelWorkspace } from './model-fixtures.js';

let m: ModelWorkspace;
let api: WorkstationApi;
const stepFile = (ws: string, name: string): unknown => JSON.parse(readFileSync(join(ws, 'runs', RUN, 'steps', `${name}.json`), 'utf8'));
const pretrainStep = (ws: string, name: string) => stepFile(ws, name) as PretrainRecord;
const steps = (ws: string, name: string) => stepFile(ws, name) as DownstreamRecord;
const firstOf = async (center: string) => (await api.call('catalog.query', { filter: { centers: [center] }, page: { limit: 1 } })).rows[0].id;

beforeAll(async () => {
  m = await modelWorkspace('inspect-api');
  api = createWorkstationApi({ workspace: m.workspace });
}, 600_000);
afterAll(() => {
  api?.close();
  if (m) rmSync(m.root, { recursive: true, force: true });
});

describe('models and MAE reconstruction', () => {
  it('lists every bundle of the run with its pre-training pool', async () => {
    const { models } = await api.call('models.list', {});
    const mae = models.filter((x) => x.task === 'pretrain-mae');
    expect(mae.map((x) => x.target ?? x.step).length).toBe(TARGETS.length);
    for (const x of mae) {
      const rec = pretrainStep(m.workspace, x.step!);
      expect(x.pool).toEqual(rec.pool);
      expect(x.source).toBe(`runs/${RUN}`);
    }
    expect(models.filter((x) => x.task === 'probe').length).toBeGreaterThanOrEqual(TARGETS.length * 2);
  });

  it('reconstructs a record of a held-out center and of a seen one, with a reproducible mask', async () => {
    const { models } = await api.call('models.list', {});
    const heldOut = TARGETS[0];
    const mae = models.find((x) => x.task === 'pretrain-mae' && x.pool && !x.pool.includes(heldOut))!;
    const unseen = await api.call('inspect.reconstruct', { id: await firstOf(heldOut), bundle: mae.path, seed: 3, maskRatio: 0.5 });
    expect(unseen.centerInPool).toBe(false);
    expect(unseen.leads).toHaveLength(12);
    expect(unseen.mask.filter((x) => x === 1).length).toBe(Math.round(unseen.mask.length * 0.5));
    // The original is the canonical store row.
    const c = Catalog.open(m.workspace, { readonly: true });
    const d = c.getRecord(unseen.id)!;
    c.close();
    const store = ShardStore.openReader(join(m.workspace, 'store'));
    const row = store.read(d.shard!, d.offset!);
    store.close();
    expect(unseen.leads[1].original[100]).toBeCloseTo(row[1000 + 100], 4);
    // Per-lead error recomputed from what was returned (5-decimal rounding).
    const l = unseen.leads[4];
    let sum = 0;
    let n = 0;
    l.original.forEach((v, t) => {
      if (unseen.mask[Math.floor(t / unseen.patchSamples)]) {
        sum += (l.reconstruction[t] - v) ** 2;
        n++;
      }
    });
    expect(l.mse!).toBeCloseTo(sum / n, 6);
    const again = await api.call('inspect.reconstruct', { id: unseen.id, bundle: mae.path, seed: 3, maskRatio: 0.5 });
    expect(again.mask).toEqual(unseen.mask);
    expect(again.leads[0].reconstruction).toEqual(unseen.leads[0].reconstruction);
    const other = await api.call('inspect.reconstruct', { id: unseen.id, bundle: mae.path, seed: 4, maskRatio: 0.5 });
    expect(other.mask).not.toEqual(unseen.mask);
    const seen = await api.call('inspect.reconstruct', { id: await firstOf(TARGETS[1]), bundle: mae.path });
    expect(seen.centerInPool).toBe(true);
    await expect(api.call('inspect.reconstruct', { id: unseen.id, bundle: models.find((x) => x.task === 'probe')!.path })).rejects.toThrow(/MAE/);
  });
});

describe('predictions and saliency', () => {
  it('gives the probabilities the run stored, with the run step thresholds; 0.5 for a copied bundle', async () => {
    const run = await api.call('results.run', { run: RUN });
    const step = run.steps.find((s) => s.kind === 'downstream' && s.name.startsWith('eval-'))!;
    const rec = steps(m.workspace, step.name);
    const csv = readFileSync(rec.predictions, 'utf8').trim().split('\n');
    const head = csv[0].split(',');
    const row = csv[1].split(',');
    const id = Number(row[0]);
    const p = await api.call('inspect.predict', { id, bundle: rec.bundle });
    expect(p.classes).toHaveLength(24);
    expect(p.thresholdsFrom).toBe('run');
    expect(p.engine).toMatch(/^(ort|tfjs) \(/);
    console.log(`inference engine: ${p.engine}`);
    for (const c of p.classes) {
      expect(c.probability).toBeCloseTo(Number(row[head.indexOf(c.abbreviation)]), 4);
      expect(c.threshold).toBe(rec.thresholds[c.index]);
    }
    const copy = join(m.root, 'elsewhere', 'model');
    cpSync(rec.bundle, copy, { recursive: true });
    const q = await api.call('inspect.predict', { id, bundle: copy });
    expect(q.thresholdsFrom).toBe('default');
    expect(q.classes.every((c) => c.threshold === 0.5)).toBe(true);
    q.classes.forEach((c, i) => expect(c.probability).toBeCloseTo(p.classes[i].probability, 6));
  });

  it('occlusion saliency equals the probability drop of re-scoring the occluded record', async () => {
    const { models } = await api.call('models.list', {});
    const probe = models.find((x) => x.task === 'probe')!;
    const id = await firstOf(TARGETS[1]);
    const cls = 20;
    const p = await api.call('inspect.predict', { id, bundle: probe.path, saliency: { classIndex: cls, window: 100, stride: 100, baseline: 0 } });
    const s = p.saliency!;
    expect(s.forwards).toBe(12 * 10 + 1);
    // Windows do not overlap: every sample of lead V2's window 3 carries exactly that window's drop.
    const x = Float32Array.from(p.leads.flatMap((l) => l.samples));
    const clf = loadClassifier(join(m.workspace, probe.path));
    const prob = (r: Float32Array) => 1 / (1 + Math.exp(-clf.logits(r, 1)[cls]));
    const occluded = Float32Array.from(x);
    occluded.fill(0, 7 * 1000 + 300, 7 * 1000 + 400);
    const drop = prob(x) - prob(occluded);
    clf.dispose();
    expect(s.leads[7][350]).toBeCloseTo(drop, 4);
    expect(s.leads[7][300]).toBe(s.leads[7][399]);
  });

  it('windows cover the whole record, the last flush with its end', async () => {
    expect(windowStarts(1000, 50, 25)).toHaveLength(39);
    expect(windowStarts(1000, 60, 25).at(-1)).toBe(940);
    const flat = new Float32Array(2 * 10);
    // A forward whose class-0 probability is the mean of the first lead: occluding it to 0 drops that.
    const s = await occlusionSaliency((r, n) => Float32Array.from({ length: n }, (_, i) => r.slice(i * 20, i * 20 + 10).reduce((a, b) => a + b, 0) / 10), flat.fill(1), 2, { classIndex: 0, window: 5, stride: 5 });
    expect(Array.from(s.leads[0])).toEqual(new Array(10).fill(0.5));
    expect(Array.from(s.leads[1])).toEqual(new Array(10).fill(0));
  });
});

describe('error review and results', () => {
  it('lists false positives and negatives consistent with labels, predictions and thresholds', async () => {
    const run = await api.call('results.run', { run: RUN });
    const step = run.steps.find((s) => s.kind === 'downstream')!;
    const c = Catalog.open(m.workspace, { readonly: true });
    try {
      for (let k = 0; k < CLASSES.length; k++) {
        const e = await api.call('inspect.errors', { run: RUN, step: step.name, classIndex: k });
        expect(e.counts.tp + e.counts.fp + e.counts.fn + e.counts.tn).toBe(step.testRecords);
        for (const f of e.falsePositives) expect(f.probability).toBeGreaterThanOrEqual(e.threshold);
        for (const f of e.falseNegatives) expect(f.probability).toBeLessThan(e.threshold);
        for (const f of [...e.falsePositives, ...e.falseNegatives]) {
          const has = c.getRecord(f.id)!.labels.some((l) => l.classIndex === k);
          expect(has).toBe(e.falseNegatives.includes(f));
        }
        expect(e.falsePositives.map((f) => f.probability)).toEqual([...e.falsePositives.map((f) => f.probability)].sort((a, b) => b - a));
      }
    } finally {
      c.close();
    }
  });

  it('ROC curves give the run evaluation AUROC; the LODO table has one cell per target and method', async () => {
    const run = await api.call('results.run', { run: RUN });
    expect(run.lodo.length).toBe(TARGETS.length * 2);
    expect(new Set(run.lodo.map((l) => `${l.target}|${l.method}`)).size).toBe(run.lodo.length);
    const step = run.steps.find((s) => s.kind === 'downstream' && s.name.startsWith('eval-'))!;
    const rec = steps(m.workspace, step.name);
    let checked = 0;
    for (const cls of CLASSES) {
      const r = rec.evaluation.per_class[cls.abbreviation];
      if (!r.present) continue;
      const curves = await api.call('results.curves', { run: RUN, step: step.name, classIndex: cls.index });
      expect(curves.auroc).toBeCloseTo(r.auroc, 5);
      expect(curves.positives).toBe(r.positives);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
    expect((await api.call('results.runs', {})).runs.map((r) => r.run)).toEqual([RUN]);
  });

  it('rocPr: ties move together; AUROC and AP of a hand-checked case', () => {
    const r = rocPr([0.9, 0.8, 0.8, 0.3], [1, 0, 1, 0]);
    expect(r.fpr).toEqual([0, 0, 0.5, 1]);
    expect(r.tpr).toEqual([0, 0.5, 1, 1]);
    expect(r.auroc).toBeCloseTo(0.875, 10); // pairs: (0.9>0.8) 1, (0.9>0.3) 1, (0.8=0.8) 0.5, (0.8>0.3) 1
    expect(r.auprc).toBeCloseTo(0.5 * 1 + 0.5 * (2 / 3), 10);
  });
});
