// The paper's LODO on the demo corpus with a tiny config: both arms of every target with the probe
// and fine-tuning, the two baselines, robustness to corrupted test records; checked from the run's
// own files (snapshots, bundles, predictions), then cancelled mid-robustness, resumed, and compared
// with the uninterrupted run number for number.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { parseExperimentConfig } from '../../src/main/experiments/config.js';
import { readPredictions } from '../../src/main/experiments/comparisons.js';
import { planExperiment, type DownstreamStep } from '../../src/main/experiments/plan.js';
import { recordRefs, labelColumns } from '../../src/main/experiments/data.js';
import { chooseThresholds, evaluate } from '../../src/main/experiments/metrics/index.js';
import type { DownstreamRecord, PretrainRecord, RobustnessRecord } from '../../src/main/experiments/records.js';
import { runExperiment, type ExperimentSummary } from '../../src/main/experiments/run.js';
import { robustness } from '../../src/main/experiments/robustness-step.js';
import { predict, StepCancelled } from '../../src/main/experiments/steps.js';
import { createModel, readBundle } from '../../src/main/ml/index.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { demoWorkspace, tinyPaperConfig } from './fixtures.js';

// TensorFlow.js inference: this file checks the experiment protocol, not the engine (test/ml does),
// and ONNX Runtime's worker costs about a second per model opened, most of this file's time.
const engineBefore = process.env.OPENECG_ENGINE;
process.env.OPENECG_ENGINE = 'tfjs';

let ws: string;
let summary: ExperimentSummary;
const config = tinyPaperConfig({
  downstream: { protocols: ['probe', 'finetune'], probe: { steps: 6, batchSize: 8, learningRate: 0.05 }, finetune: { steps: 4, batchSize: 4, learningRate: 0.003 }, checkpointEvery: 3 },
});
const runA = () => join(ws, 'runs', 'a');

beforeAll(async () => {
  ws = await demoWorkspace('paper-lodo');
  summary = await runExperiment({ workspace: ws, runDir: runA(), kind: 'lodo', config });
}, 120_000);
afterAll(() => {
  rmSync(ws, { recursive: true, force: true });
  if (engineBefore === undefined) delete process.env.OPENECG_ENGINE;
  else process.env.OPENECG_ENGINE = engineBefore;
});

const steps = <T>(dir: string, kind: string): T[] =>
  readdirSync(join(dir, 'steps'))
    .map((f) => JSON.parse(readFileSync(join(dir, 'steps', f), 'utf8')))
    .filter((r) => r.kind === kind) as T[];
const snapshot = <T>(dir: string, step: string): T => JSON.parse(readFileSync(join(dir, 'snapshots', `${step}.json`), 'utf8'));

describe('LODO as the paper runs it', () => {
  it("each arm's pre-training snapshot holds out exactly the target (w/o) or includes its train records (w/)", () => {
    const catalog = Catalog.open(ws);
    try {
      const centerOf = catalog.db.prepare('SELECT c.name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?').pluck();
      const all = catalog.summary().centers.map((c) => c.center).sort();
      const evals = steps<DownstreamRecord>(runA(), 'downstream').filter((r) => r.baseline === null);
      expect(evals.length).toBe(2 * 2 * 2); // targets x arms x protocols
      for (const e of evals) {
        const pre = snapshot<{ records: number[] }>(runA(), e.pretrain!).records;
        const ids = snapshot<{ train: number[]; val: number[]; test: number[] }>(runA(), e.name);
        const centers = new Set(pre.map((id) => centerOf.get(id) as string));
        const inPool = new Set(pre);
        if (e.arm === 'without') {
          expect(centers.has(e.target!)).toBe(false);
          expect([...centers].sort()).toEqual(all.filter((c) => c !== e.target));
          expect(ids.train.some((id) => inPool.has(id))).toBe(false);
        } else {
          expect([...centers].sort()).toEqual(all);
          expect(ids.train.every((id) => inPool.has(id))).toBe(true);
        }
        // Neither arm ever pre-trains on the target's validation or test patients.
        expect([...ids.val, ...ids.test].some((id) => inPool.has(id))).toBe(false);
        expect(new Set([...ids.train, ...ids.val, ...ids.test].map((id) => centerOf.get(id)))).toEqual(new Set([e.target]));
        const p = JSON.parse(readFileSync(join(runA(), 'steps', `${e.pretrain}.json`), 'utf8')) as PretrainRecord;
        expect(p.records).toBe(pre.length);
      }
    } finally {
      catalog.close();
    }
  });

  it('the table gives both arms, their delta with a paired interval, and the baselines, per target, method and protocol', () => {
    const rows = summary.lodo!;
    expect(rows.map((r) => `${r.target}/${r.protocol}`).sort()).toEqual(['Fjord Registry/finetune', 'Fjord Registry/probe', 'Meridian/finetune', 'Meridian/probe']);
    for (const r of rows) {
      expect(r.auroc_without).not.toBeNull();
      expect(r.auroc_with).not.toBeNull();
      expect(r.delta_auroc_points).toBeCloseTo((r.auroc_with! - r.auroc_without!) * 100, 9);
      // The paired delta is recomputed from the 6-digit predictions files: equal to rounding.
      expect(r.delta!.auroc_points!).toBeCloseTo(r.delta_auroc_points!, 3);
      expect(r.delta!.ci_auroc_points!.low).toBeLessThanOrEqual(r.delta!.auroc_points! + 1e-9);
      expect(r.delta!.ci_auroc_points!.high).toBeGreaterThanOrEqual(r.delta!.auroc_points! - 1e-9);
      expect(r.delta!.replicates).toBeGreaterThan(0);
      expect(r.scratch_auroc).not.toBeNull();
      expect(r.random_probe_auroc).not.toBeNull();
      expect(r.vs_baseline!.baseline).toBe(r.protocol === 'probe' ? 'random_probe' : 'scratch');
      const base = r.protocol === 'probe' ? r.random_probe_auroc! : r.scratch_auroc!;
      expect(r.vs_baseline!.auroc_points!).toBeCloseTo((r.auroc_without! - base) * 100, 3);
    }
    expect(summary.baselines!.map((b) => `${b.target}/${b.baseline}/${b.protocol}`).sort()).toEqual([
      'Fjord Registry/random_probe/probe',
      'Fjord Registry/scratch/finetune',
      'Meridian/random_probe/probe',
      'Meridian/scratch/finetune',
    ]);
  });

  it('baselines: random weights (frozen for the probe), the same records, thresholds on validation and metrics on test', () => {
    const catalog = Catalog.open(ws);
    const store = ShardStore.openReader(join(ws, 'store'));
    try {
      const all = steps<DownstreamRecord>(runA(), 'downstream');
      const bases = all.filter((r) => r.baseline !== null);
      expect(bases.length).toBe(4);
      for (const b of bases) {
        expect(b.pretrain).toBeNull();
        expect(b.pretrain_records).toBe(0);
        expect(b.mode).toBe(b.baseline === 'scratch' ? 'finetune' : 'probe');
        // Same train / val / test records as the pre-trained models on this target.
        const twin = all.find((r) => r.baseline === null && r.target === b.target && r.mode === b.mode)!;
        expect(snapshot(runA(), b.name)).toEqual(snapshot(runA(), twin.name));
        const ids = snapshot<{ val: number[]; test: number[] }>(runA(), b.name);
        const val = recordRefs(catalog, ids.val);
        const test = recordRefs(catalog, ids.test);
        // Thresholds re-chosen from the bundle's validation scores; test metrics re-scored with them.
        // To float32 rounding: the run scored validation and test records in one call, so its last
        // validation batch held other records, and ONNX Runtime's GEMM may split a batch of another
        // size differently (a last-bit difference seen once in CI).
        const thresholds = chooseThresholds(labelColumns(val), predict(b.bundle, val, store, 32)).map((t) => t.threshold);
        expect(b.thresholds.length).toBe(thresholds.length);
        b.thresholds.forEach((t, i) => expect(Math.abs(t - thresholds[i]), `threshold ${i}: ${t} vs ${thresholds[i]}`).toBeLessThan(1e-6));
        const scores = predict(b.bundle, test, store, 32);
        const e = evaluate({ classes: CLASSES.map((c) => c.abbreviation), labels: labelColumns(test), scores, thresholds, patients: test.map((r) => String(r.patient)) }, { replicates: 0 });
        expect(e.macro_auroc).toBe(b.evaluation.macro_auroc);
        expect(e.macro_f1).toBe(b.evaluation.macro_f1);
        expect(readPredictions(b.predictions).records).toEqual(ids.test);
        // The encoder is the seeded random initialisation: untouched by the probe, trained from scratch.
        const bundle = readBundle(b.bundle);
        expect(bundle.json.task).toBe(b.baseline === 'scratch' ? 'classifier' : 'probe');
        const fresh = createModel('resnet18_1d', { width: 0.0625, depth: 0.25, classes: 24, seed: 1 });
        try {
          const encoder = [...fresh.params.keys()].filter((k) => !fresh.headNames.includes(k));
          const same = encoder.every((k) => bundle.weights.get(k)!.values.every((v, i) => v === fresh.params.get(k)!.dataSync()[i]));
          expect(same).toBe(b.baseline === 'random_probe');
        } finally {
          fresh.dispose();
        }
      }
    } finally {
      store.close();
      catalog.close();
    }
  });

  it('robustness: every model (both arms, both protocols, baselines) scored at every corruption and strength', () => {
    const recs = steps<RobustnessRecord>(runA(), 'robustness');
    expect(recs.length).toBe(8 + 4);
    const settings = ['time_mask/200', 'lead_dropout/limb-only', 'lead_dropout/3', 'gaussian_noise/5', 'baseline_wander/0.5', 'mains/0.2'];
    for (const r of recs) {
      expect(r.points.map((p) => `${p.corruption}/${p.strength}`)).toEqual(settings);
      expect(r.rate_hz).toBe(100);
      const model = JSON.parse(readFileSync(join(runA(), 'steps', `${r.model}.json`), 'utf8')) as DownstreamRecord;
      expect(r.clean.macro_auroc).toBe(model.evaluation.macro_auroc);
      expect(r.points.every((p) => p.macro_auroc === null || (p.macro_auroc >= 0 && p.macro_auroc <= 1))).toBe(true);
    }
    // Corruption changes what the models see: not every point equals the clean value.
    expect(recs.some((r) => r.points.some((p) => p.macro_auroc !== r.clean.macro_auroc))).toBe(true);
    const curves = summary.robustness!;
    expect(curves.length).toBe(12 * 5); // 12 models x 5 corruption kinds
    const byMethod = summary.robustness_by_method!;
    expect(byMethod.length).toBe(6 * 5); // 4 pre-trained (arm x protocol) + 2 baselines, x 5 kinds
    expect(byMethod.every((c) => c.targets === 2)).toBe(true);
  });

  it('a robustness step stopped between settings keeps the finished ones and resumes with the same numbers', async () => {
    const catalog = Catalog.open(ws);
    const store = ShardStore.openReader(join(ws, 'store'));
    try {
      const rec = steps<RobustnessRecord>(runA(), 'robustness').find((r) => r.baseline === 'scratch')!;
      const model = JSON.parse(readFileSync(join(runA(), 'steps', `${rec.model}.json`), 'utf8')) as DownstreamRecord;
      const dir = join(ws, 'rob-resume');
      const args = { bundle: model.bundle, thresholds: model.thresholds, test: recordRefs(catalog, snapshot<{ test: number[] }>(runA(), model.name).test), corruptions: config.robustness.corruptions, seed: config.robustness.seed, bootstrap: 0, bootstrapSeed: 1, evalBatch: 32, checkpointDir: dir, chunkRecords: 1 };
      const stop = new AbortController();
      let batches = 0;
      const first = robustness('rob-test', args, { store, signal: stop.signal, onProgress: () => ++batches === 2 && stop.abort() });
      await expect(first).rejects.toBeInstanceOf(StepCancelled);
      const partial = JSON.parse(readFileSync(join(dir, 'points.json'), 'utf8')) as unknown[];
      expect(partial.length).toBe(2); // one setting per call here; stopped after the second
      const resumed = await robustness('rob-test', args, { store });
      expect(resumed).toEqual(rec.points);
    } finally {
      store.close();
      catalog.close();
    }
  });

  it('cancelled mid-run, resumed, it ends with the numbers of the uninterrupted run', async () => {
    const dir = join(ws, 'runs', 'b');
    const stop = new AbortController();
    const first = runExperiment({
      workspace: ws,
      runDir: dir,
      kind: 'lodo',
      config,
      signal: stop.signal,
      // Stop once the first robustness step is done: the next training step ends with a checkpoint.
      onProgress: (_f, message) => message.startsWith('rob-') && message.endsWith('done') && stop.abort(),
    });
    await expect(first).rejects.toBeInstanceOf(StepCancelled);
    const recorded = readdirSync(join(dir, 'steps')).length;
    expect(recorded).toBeGreaterThan(0);
    expect(recorded).toBeLessThan(summary.steps);
    const resumed = await runExperiment({ workspace: ws, runDir: dir, kind: 'lodo', config });
    expect(resumed.steps_reused).toBe(recorded);
    const strip = (s: ExperimentSummary) => ({ ...s, run_dir: '', seconds: 0, steps_reused: 0 });
    expect(strip(resumed)).toEqual(strip(summary));
    for (const f of readdirSync(join(runA(), 'predictions'))) expect(readFileSync(join(dir, 'predictions', f), 'utf8')).toBe(readFileSync(join(runA(), 'predictions', f), 'utf8'));
  }, 120_000);
});

describe('plans', () => {
  it('scaling: baselines on the pooled targets once per seed and backbone, no robustness unless asked', () => {
    const catalog = Catalog.open(ws);
    try {
      const plan = planExperiment(catalog, tinyPaperConfig({ scaling: { fractions: [0.5, 1] } }), 'scaling');
      const bases = plan.steps.filter((s): s is DownstreamStep => s.kind === 'downstream' && s.baseline !== null);
      expect(bases.map((b) => `${b.baseline}/${b.mode}/${b.target}`).sort()).toEqual(['random_probe/probe/null', 'scratch/finetune/null']);
      const evals = plan.steps.filter((s): s is DownstreamStep => s.kind === 'downstream' && s.baseline === null);
      for (const b of bases) expect([b.train, b.val, b.test]).toEqual([evals[0].train, evals[0].val, evals[0].test]);
      expect(plan.steps.some((s) => s.kind === 'robustness')).toBe(false);
      const withRobustness = planExperiment(catalog, tinyPaperConfig({ robustness: { experiments: ['scaling'], corruptions: [{ kind: 'mains', strengths: [0.1] }] } }), 'scaling');
      expect(withRobustness.steps.filter((s) => s.kind === 'robustness').length).toBe(2 + 2); // 2 fractions + 2 baselines
    } finally {
      catalog.close();
    }
  });
});

describe('config switches', () => {
  const base = { name: 'x', methods: [{ method: 'mae' }], pretrain: { steps: 1, batchSize: 2 } };
  it('baselines and robustness default on; a baseline without its budget is refused, naming the field', () => {
    const c = parseExperimentConfig({ ...base, downstream: { probe: { steps: 1, batchSize: 2 }, finetune: { steps: 1, batchSize: 2 } } });
    expect(c.baselines).toEqual({ scratch: true, randomProbe: true });
    expect(c.robustness.enabled).toBe(true);
    expect(c.robustness.corruptions.map((k) => k.kind)).toEqual(['time_mask', 'lead_dropout', 'gaussian_noise', 'baseline_wander', 'mains']);
    expect(() => parseExperimentConfig({ ...base, downstream: { probe: { steps: 1, batchSize: 2 } } })).toThrow(/baselines\.scratch/);
    expect(() => parseExperimentConfig({ ...base, downstream: { probe: { steps: 1, batchSize: 2 } }, baselines: { scratch: false }, robustness: { corruptions: [{ kind: 'time_mask', strengths: [0] }] } })).toThrow(/robustness\.corruptions\.0\.strengths/);
  });
});
