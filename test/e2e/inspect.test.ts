// Model inspection end to end in Debian's Chromium (browser mode) over a demo workspace with a tiny
// trained LODO run (test/api/model-fixtures.ts): the MAE reconstruction draws hidden and visible
// patches on all 12 leads for a center the model never saw, the predictions view lists the API's
// 24 probabilities with a saliency, the error review opens a record, and a local folder (the real
// CinC samples) is evaluated as a job. Screenshots in test-output/screenshots; timings printed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { jobs } from '../../src/main/jobs/index.js';
import { CINC } from '../api/fixtures.js';
import { RUN, TARGETS, modelWorkspace, type ModelWorkspace } from '../api/model-fixtures.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';

let m: ModelWorkspace;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const timings: Record<string, number> = {};
const problems: string[] = [];

beforeAll(async () => {
  m = await modelWorkspace('e2e-inspect');
  await ensureRenderer();
  server = await startServer({ workspace: m.workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(m.root, 'chromium'), { width: 1600, height: 1100 }));
  page.setDefaultTimeout(60_000);
  collectPageProblems(page, problems);
  await page.goto(server.url);
  await page.click('[data-testid=nav-inspect]');
}, 600_000);

afterAll(async () => {
  if (m) for (const j of jobs(m.workspace)) if (j.pid && (j.state === 'running' || j.state === 'queued')) process.kill(j.pid, 'SIGKILL');
  await browser?.close();
  await server?.close();
  if (m) rmSync(m.root, { recursive: true, force: true });
  console.log('inspection view timings (ms):', JSON.stringify(timings));
});

const firstOf = async (center: string) => (await server.api.call('catalog.query', { filter: { centers: [center] }, page: { limit: 1 } })).rows[0].id;
interface LeadStats {
  lead: string;
  hidden: number;
  visible: number;
  points: number;
}
const overlayStats = async () => JSON.parse((await page.getAttribute('[data-testid=overlay-canvas]', 'data-overlay')) ?? '[]') as LeadStats[];

describe('model inspection', () => {
  it('MAE reconstruction: hidden and visible patches on all 12 leads, for a center the model never saw', async () => {
    const heldOut = TARGETS[0];
    const { models } = await server.api.call('models.list', {});
    const mae = models.find((x) => x.task === 'pretrain-mae' && x.pool && !x.pool.includes(heldOut))!;
    const id = await firstOf(heldOut);
    await page.waitForSelector('[data-testid=reconstruction-view]');
    await page.selectOption('[data-testid=pick-center]', heldOut);
    await page.selectOption('[data-testid=pick-record]', String(id));
    await page.selectOption('[data-testid=mae-model-select]', mae.path);
    await expect.poll(() => page.getAttribute('[data-testid=center-in-pool]', 'data-in-pool'), { timeout: 60_000 }).toBe('false');
    await expect.poll(async () => (await overlayStats()).length).toBe(12);
    const stats = await overlayStats();
    expect(stats.map((s) => s.lead)).toEqual([...STANDARD_LEADS]);
    for (const s of stats) {
      expect(s.hidden).toBeGreaterThan(0);
      expect(s.visible).toBeGreaterThan(0);
      expect(s.points).toBeGreaterThan(0);
    }
    // The API's mask: a hidden patch of lead I is shaded blue-grey at the top of its band, a visible one is paper.
    const r = await server.api.call('inspect.reconstruct', { id, bundle: mae.path, seed: 1 });
    const geometry = JSON.parse((await page.getAttribute('[data-testid=overlay-paper]', 'data-geometry'))!) as { pxPerMm: number; speed: number; rowHeight: number; segments: { lead: string; x: number; baseline: number }[] };
    const seg = geometry.segments.find((s) => s.lead === 'I')!;
    const patchPx = (p: number) => seg.x + ((p + 0.5) * r.patchSamples * geometry.speed * geometry.pxPerMm) / r.fs;
    const top = seg.baseline - geometry.rowHeight * 0.55 * geometry.pxPerMm;
    const hidden = r.mask.indexOf(1);
    const visible = r.mask.indexOf(0);
    const pixel = (x: number, y: number) =>
      page.evaluate(`(() => { const c = document.querySelector('[data-testid=overlay-canvas]'); const k = c.width / c.clientWidth; return Array.from(c.getContext('2d').getImageData(Math.round(${x} * k), Math.round(${y} * k), 1, 1).data); })()`) as Promise<number[]>;
    const shaded = await pixel(patchPx(hidden), top);
    const plain = await pixel(patchPx(visible), top);
    expect(shaded[2]).toBeGreaterThan(shaded[0]); // blue over red: the hidden-patch shade
    expect(plain[0]).toBeGreaterThanOrEqual(plain[2]); // paper (or its pink grid)
    expect(await page.locator('[data-testid=lead-error]').count()).toBe(12);
    await page.waitForSelector('[data-testid=patch-error-chart] .main-svg');
    timings['reconstruction API (ms)'] = Number(await page.getAttribute('[data-testid=recon-timing]', 'data-api-ms'));
    await expect.poll(() => page.getAttribute('[data-testid=recon-timing]', 'data-draw-ms')).not.toBe('');
    timings['reconstruction draw (ms)'] = Number(await page.getAttribute('[data-testid=recon-timing]', 'data-draw-ms'));
    await screenshot(page, 'inspect-reconstruction');
    // A new mask on demand.
    const before = await page.textContent('[data-testid=hidden-patches]');
    await page.click('[data-testid=new-mask]');
    await expect.poll(() => page.textContent('[data-testid=hidden-patches]')).not.toBe(before);
  }, 180_000);

  it('predictions: the 24 probabilities equal the API, with the run thresholds and a saliency', async () => {
    const run = await server.api.call('results.run', { run: RUN });
    const step = run.steps.find((s) => s.kind === 'downstream')!;
    const { models } = await server.api.call('models.list', {});
    const probe = models.find((x) => x.step === step.name)!;
    const id = await firstOf(TARGETS[1]);
    await page.click('[data-testid=tab-predictions]');
    await page.selectOption('[data-testid=pick-record]', String(id));
    await page.selectOption('[data-testid=classifier-model-select]', probe.path);
    await expect.poll(() => page.getAttribute('[data-testid=predictions-status]', 'data-record')).toBe(String(id));
    const api = await server.api.call('inspect.predict', { id, bundle: probe.path });
    const shown = await page.$$eval('[data-testid=probability-row]', (rows) => rows.map((r) => [r.getAttribute('data-class'), Number(r.getAttribute('data-probability'))]));
    // Same classes in the same order; the same probabilities (to float rounding, should a
    // multi-threaded engine sum in another order on the second call).
    expect(shown.map(([abbr]) => abbr)).toEqual(api.classes.map((c) => c.abbreviation));
    shown.forEach(([, p], i) => expect(p).toBeCloseTo(api.classes[i].probability, 6));
    expect(await page.textContent('[data-testid=thresholds-from]')).toContain("run step's");
    await page.selectOption('[data-testid=saliency-class]', String(CLASSES.findIndex((c) => c.abbreviation === 'NSR')));
    await expect.poll(() => page.getAttribute('[data-testid=saliency-status]', 'data-class'), { timeout: 120_000 }).toBe('NSR');
    await expect.poll(async () => (await overlayStats()).some((s) => s.hidden + s.visible > 0)).toBe(true);
    timings['predict + saliency API (ms)'] = Number(await page.getAttribute('[data-testid=predict-timing]', 'data-api-ms'));
    timings['predictions draw (ms)'] = Number(await page.getAttribute('[data-testid=predict-timing]', 'data-draw-ms'));
    await screenshot(page, 'inspect-predictions');
  }, 180_000);

  it('the error review opens a record in the predictions view with its saliency', async () => {
    const run = await server.api.call('results.run', { run: RUN });
    const step = run.steps.find((s) => s.kind === 'downstream')!;
    let pick: { cls: number; id: number } | null = null;
    for (const c of CLASSES) {
      const e = await server.api.call('inspect.errors', { run: RUN, step: step.name, classIndex: c.index });
      const first = e.falsePositives[0] ?? e.falseNegatives[0];
      if (first) {
        pick = { cls: c.index, id: first.id };
        break;
      }
    }
    expect(pick).not.toBeNull();
    await page.click('[data-testid=tab-errors]');
    await page.selectOption('[data-testid=errors-run]', RUN);
    await page.selectOption('[data-testid=errors-step]', step.name);
    await page.selectOption('[data-testid=errors-class]', String(pick!.cls));
    const t0 = Date.now();
    await page.waitForSelector(`[data-testid=error-item][data-record="${pick!.id}"]`);
    timings['error list (ms)'] = Date.now() - t0;
    await screenshot(page, 'inspect-errors');
    await page.click(`[data-testid=error-item][data-record="${pick!.id}"]`);
    await expect.poll(() => page.getAttribute('[data-testid=predictions-status]', 'data-record')).toBe(String(pick!.id));
    await expect.poll(() => page.getAttribute('[data-testid=saliency-status]', 'data-class'), { timeout: 120_000 }).toBe(CLASSES[pick!.cls].abbreviation);
    await screenshot(page, 'inspect-error-opened');
  }, 180_000);

  it('evaluates a model on a local folder as a job: per-class and per-center results', async () => {
    const run = await server.api.call('results.run', { run: RUN });
    const step = run.steps.find((s) => s.kind === 'downstream')!;
    const { models } = await server.api.call('models.list', {});
    const probe = models.find((x) => x.step === step.name)!;
    await page.click('[data-testid=tab-evaluate]');
    await page.selectOption('[data-testid=eval-model-select]', probe.path);
    await page.fill('[data-testid=eval-folder]', CINC);
    await page.fill('[data-testid=eval-center-name]', 'Local site');
    await page.click('[data-testid=eval-start]');
    await page.waitForSelector('[data-testid=eval-progress]');
    await expect.poll(() => page.getAttribute('[data-testid=eval-progress]', 'data-state'), { timeout: 240_000, interval: 500 }).toBe('done');
    await page.waitForSelector('[data-testid=eval-results]');
    const centers = await page.$$eval('[data-testid=eval-center]', (rows) => rows.map((r) => r.getAttribute('data-center')));
    expect(centers).toEqual(['all', 'Local site']);
    expect(await page.locator('[data-testid=eval-class]').count()).toBe(24);
    const job = jobs(m.workspace).find((j) => j.kind === 'evaluate')!;
    const res = await server.api.call('results.evaluation', { id: job.id });
    expect(res.part).toBe('all');
    expect(res.perCenter[0].records).toBe(res.overall!.records);
    await screenshot(page, 'inspect-evaluate');
  }, 300_000);

  it('ran without page errors', () => {
    expect(problems).toEqual([]);
  });
});
