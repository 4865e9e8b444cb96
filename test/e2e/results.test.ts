// Results and jobs end to end in Debian's Chromium (browser mode) over a demo workspace with a tiny
// LODO run and a tiny scaling run made in this process: runs list, two runs side by side, the LODO
// heat map (one cell per center and method, AUROC/F1, intervals on hover), scaling curves with the
// saturation point, ROC/PR curves; then a job started from the new-job form shows progress, its
// live curves and log, and is cancelled. Screenshots in test-output/screenshots; timings printed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownstreamRecord } from '../../src/main/experiments/records.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { cancelJob, job, jobs } from '../../src/main/jobs/index.js';
import { writeSafeTensors } from '../../src/main/ml/safetensors.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { RUN, TARGETS, inspectConfig, modelWorkspace, type ModelWorkspace } from '../api/model-fixtures.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';

const SCALING_RUN = 'job-2';
let m: ModelWorkspace;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const timings: Record<string, number> = {};
const problems: string[] = [];

beforeAll(async () => {
  m = await modelWorkspace('e2e-results');
  addBaselines(join(m.workspace, 'runs', RUN, 'steps'));
  await runExperiment({ workspace: m.workspace, runDir: join(m.workspace, 'runs', SCALING_RUN), kind: 'scaling', config: { ...inspectConfig(), scaling: { ...inspectConfig().scaling, fractions: [0.5, 1] } } });
  await ensureRenderer();
  server = await startServer({ workspace: m.workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(m.root, 'chromium'), { width: 1600, height: 1100 }));
  page.setDefaultTimeout(60_000);
  collectPageProblems(page, problems);
  await page.goto(server.url);
}, 600_000);

afterAll(async () => {
  if (m) for (const j of jobs(m.workspace)) if (j.pid && (j.state === 'running' || j.state === 'queued')) process.kill(j.pid, 'SIGKILL');
  await browser?.close();
  await server?.close();
  if (m) rmSync(m.root, { recursive: true, force: true });
  console.log('results view timings (ms):', JSON.stringify(timings));
});

/**
 * The fixture's config leaves the baselines out for speed: a random-probe baseline per target and
 * backbone is written here from each w/o probe step, with known AUROC / F1 (no predictions file).
 */
function addBaselines(stepsDir: string): void {
  const runFile = join(stepsDir, '..', 'run.json');
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as { steps: string[] };
  const evals = readdirSync(stepsDir)
    .map((f) => JSON.parse(readFileSync(join(stepsDir, f), 'utf8')) as DownstreamRecord)
    .filter((r) => r.kind === 'downstream' && r.arm === 'without' && r.mode === 'probe');
  evals.forEach((r, i) => {
    const backbone = r.backbone ?? r.method.replace(/^[a-z]+-/, '');
    const name = `base-rprobe-${r.target!.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${backbone.replace(/[^a-z0-9.]+/gi, '-')}-s1`;
    const auroc = 0.5 + 0.0125 * i;
    const evaluation = { ...r.evaluation, macro_auroc: auroc, macro_f1: 0.125 + 0.01 * i, ci: { ...r.evaluation.ci, macro_auroc: { low: auroc - 0.0625, high: auroc + 0.0625 } } };
    writeFileSync(join(stepsDir, `${name}.json`), JSON.stringify({ ...r, name, method: `random_probe-${backbone}`, backbone, baseline: 'random_probe', arm: null, pretrain: null, evaluation }));
    run.steps.push(name);
  });
  writeFileSync(runFile, JSON.stringify(run));
}

const heat = `[data-testid=run-panel][data-run="${RUN}"] [data-testid=lodo-heatmap]`;

describe('results', () => {
  it('lists the runs; the LODO heat map has one cell per center and method, AUROC or F1, with intervals on hover', async () => {
    const t0 = Date.now();
    await page.click('[data-testid=nav-results]');
    await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(2);
    timings['runs list, click to rows (ms)'] = Date.now() - t0;
    timings['runs list, API call in the page (ms)'] = Number(await page.getAttribute('[data-testid=results-view]', 'data-list-ms'));
    // The newest run (scaling) is shown first; tick the LODO run too: side by side.
    const t1 = Date.now();
    await page.check(`[data-testid=run-row][data-run="${RUN}"] [data-testid=run-pick]`);
    await page.waitForSelector(heat);
    timings['LODO run panel (ms)'] = Date.now() - t1;
    expect(await page.locator('[data-testid=run-panel]').count()).toBe(2);
    const detail = await server.api.call('results.run', { run: RUN });
    const cells = page.locator(`${heat} [data-testid=heat-cell]`);
    const methods = new Set(detail.lodo.map((l) => l.method));
    expect(await cells.count()).toBe(TARGETS.length * methods.size);
    const keys = await cells.evaluateAll((tds) => tds.map((td) => `${td.getAttribute('data-center')}|${td.getAttribute('data-method')}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys)).toEqual(new Set(detail.lodo.map((l) => `${l.target}|${l.method}`)));
    const first = detail.lodo[0];
    const cell = page.locator(`${heat} [data-testid=heat-cell][data-center="${first.target}"][data-method="${first.method}"]`);
    expect(Number(await cell.getAttribute('data-value'))).toBe(first.aurocWithout);
    expect(await cell.getAttribute('title')).toContain(`95% CI ${first.ciAurocWithout!.low.toFixed(3)}–${first.ciAurocWithout!.high.toFixed(3)}`);
    // The baselines sit beside the methods: one column per baseline, its value and interval on hover,
    // and each method cell gives its difference to the baseline of its protocol.
    expect(detail.lodoBaselines.length).toBe(TARGETS.length * methods.size);
    const bases = page.locator(`${heat} [data-testid=heat-baseline]`);
    expect(await bases.count()).toBe(detail.lodoBaselines.length);
    expect(await page.locator(`${heat} [data-testid=heat-baseline-column]`).count()).toBe(new Set(detail.lodoBaselines.map((b) => b.method)).size);
    for (const b of detail.lodoBaselines) {
      const td = page.locator(`${heat} [data-testid=heat-baseline][data-center="${b.target}"][data-method="${b.method}"]`);
      expect(Number(await td.getAttribute('data-value'))).toBe(b.auroc);
      expect(await td.getAttribute('title')).toContain(`95% CI ${b.ciAuroc!.low.toFixed(3)}–${b.ciAuroc!.high.toFixed(3)}`);
    }
    const base = detail.lodoBaselines.find((b) => b.target === first.target && first.method.endsWith(b.method.replace(/^random_probe-/, '')))!;
    const vs = (first.aurocWithout! - base.auroc!) * 100;
    expect(first.vsBaselinePoints).toBeCloseTo(vs, 9);
    expect(await cell.getAttribute('title')).toContain(`vs random probe baseline (AUROC w/o − baseline): ${vs > 0 ? '+' : ''}${vs.toFixed(1)} points`);
    await page.locator(`[data-testid=run-panel][data-run="${RUN}"] [data-testid=heat-baselines]`).uncheck();
    await expect.poll(() => bases.count()).toBe(0);
    await page.locator(`[data-testid=run-panel][data-run="${RUN}"] [data-testid=heat-baselines]`).check();
    await page.locator(`[data-testid=run-panel][data-run="${RUN}"] [data-testid=heat-f1]`).check();
    await expect.poll(() => page.getAttribute(heat, 'data-metric')).toBe('f1');
    expect(Number(await cell.getAttribute('data-value'))).toBe(first.f1Without);
    await screenshot(page, 'results-lodo-and-scaling');
  }, 180_000);

  it('scaling curves mark the saturation point; ROC and PR curves are drawn for a step', async () => {
    const scaling = await server.api.call('results.run', { run: SCALING_RUN });
    const panel = `[data-testid=run-panel][data-run="${SCALING_RUN}"]`;
    await page.waitForSelector(`${panel} [data-testid=scaling-chart] .main-svg`);
    const sat = await page.$$eval(`${panel} [data-testid=saturation]`, (li) => li.map((l) => [l.getAttribute('data-method'), l.getAttribute('data-fraction')]));
    expect(sat).toEqual(scaling.scaling.map((c) => [c.method, c.saturationFraction === null ? '' : String(c.saturationFraction)]));
    const lodoPanel = `[data-testid=run-panel][data-run="${RUN}"]`;
    await page.waitForSelector(`${lodoPanel} [data-testid=roc-chart] .main-svg`);
    await page.waitForSelector(`${lodoPanel} [data-testid=pr-chart] .main-svg`);
    timings['ROC chart draw (ms)'] = Number(await page.getAttribute(`${lodoPanel} [data-testid=roc-chart]`, 'data-draw-ms'));
    timings['scaling chart draw (ms)'] = Number(await page.getAttribute(`${panel} [data-testid=scaling-chart]`, 'data-draw-ms'));
    await screenshot(page, 'results-curves');
  }, 120_000);

  it('the cluster run panel draws one loss point per metrics line of a training folder', async () => {
    // A cluster run folder as `openecg cluster plan` + the trainer leave it: lines in the exact
    // format of train.py's `metric` (test/api/cluster-results.test.ts reads a real trainer run), the
    // last one still being written, and a checkpoint beside them.
    const run = join(m.root, 'cluster-run');
    const out = join(run, 'out', 'pretrain-m0');
    mkdirSync(out, { recursive: true });
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ step: i + 1, total_steps: 10, epoch: (i + 1) / 5, loss: 4 - 0.25 * i, lr: 0.001, seconds: 0.5, samples_per_s: 64.0, world_size: 2 }).replace(/([:,])/g, '$1 '));
    writeFileSync(join(out, 'metrics.jsonl'), `${lines.join('\n')}\n{"step": 8, "total_st`);
    writeSafeTensors(join(out, 'checkpoint.safetensors'), new Map([['encoder.w', { shape: [2], values: new Float32Array([1, 2]) }]]));
    await page.click('[data-testid=nav-results]');
    await page.fill('[data-testid=cluster-folder]', run);
    await page.click('[data-testid=cluster-open]');
    const training = '[data-testid=cluster-training][data-name="pretrain-m0"]';
    await page.waitForSelector(`${training} [data-testid=cluster-loss] .main-svg`);
    const complete = readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n').slice(0, -1).length;
    expect(complete).toBe(7);
    const points = await page.$eval(`${training} [data-testid=cluster-loss]`, (el) => (el as unknown as { data: { x: number[]; y: number[] }[] }).data[0].y.length);
    expect(points).toBe(complete);
    expect(await page.textContent(`${training} [data-testid=cluster-last]`)).toContain('step 7/10');
    expect(await page.textContent(`${training} [data-testid=cluster-import-hint]`)).toContain(`openecg bundle import --torch ${out}/checkpoint.safetensors --out <bundle>`);
    await screenshot(page, 'results-cluster-run');
    // A folder without metrics.jsonl: the API's message in the panel. The browser logs the 404 of
    // that call; it is the expected one and no page error, so it is taken off the problem list.
    const before = problems.length;
    await page.fill('[data-testid=cluster-folder]', m.root);
    await page.click('[data-testid=cluster-open]');
    await expect.poll(() => page.textContent('[data-testid=cluster-error]')).toMatch(/no metrics\.jsonl in/);
    await expect.poll(() => problems.slice(before)).toEqual(['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);
    problems.splice(before);
  }, 60_000);
});

describe('jobs from the UI', () => {
  it('a job started from the new-job form shows progress, live curves and log, and is cancelled', async () => {
    await page.click('[data-testid=nav-jobs]');
    await page.waitForSelector('[data-testid=new-job-form]');
    await page.selectOption('[data-testid=new-job-kind]', 'experiment');
    await page.selectOption('[data-testid=new-job-experiment]', 'lodo');
    await page.selectOption('[data-testid=new-job-config]', 'small-cpu');
    const t0 = Date.now();
    await page.click('[data-testid=new-job-start]');
    await page.waitForSelector('[data-testid=job-row]');
    const id = (await page.getAttribute('[data-testid=job-row]', 'data-job'))!;
    const row = `[data-testid=job-row][data-job="${id}"]`;
    await expect.poll(() => page.getAttribute(row, 'data-state'), { timeout: 120_000, interval: 250 }).toBe('running');
    await expect.poll(async () => Number(await page.getAttribute(row, 'data-progress')), { timeout: 240_000, interval: 500 }).toBeGreaterThan(0);
    timings['job submit to first progress (ms)'] = Date.now() - t0;
    expect(jobs(m.workspace).find((j) => j.id === Number(id))!.kind).toBe('experiment');
    await page.click(`${row} [data-testid=job-log-toggle]`);
    await expect.poll(() => page.textContent('[data-testid=job-log]')).toContain('start experiment');
    await screenshot(page, 'jobs-progress');
    // Its live curves in the results view while it runs.
    await page.click('[data-testid=nav-results]');
    await expect.poll(() => page.getAttribute(`[data-testid=live-curves][data-job="${id}"]`, 'data-state'), { timeout: 30_000 }).toBe('running');
    await screenshot(page, 'results-live');
    await page.click('[data-testid=nav-jobs]');
    await page.click(`${row} [data-testid=job-cancel]`);
    await expect.poll(() => page.getAttribute(row, 'data-state'), { timeout: 120_000, interval: 250 }).toBe('cancelled');
    expect(await page.locator(`${row} [data-testid=job-resume]`).count()).toBe(1);
    await screenshot(page, 'jobs-cancelled-resumable');
  }, 420_000);

  it("the form's engine for a pre-training job reaches the job (none for an evaluation)", async () => {
    await page.selectOption('[data-testid=new-job-kind]', 'evaluate');
    expect(await page.locator('[data-testid=new-job-engine]').count()).toBe(0);
    await page.selectOption('[data-testid=new-job-kind]', 'pretrain');
    await page.selectOption('[data-testid=new-job-config]', 'small-cpu');
    await page.selectOption('[data-testid=new-job-engine]', 'torch');
    const before = new Set(jobs(m.workspace).map((j) => j.id));
    await page.click('[data-testid=new-job-start]');
    await expect.poll(() => jobs(m.workspace).filter((j) => !before.has(j.id)).length, { timeout: 30_000, interval: 100 }).toBe(1);
    const started = jobs(m.workspace).find((j) => !before.has(j.id))!;
    expect(started.kind).toBe('pretrain');
    expect((started.params as { engine?: string }).engine).toBe('torch');
    // Only what the form sent matters here (test/engines/torch-single-jobs.test.ts trains on torch):
    // stopped once its process has claimed it (a process started for a queued job claims it even
    // when it was cancelled meanwhile), so nothing runs on after this test.
    await expect.poll(() => job(m.workspace, started.id).state, { timeout: 60_000, interval: 50 }).not.toBe('queued');
    if (job(m.workspace, started.id).state === 'running') cancelJob(m.workspace, started.id);
    await expect.poll(() => page.getAttribute(`[data-testid=job-row][data-job="${started.id}"]`, 'data-state'), { timeout: 120_000, interval: 250 }).toMatch(/^(cancelled|failed)$/);
  }, 180_000);

  it('ran without page errors', () => {
    expect(problems).toEqual([]);
  });
});
