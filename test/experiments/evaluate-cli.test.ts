// `openecg evaluate` and `openecg report --evaluation` as real processes (the built CLI, its job in
// its own process) on a small demo workspace with a tiny randomly initialised classifier: the metrics
// in evaluation.json, overall and per center, equal `openecg score` on the CSV files it wrote; the
// thresholds rules; the report opens in Chromium without a single network request; every bad
// argument is a one-line error with exit status 2.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { parseCsv } from '../../src/main/datasets/csv.js';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { saveBenchClassifier } from '../../src/main/ml/bench.js';
import { parseExperimentConfig } from '../../src/main/experiments/config.js';
import { averagePrecision } from '../../src/main/experiments/metrics/index.js';
import { prCurve } from '../../src/main/experiments/report/index.js';
import { StepCancelled } from '../../src/main/experiments/steps.js';
import { runEvaluateJob } from '../../src/main/jobs/evaluate.js';
import { submitJob } from '../../src/main/jobs/index.js';
import { launchChromium } from '../e2e/browser.js';
import { cli, type Run } from './cli-run.js';
import { demoWorkspace } from './fixtures.js';

const ABBR = CLASSES.map((c) => c.abbreviation);
const BOOTSTRAP = '40';
/** The seed the evaluation's bootstrap uses: the small-cpu config's first seed. */
const SEED = '1';


let root: string;
let ws: string;
let bundle: string;

beforeAll(async () => {
  ws = await demoWorkspace('eval-cli');
  root = join(ws, '..', `${ws.split('/').pop()}-files`);
  mkdirSync(root, { recursive: true });
  await chooseBackend({ prefer: 'auto' });
  bundle = join(root, 'classifier');
  saveBenchClassifier(bundle, 'resnet18_1d', { width: 0.0625, depth: 0.25, seed: 3 });
}, 300_000);
afterAll(() => {
  for (const d of [ws, root]) if (d) rmSync(d, { recursive: true, force: true });
});

/** The metric fields `openecg score --json` and evaluation.json share. */
const METRICS = ['records', 'patients', 'classes_averaged', 'classes_absent', 'macro_auroc', 'macro_auprc', 'macro_f1', 'macro_sensitivity', 'macro_specificity', 'challenge_metric', 'per_class', 'ci'] as const;
const pick = (e: Record<string, unknown>) => Object.fromEntries(METRICS.map((k) => [k, e[k]]));

/** A CSV file of `dir` restricted to the records `keep` (rows keyed by their first column). */
function subset(dir: string, file: string, keep: Set<string>, to: string): string {
  const [head, ...rows] = parseCsv(readFileSync(join(dir, file), 'utf8'));
  const path = join(to, file);
  writeFileSync(path, [head.join(','), ...rows.filter((r) => keep.has(r[0])).map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

async function score(labels: string, scores: string, thresholds: string, patients: string): Promise<Record<string, unknown>> {
  const r = await cli(['score', '--labels', labels, '--scores', scores, '--thresholds', thresholds, '--patients', patients, '--bootstrap', BOOTSTRAP, '--seed', SEED, '--json']);
  expect(r.status, r.err).toBe(0);
  return JSON.parse(r.out) as Record<string, unknown>;
}

describe('openecg evaluate', () => {
  let out: string;
  let summary: { out: string; job: number; engine: { engine: string; provider: string }; overall: { records: number; macro_auroc: number | null }; per_center: { center: string; records: number }[] };
  let doc: { evaluation: Record<string, unknown>; per_center: { center: string; records: number; evaluation: Record<string, unknown> | null }[]; engine: { engine: string; provider: string }; thresholds: { source: string; values: Record<string, number> }; short_records: number; records: number };

  beforeAll(async () => {
    out = join(root, 'eval-test');
    const r = await cli(['evaluate', '--bundle', bundle, '--workspace', ws, '--out', out, '--bootstrap', BOOTSTRAP, '--json']);
    expect(r.status, r.err).toBe(0);
    summary = JSON.parse(r.out);
    doc = JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'));
    // Progress on stderr: a bar with the rate and ETA.
    expect(r.err).toMatch(/evaluate \[[#.]+\] +\d+% \d+\/\d+ +\d+ rec\/s +ETA/);
  }, 300_000);

  it('runs as a job of the workspace and writes every file into --out', async () => {
    for (const f of ['evaluation.json', 'predictions.csv', 'labels.csv', 'thresholds.csv', 'patients.csv', 'records.csv', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(summary.out).toBe(out);
    const jobs = JSON.parse((await cli(['jobs', '--workspace', ws, '--json'])).out) as { jobs: { id: number; kind: string; state: string }[] };
    expect(jobs.jobs.find((j) => j.id === summary.job)).toMatchObject({ kind: 'evaluate', state: 'done' });
    // The engine and its provider are named (ONNX Runtime's CPU provider here; a GPU one where present).
    expect(doc.engine.engine).toMatch(/^(ort|tfjs)$/);
    expect(doc.engine.provider.length).toBeGreaterThan(0);
    expect(summary.engine).toEqual(expect.objectContaining({ engine: doc.engine.engine, provider: doc.engine.provider }));
    expect(summary.overall.records).toBe(doc.records);
    expect(doc.thresholds.source).toBe('validation');
  });

  it('gives the metrics `openecg score` computes on the files it wrote, overall and per center', async () => {
    const file = (f: string) => join(out, f);
    const overall = await score(file('labels.csv'), file('predictions.csv'), file('thresholds.csv'), file('patients.csv'));
    expect(pick(doc.evaluation)).toEqual(pick(overall));
    expect((doc.evaluation.ci as { replicates: number }).replicates).toBe(Number(BOOTSTRAP));
    const [head, ...rows] = parseCsv(readFileSync(file('records.csv'), 'utf8'));
    const centerAt = head.indexOf('center');
    const scored = doc.per_center.filter((c) => c.evaluation);
    expect(scored.length).toBeGreaterThan(1);
    expect(doc.per_center.reduce((s, c) => s + c.records, 0)).toBe(doc.records);
    for (const c of scored) {
      const keep = new Set(rows.filter((r) => r[centerAt] === c.center).map((r) => r[0]));
      expect(keep.size).toBe(c.records);
      const dir = join(root, `center-${c.records}-${keep.size}-${c.center.replace(/\W/g, '')}`);
      mkdirSync(dir, { recursive: true });
      const mine = await score(subset(out, 'labels.csv', keep, dir), subset(out, 'predictions.csv', keep, dir), file('thresholds.csv'), subset(out, 'patients.csv', keep, dir));
      expect(pick(c.evaluation!), c.center).toEqual(pick(mine));
    }
  }, 300_000);

  it('writes a report --evaluation renders again, which opens in Chromium without any network request', async () => {
    const html = join(root, 'again.html');
    const r = await cli(['report', '--evaluation', out, '--out', html]);
    expect(r.status, r.err).toBe(0);
    const page = readFileSync(html, 'utf8');
    // The job's own report and the one rendered from the folder are the same page.
    expect(page).toBe(readFileSync(join(out, 'report.html'), 'utf8'));
    const { browser, page: tab } = await launchChromium(join(root, 'profile'));
    const url = `file://${html}`;
    const requests: string[] = [];
    try {
      await tab.route('**/*', (route) => {
        const u = route.request().url();
        if (u === url) return route.continue();
        requests.push(u);
        return route.abort();
      });
      await tab.goto(url);
      const sections = await tab.$$eval('section', (s) => s.map((x) => x.id));
      expect(sections).toEqual(expect.arrayContaining(['summary', 'centers', 'classes', 'roc', 'pr', 'thresholds', 'records', 'provenance']));
      expect(await tab.$$eval('div.plot.pr', (d) => d.length)).toBe(doc.evaluation.classes_averaged);
      expect(await tab.textContent('[data-testid=short-records]')).toBe(String(doc.short_records));
      expect(await tab.textContent('[data-testid=engine]')).toContain(doc.engine.provider);
      const thresholds = await tab.$$eval('tr[data-threshold]', (rows) => rows.map((tr) => Number(tr.querySelectorAll('td')[1].textContent)));
      expect(thresholds).toEqual(ABBR.map((c) => Number(doc.thresholds.values[c].toPrecision(6))));
      const centers = await tab.$$eval('#centers tr[data-center]', (rows) => rows.map((tr) => tr.getAttribute('data-center')));
      expect(centers).toEqual(doc.per_center.map((c) => c.center));
    } finally {
      await browser.close();
    }
    expect(requests).toEqual([]);
  }, 120_000);

  it('scores every record at given thresholds: a file as openecg score reads, or 0.5 by default for --split all', async () => {
    const given = ABBR.map((_, i) => (0.2 + i * 0.025).toFixed(3));
    const file = join(root, 'my-thresholds.csv');
    writeFileSync(file, `${ABBR.join(',')}\n${given.join(',')}\n`);
    const outFile = join(root, 'eval-file');
    const a = await cli(['evaluate', '--bundle', bundle, '--workspace', ws, '--out', outFile, '--split', 'all', '--thresholds', file, '--center', 'Meridian', '--center', 'Fjord Registry', '--bootstrap', '0', '--json']);
    expect(a.status, a.err).toBe(0);
    const docFile = JSON.parse(readFileSync(join(outFile, 'evaluation.json'), 'utf8'));
    expect(docFile.thresholds).toMatchObject({ source: 'file', file });
    expect(readFileSync(join(outFile, 'thresholds.csv'), 'utf8')).toBe(`${ABBR.join(',')}\n${given.map(Number).join(',')}\n`);
    expect(docFile.centers).toEqual(['Fjord Registry', 'Meridian']);
    // --split all: every stored record of the two centers.
    const records = parseCsv(readFileSync(join(outFile, 'records.csv'), 'utf8')).slice(1);
    const summaryAll = JSON.parse((await cli(['catalog', '--workspace', ws, '--json'])).out) as { centers: { center: string; records: number }[] };
    expect(records.length).toBe(summaryAll.centers.filter((c) => c.center === 'Meridian' || c.center === 'Fjord Registry').reduce((s, c) => s + c.records, 0));

    const outHalf = join(root, 'eval-half');
    const b = await cli(['evaluate', '--bundle', bundle, '--workspace', ws, '--out', outHalf, '--split', 'all', '--center', 'Meridian', '--bootstrap', '0']);
    expect(b.status, b.err).toBe(0);
    expect(readFileSync(join(outHalf, 'thresholds.csv'), 'utf8').split('\n')[1].split(',').map(Number)).toEqual(ABBR.map(() => 0.5));
    expect(b.out).toMatch(/thresholds fixed-0\.5/);
  }, 300_000);
});

describe('openecg evaluate: bad arguments', () => {
  it('refuses each with a one-line error and exit status 2', async () => {
    const out = join(root, 'never');
    const noVal = join(root, 'no-val.json');
    const smallCpu = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/experiments/small-cpu.json', import.meta.url)), 'utf8'));
    writeFileSync(noVal, JSON.stringify({ ...smallCpu, name: 'no-val', split: { seed: 0, ratios: { train: 0.9, val: 0, test: 0.1 } } }));
    const badThresholds = join(root, 'bad-thresholds.csv');
    writeFileSync(badThresholds, 'AF,IAVB\n0.5,0.5\n');
    const base = ['--bundle', bundle, '--workspace', ws, '--out', out];
    const cases: [string[], RegExp][] = [
      [['--workspace', ws, '--out', out], /--bundle is required/],
      [['--bundle', bundle, '--workspace', ws], /--out is required/],
      [['--bundle', bundle, '--out', out], /--workspace is required/],
      [['--bundle', root, '--workspace', ws, '--out', out], /no model bundle at/],
      [['--bundle', bundle, '--workspace', join(root, 'nowhere'), '--out', out], /no catalog in/],
      [[...base, '--split', 'train'], /--split must be test or all, got 'train'/],
      [[...base, '--thresholds', '1.5'], /fixed threshold must lie in \[0, 1\]/],
      [[...base, '--thresholds', join(root, 'missing.csv')], /--thresholds: no file/],
      [[...base, '--thresholds', badThresholds], /--thresholds: .*lacks columns/],
      [[...base, '--center', 'Atlantis'], /no center 'Atlantis' in the workspace/],
      [[...base, '--config', noVal], /no validation records; give --thresholds FILE or a fixed value/],
      [[...base, '--bootstrap', 'many'], /--bootstrap must be a non-negative integer/],
      [[...base, '--batch', '0'], /--batch must be at least 1/],
      [[...base, '--frobnicate'], /Unknown option '--frobnicate'/],
      [[...base, '--out', bundle + '/bundle.json'], /is a file, not a folder/],
    ];
    // Three processes at a time: the machine is shared.
    const runs: Run[] = [];
    for (let i = 0; i < cases.length; i += 3) runs.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => cli(['evaluate', ...args])))));
    runs.forEach((r, i) => {
      const first = r.err.split('\n')[0];
      expect(r.status, `${cases[i][0].join(' ')}: ${r.err}`).toBe(2);
      expect(first, cases[i][0].join(' ')).toMatch(/^openecg evaluate: /);
      expect(first).toMatch(cases[i][1]);
      expect(r.out).toBe('');
    });
    expect(existsSync(out)).toBe(false);
    // report --evaluation on a folder that is not an evaluation.
    const rep = await cli(['report', '--evaluation', root, '--out', join(root, 'x.html')]);
    expect(rep.status).toBe(2);
    expect(rep.err.split('\n')[0]).toMatch(/^openecg report: .* has no evaluation\.json/);
  }, 300_000);
});

describe('the evaluate job: cancel and resume', () => {
  it('stops at the next batch with the scored logits kept, and a resumed run continues from them to the same result', async () => {
    const smallCpu = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/experiments/small-cpu.json', import.meta.url)), 'utf8'));
    const config = parseExperimentConfig({ ...smallCpu, evaluation: { bootstrap: 10, batchSize: 4 } });
    const params = { config, bundle, part: 'all' as const, centers: ['Fjord Registry', 'Meridian'], thresholds: 0.5 };
    const id = submitJob(ws, 'evaluate', params);
    const run = async (stopAt: number | null) => {
      const controller = new AbortController();
      const seen: number[] = [];
      const progress = (_: number, message?: string) => {
        const m = /^scored (\d+)\//.exec(message ?? '');
        if (!m) return;
        seen.push(Number(m[1]));
        if (stopAt !== null && Number(m[1]) >= stopAt) controller.abort();
      };
      const result = await runEvaluateJob(params, { workspace: ws, id, signal: controller.signal, progress, log: () => {} });
      return { result: result as { evaluation: { macro_auroc: number | null; records: number } }, seen };
    };
    await expect(run(12)).rejects.toBeInstanceOf(StepCancelled);
    const resumed = await run(null);
    // The resumed run's first batch ends past the 12 records kept by the stopped one.
    expect(resumed.seen[0]).toBe(16);
    const fresh = await runEvaluateJob({ ...params, thresholds: 0.5 }, { workspace: ws, id: submitJob(ws, 'evaluate', params), signal: new AbortController().signal, progress: () => {}, log: () => {} });
    expect(resumed.result.evaluation).toEqual((fresh as { evaluation: unknown }).evaluation);
  }, 300_000);
});

describe('the evaluate job: engines', () => {
  it('falls back to TensorFlow.js when ONNX Runtime cannot start, and says so', async () => {
    const smallCpu = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/experiments/small-cpu.json', import.meta.url)), 'utf8'));
    const params = { config: parseExperimentConfig({ ...smallCpu, backend: 'wasm', evaluation: { bootstrap: 0, batchSize: 16 } }), bundle, part: 'all' as const, centers: ['Meridian'], thresholds: 0.5 };
    const before = process.env.OPENECG_ORT;
    process.env.OPENECG_ORT = 'off';
    try {
      const r = (await runEvaluateJob(params, { workspace: ws, id: submitJob(ws, 'evaluate', params), signal: new AbortController().signal, progress: () => {}, log: () => {} })) as { engine: { engine: string; reason: string }; evaluation: { records: number } };
      expect(r.engine.engine).toBe('tfjs');
      expect(r.engine.reason).toMatch(/^ONNX Runtime unavailable \(.*OPENECG_ORT=off.*\); TensorFlow\.js fallback$/);
      expect(r.evaluation.records).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.OPENECG_ORT;
      else process.env.OPENECG_ORT = before;
    }
  }, 300_000);
});

describe('precision-recall curves', () => {
  it('end at recall 1 and have the metrics\' average precision as their area, ties moved together', () => {
    const labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1];
    const scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.4, 0.3, 0.3, 0.3];
    const c = prCurve(labels, scores)!;
    expect(c.ap).toBeCloseTo(averagePrecision(labels, scores)!, 12);
    expect(c.points.at(-1)).toEqual([1, 0.5]);
    // 0.8 is a tie of one positive and one negative: one point at recall 2/5, precision 2/3.
    expect(c.points).toContainEqual([2 / 5, 2 / 3]);
    expect(prCurve([1, 1], [0.2, 0.3])).toBeNull();
  });
});
