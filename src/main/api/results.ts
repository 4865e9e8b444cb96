// The results methods: experiment runs (results.runs, results.run with the LODO table and scaling
// curves rebuilt from the step records by the experiments' own tables.ts), one step's ROC and PR
// curves (results.curves) and a job's loss curves while it runs (results.live).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type ApiParsedInput, type Curves, type LiveCurves, type RunDetail, type RunSummary, type StepSummary } from '../../shared/api.js';
import type { Catalog } from '../catalog/index.js';
import type { DownstreamRecord, StepRecord } from '../experiments/records.js';
import { baselineTable, lodoTable, scalingCurves, type LodoRow } from '../experiments/tables.js';
import { experimentRunDir, job, jobCheckpoints, jobs, type JobRow } from '../jobs/index.js';
import { describeTrainingEngine } from '../experiments/engines/info.js';
import { rocPr } from './curves.js';
import { downstreamStep, readPredictions, readRunJson, readSteps, recordFacts, runDir, runNames } from './run-files.js';

const jobOfRun = (run: string) => (/^job-(\d+)$/.exec(run) ? Number(run.slice(4)) : null);

function summaryOf(workspace: string, run: string, rows: Map<number, JobRow>): RunSummary {
  const r = readRunJson(workspace, run);
  const id = jobOfRun(run);
  const done = readSteps(workspace, run).length;
  return {
    run,
    job: id,
    kind: r.kind,
    configName: String(r.config?.name ?? ''),
    state: (id !== null ? rows.get(id)?.state : undefined) ?? 'unknown',
    stepsDone: done,
    stepsTotal: r.steps?.length ?? done,
    createdAt: r.created_at ?? '',
    backend: r.backend?.name ?? '',
    engine: r.engine ? describeTrainingEngine(r.engine) : 'tfjs',
  };
}

export function listRuns(workspace: string): { runs: RunSummary[] } {
  const rows = new Map(jobs(workspace).map((j) => [j.id, j]));
  return { runs: runNames(workspace).map((r) => summaryOf(workspace, r, rows)) };
}

function stepSummary(rec: StepRecord): StepSummary {
  const d = rec.kind === 'downstream' ? rec : null;
  const bundle = rec.kind === 'pretrain' || rec.kind === 'downstream' ? rec.bundle : '';
  const ci = d?.evaluation.ci;
  return {
    name: rec.name,
    kind: rec.kind,
    method: rec.method,
    mode: d?.mode ?? null,
    target: d?.target ?? null,
    arm: d?.arm ?? null,
    fraction: rec.fraction,
    pool: rec.kind === 'pretrain' ? rec.pool : null,
    macroAuroc: d?.evaluation.macro_auroc ?? null,
    macroF1: d?.evaluation.macro_f1 ?? null,
    ciAuroc: ci?.macro_auroc ? { low: ci.macro_auroc.low, high: ci.macro_auroc.high } : null,
    ciF1: ci?.macro_f1 ? { low: ci.macro_f1.low, high: ci.macro_f1.high } : null,
    testRecords: d?.test_records ?? 0,
    seconds: rec.seconds,
    bundle,
  };
}

/** summary.json's LODO rows (paired intervals), once the run has finished; none before. */
function summaryLodo(workspace: string, run: string): Partial<LodoRow>[] {
  const file = join(runDir(workspace, run), 'summary.json');
  if (!existsSync(file)) return [];
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { lodo?: unknown };
    return Array.isArray(doc.lodo) ? (doc.lodo as Partial<LodoRow>[]) : [];
  } catch {
    return []; // a damaged summary: the view shows the point values without intervals
  }
}

const range = (r: { low: number; high: number } | null | undefined) => (r ? { low: r.low, high: r.high } : null);

export function runDetail(workspace: string, run: string): RunDetail {
  const r = readRunJson(workspace, run);
  const rows = new Map(jobs(workspace).map((j) => [j.id, j]));
  const steps = readSteps(workspace, run, r.steps ?? []);
  const evals = steps.filter((s): s is DownstreamRecord => s.kind === 'downstream');
  const byTarget = new Map(evals.filter((e) => e.arm === 'without').map((e) => [`${e.target}\u0000${e.method}\u0000${e.mode}`, e]));
  const pairedRows = r.kind === 'lodo' ? summaryLodo(workspace, run) : [];
  const tolerance = Number((r.config as { scaling?: { saturationPoints?: number } }).scaling?.saturationPoints ?? 1);
  return {
    ...summaryOf(workspace, run, rows),
    config: r.config,
    centers: r.centers ?? [],
    targets: r.targets ?? [],
    skippedTargets: r.skipped_targets ?? [],
    steps: steps.map(stepSummary),
    lodo:
      r.kind === 'lodo'
        ? lodoTable(evals).map((l) => {
            const f1 = byTarget.get(`${l.target}\u0000${l.method}\u0000${l.protocol}`)?.evaluation.ci?.macro_f1 ?? null;
            const paired = pairedRows.find((x) => x.target === l.target && x.method === l.method && x.protocol === l.protocol);
            const base = l.protocol === 'finetune' ? l.scratch_auroc : l.random_probe_auroc;
            return {
              target: l.target,
              method: l.method,
              protocol: l.protocol,
              aurocWithout: l.auroc_without,
              f1Without: l.f1_without,
              aurocWith: l.auroc_with,
              f1With: l.f1_with,
              deltaAurocPoints: l.delta_auroc_points,
              ciAurocWithout: l.ci_without,
              ciF1Without: f1 ? { low: f1.low, high: f1.high } : null,
              ciDeltaAurocPoints: range(paired?.delta?.ci_auroc_points),
              vsBaselinePoints: paired?.vs_baseline?.auroc_points ?? (base !== null && l.auroc_without !== null ? (l.auroc_without - base) * 100 : null),
              ciVsBaselinePoints: range(paired?.vs_baseline?.ci_auroc_points),
              testRecords: l.test_records,
            };
          })
        : [],
    lodoBaselines:
      r.kind === 'lodo'
        ? baselineTable(evals)
            .filter((b) => b.target !== null)
            .map((b) => ({ target: b.target!, baseline: b.baseline, method: b.method, protocol: b.protocol, auroc: b.auroc, f1: b.f1, ciAuroc: range(b.ci), testRecords: b.test_records }))
        : [],
    scaling:
      r.kind === 'scaling'
        ? scalingCurves(evals, tolerance).map((c) => ({
            method: c.method,
            protocol: c.protocol,
            points: c.points.map((p) => ({ fraction: p.fraction, pretrainRecords: p.pretrain_records, macroAuroc: p.macro_auroc, macroF1: p.macro_f1 })),
            saturationFraction: c.saturation_fraction,
            tolerancePoints: c.tolerance_points,
          }))
        : [],
  };
}

export function stepCurves(workspace: string, catalog: Catalog, input: ApiParsedInput<'results.curves'>): Curves {
  const rec = downstreamStep(workspace, input.run, input.step);
  const preds = readPredictions(workspace, input.run, rec);
  const facts = recordFacts(catalog, preds.ids);
  const c = input.classIndex;
  const labels = Uint8Array.from(preds.ids, (id) => ((facts.get(id)?.classes ?? 0) >>> c) & 1);
  const scores = preds.scores[c];
  const curve = rocPr(scores, labels);
  const threshold = rec.thresholds[c] ?? 0.5;
  let tp = 0;
  let fp = 0;
  labels.forEach((y, i) => {
    if (scores[i] < threshold) return;
    if (y) tp++;
    else fp++;
  });
  const P = curve.positives;
  const N = curve.negatives;
  return {
    run: input.run,
    step: input.step,
    classIndex: c,
    positives: P,
    negatives: N,
    roc: { fpr: curve.fpr, tpr: curve.tpr },
    pr: { recall: curve.recall, precision: curve.precision },
    auroc: curve.auroc,
    auprc: curve.auprc,
    threshold,
    operating: P && N ? { fpr: fp / N, tpr: tp / P, precision: tp + fp ? tp / (tp + fp) : null } : null,
  };
}

function lossesIn(dir: string): (number | null)[] | null {
  const file = join(dir, 'losses.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as (number | null)[];
  } catch {
    return null; // being replaced right now: the next poll reads it
  }
}

/**
 * A job's loss curves: an experiment's finished steps (their records) and the steps with
 * checkpoints (losses.json, saved at each checkpoint); a single training job's own checkpoints.
 */
export function liveCurves(workspace: string, id: number): LiveCurves {
  let row: JobRow;
  try {
    row = job(workspace, id);
  } catch (err) {
    throw new ApiError('not-found', (err as Error).message);
  }
  const curves: LiveCurves['curves'] = [];
  const metrics: LiveCurves['metrics'] = [];
  if (row.kind === 'experiment') {
    const run = `job-${id}`;
    const dir = experimentRunDir(workspace, id);
    const order = existsSync(join(dir, 'run.json')) ? (readRunJson(workspace, run).steps ?? []) : [];
    const finished = new Map(readSteps(workspace, run, order).map((s) => [s.name, s]));
    for (const name of order) {
      const rec = finished.get(name);
      if (rec) {
        if (rec.kind === 'pretrain' || rec.kind === 'downstream') curves.push({ step: name, losses: rec.losses, running: false });
        if (rec.kind === 'downstream') metrics.push({ step: name, macroAuroc: rec.evaluation.macro_auroc, macroF1: rec.evaluation.macro_f1 });
        continue;
      }
      const losses = lossesIn(join(runDir(workspace, run), 'checkpoints', name));
      if (losses) curves.push({ step: name, losses, running: true });
    }
  } else {
    const losses = lossesIn(jobCheckpoints(workspace, id));
    if (losses) curves.push({ step: row.kind, losses, running: row.state === 'running' });
  }
  return { job: id, state: row.state, progress: row.progress, curves, metrics };
}
