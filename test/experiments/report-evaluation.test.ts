// The evaluation job's HTML report: a classifier of the tiny LODO run (test/api/model-fixtures.ts)
// scored by the evaluate job in this process on a held-out center's test split; the page must
// give the job result's per-class and per-center values with their intervals, ROC curves whose
// areas are the per-class AUROCs, the bundle's provenance and the engine that ran.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationResults } from '../../src/main/api/evaluation-results.js';
import type { Evaluation, PresentClass } from '../../src/main/experiments/metrics/index.js';
import type { DownstreamRecord } from '../../src/main/experiments/records.js';
import { runEvaluateJob } from '../../src/main/jobs/evaluate.js';
import { jobDir, submitJob } from '../../src/main/jobs/index.js';
import { inspectConfig, modelWorkspace, RUN, TARGETS, type ModelWorkspace } from '../api/model-fixtures.js';

interface Result {
  evaluation: Evaluation;
  per_center: { center: string; records: number; evaluation: Evaluation | null }[];
  report: string;
  engine: { engine: string; provider: string; reason: string } | null;
}

let m: ModelWorkspace;
let id: number;
let bundle: string;
let result: Result;
let page: string;

beforeAll(async () => {
  m = await modelWorkspace('eval-report');
  const dir = join(m.workspace, 'runs', RUN);
  const names = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).steps as string[];
  const step = names.map((n) => JSON.parse(readFileSync(join(dir, 'steps', `${n}.json`), 'utf8'))).find((s) => s.kind === 'downstream' && s.target === TARGETS[0]) as DownstreamRecord & { bundle: string };
  bundle = step.bundle;
  const params = { config: inspectConfig(), bundle, centers: TARGETS };
  id = submitJob(m.workspace, 'evaluate', params);
  result = (await runEvaluateJob(params, { workspace: m.workspace, id, signal: new AbortController().signal, progress: () => {}, log: () => {} })) as Result;
  page = readFileSync(join(jobDir(m.workspace, id), 'report.html'), 'utf8');
}, 600_000);
afterAll(() => {
  if (m) rmSync(m.root, { recursive: true, force: true });
});

const section = (sid: string) => new RegExp(`<section id="${sid}">([\\s\\S]*?)</section>`).exec(page)![1];
const text = (s: string) => s.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
const withCi = (v: number, ci: { low: number; high: number } | null | undefined) => `${v.toFixed(3)}${ci ? ` [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : ''}`;

describe('the evaluation report', () => {
  it('is written beside the predictions, self-contained, and found by results.evaluation', () => {
    expect(result.report).toBe(join(jobDir(m.workspace, id), 'report.html'));
    expect(existsSync(join(jobDir(m.workspace, id), 'predictions.csv'))).toBe(true);
    expect(evaluationResults(m.workspace, id).report).toBe(result.report);
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`default-src 'none'`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
  });

  it('gives the per-class values of the job result with their intervals', () => {
    const body = section('classes');
    const present = Object.entries(result.evaluation.per_class).filter(([, c]) => c.present) as [string, PresentClass][];
    expect(present.length).toBe(result.evaluation.classes_averaged);
    expect(present.length).toBeGreaterThan(0);
    for (const [abbreviation, c] of present) {
      const row = text(new RegExp(`<tr data-class="${abbreviation}">([\\s\\S]*?)</tr>`).exec(body)![1]);
      expect(row).toBe(`${abbreviation} ${c.positives} ${c.negatives} ${withCi(c.auroc, c.ci?.auroc)} ${withCi(c.auprc, c.ci?.auprc)} ${withCi(c.f1, c.ci?.f1)} ${c.sensitivity.toFixed(3)} ${c.specificity.toFixed(3)} ${c.threshold.toFixed(3)}`);
    }
    expect(body.match(/<tr data-class=/g)!.length).toBe(Object.keys(result.evaluation.per_class).length);
  });

  it('gives each center its macro values and intervals', () => {
    const body = section('centers');
    expect(result.per_center.map((c) => c.center)).toEqual(TARGETS);
    for (const c of result.per_center) {
      const row = text(new RegExp(`<tr data-center="${c.center}">([\\s\\S]*?)</tr>`).exec(body)![1]);
      const e = c.evaluation!;
      // Short (zero-padded) records scored: counted by every evaluation the job makes.
      expect(e.short_records).toBeTypeOf('number');
      expect(row.startsWith(`${c.center} ${c.records} ${e.patients} ${e.short_records} ${withCi(e.macro_auroc!, e.ci?.macro_auroc)}`)).toBe(true);
      expect(row).toContain(withCi(e.macro_f1!, e.ci?.macro_f1));
    }
    expect(result.evaluation.ci?.macro_auroc).toBeTruthy();
  });

  it('draws one ROC plot per present class whose overall area is the class AUROC', () => {
    const body = section('roc');
    for (const [abbreviation, c] of Object.entries(result.evaluation.per_class)) {
      const plot = new RegExp(`<div class="plot roc" data-class="${abbreviation}">([\\s\\S]*?)</ul></div>`).exec(body);
      if (!c.present) {
        expect(plot).toBeNull();
        continue;
      }
      const auc = /data-series="all \(AUC ([0-9.]+), (\d+)\+ \/ (\d+)−\)"/.exec(plot![1])!;
      expect(auc[1]).toBe(c.auroc.toFixed(3));
      expect([Number(auc[2]), Number(auc[3])]).toEqual([c.positives, c.negatives]);
      // Two centers: each adds its own dashed curve where the class has both labels there.
      const own = result.per_center.filter((pc) => pc.evaluation?.per_class[abbreviation]?.present).length;
      expect(plot![1].match(/<g class="series"/g)!.length).toBe(1 + own);
    }
  });

  it("states the bundle's provenance and the engine that scored the records", () => {
    const manifest = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8'));
    const body = section('provenance');
    expect(body).toContain(`<td data-key="code version">${manifest.provenance.code_version}</td>`);
    expect(body).toContain(`<td data-key="weights sha256">${manifest.weights.sha256}</td>`);
    expect(body).toContain(`<td data-key="architecture">${manifest.architecture.name}</td>`);
    expect(['ort', 'tfjs']).toContain(result.engine!.engine);
    expect(section('summary')).toContain(`<span data-testid="engine">${result.engine!.engine} (${result.engine!.provider})</span>`);
    expect(section('summary')).toContain(bundle);
  });
});
