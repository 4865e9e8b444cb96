// A foreign model in the inspection view, end to end in Debian's Chromium (browser mode): a
// torch.onnx model imported with its card into a workspace of real CinC records; the predictions
// view lists the card's outputs under their own names (from the API answer, not the 24 classes),
// offers them as saliency classes, and draws a saliency of one at the model's rate; the error review
// lists an evaluation of it and names its outputs from the API answer.
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main/cli.js';
import { Catalog, finishJob } from '../../src/main/catalog/index.js';
import { runEvaluateJob } from '../../src/main/jobs/evaluate.js';
import { submitJob } from '../../src/main/jobs/index.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { inspectConfig } from '../api/model-fixtures.js';
import { torchMissing } from '../cluster/python.js';
import { cardA, writeForeignModel } from '../ml/foreign-models.js';
import { foreignWorkspace } from '../ml/foreign-workspace.js';
import { tempDir } from '../temp.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';

let root: string;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
let bundle: string;
let job: number;
const problems: string[] = [];

beforeAll(async () => {
  if (torchMissing) return;
  root = tempDir('e2e-foreign');
  const workspace = await foreignWorkspace(root);
  const m = writeForeignModel(root, cardA(), 'a');
  expect(await main(['model', 'import', '--onnx', m.onnx, '--card', m.card, '--workspace', workspace])).toBe(0);
  bundle = join('models', m.parsed.name);
  // an evaluation of it, as the job runner leaves it
  const params = { config: inspectConfig(), bundle, centers: ['CPSC', 'Chapman-Shaoxing', 'Georgia', 'PTB-XL', 'PTB'], part: 'all' as const };
  job = submitJob(workspace, 'evaluate', params);
  const result = await runEvaluateJob(params, { workspace, id: job, signal: new AbortController().signal, progress: () => {}, log: () => {} });
  const catalog = Catalog.open(workspace);
  finishJob(catalog, job, { state: 'done', result });
  catalog.close();
  await ensureRenderer();
  server = await startServer({ workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(root, 'chromium'), { width: 1600, height: 1100 }));
  page.setDefaultTimeout(60_000);
  collectPageProblems(page, problems);
  await page.goto(server.url);
  await page.click('[data-testid=nav-inspect]');
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(torchMissing !== null)('a foreign model in the inspection view', () => {
  it("lists the card's outputs by name and draws a saliency of one", async () => {
    const id = (await server.api.call('catalog.query', { filter: { centers: ['CPSC'] }, page: { limit: 1 } })).rows[0].id;
    await page.click('[data-testid=tab-predictions]');
    await page.selectOption('[data-testid=pick-center]', 'CPSC');
    await page.selectOption('[data-testid=pick-record]', String(id));
    await page.selectOption('[data-testid=classifier-model-select]', bundle);
    await expect.poll(() => page.getAttribute('[data-testid=predictions-status]', 'data-record')).toBe(String(id));
    await expect.poll(() => page.getAttribute('[data-testid=foreign-input]', 'data-model')).toBe('resnet-a');
    const api = await server.api.call('inspect.predict', { id, bundle });
    const shown = await page.$$eval('[data-testid=probability-row]', (rows) => rows.map((r) => [r.getAttribute('data-class'), Number(r.getAttribute('data-probability')), r.getAttribute('data-outcome')]));
    expect(shown.map(([name]) => name)).toEqual(['AFIB', 'normal', 'myocardial infarction', 'ST elevation']);
    shown.forEach(([, p], i) => expect(p).toBeCloseTo(api.classes[i].probability, 6));
    expect(shown[3][2]).toMatch(/^(pos|neg)$/); // no labels for 'ST elevation': only the call
    expect(await page.textContent('[data-testid=thresholds-from]')).toContain("model card's");
    const options = await page.$$eval('[data-testid=saliency-class] option', (os) => os.map((o) => o.textContent));
    expect(options).toEqual(['none', 'AFIB', 'normal', 'myocardial infarction', 'ST elevation']);
    await page.selectOption('[data-testid=saliency-class]', '2');
    await expect.poll(() => page.getAttribute('[data-testid=saliency-status]', 'data-class'), { timeout: 120_000 }).toBe('myocardial infarction');
    await screenshot(page, 'inspect-foreign');
    expect(problems).toEqual([]);
  }, 240_000);

  it("reviews the errors of an evaluation per output, named by the card", async () => {
    await page.click('[data-testid=tab-errors]');
    await page.selectOption('[data-testid=errors-run]', `job:${job}`);
    await expect.poll(() => page.$$eval('[data-testid=errors-class] option', (os) => os.map((o) => o.textContent))).toEqual(['AFIB', 'normal', 'myocardial infarction', 'ST elevation']);
    await page.selectOption('[data-testid=errors-class]', '2');
    const api = await server.api.call('inspect.errors', { job, classIndex: 2 });
    await expect.poll(() => page.textContent('[data-testid=errors-summary]')).toContain(`TP ${api.counts.tp} · FP ${api.counts.fp} · FN ${api.counts.fn} · TN ${api.counts.tn}`);
    await page.selectOption('[data-testid=errors-class]', '3');
    await expect.poll(() => page.textContent('[data-testid=errors-note]')).toContain("'ST elevation' has no labels");
    await screenshot(page, 'inspect-foreign-errors');
    expect(problems).toEqual([]);
  }, 120_000);
});
