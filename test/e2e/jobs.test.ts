// Model training offered as a job in the UI: start an experiment on the demo workspace, watch it
// run in its own process, cancel it. Debian's Chromium in browser mode, as the other e2e tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { makeDemoWorkspace } from '../../src/main/workspace/demo.js';
import { jobs } from '../../src/main/jobs/index.js';
import { RENDERER, ensureRenderer, launchChromium, screenshot } from './browser.js';

const root = mkdtempSync(join(tmpdir(), 'openecg-e2e-jobs-'));
const workspace = join(root, 'ws');
let server: RunningServer;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  await makeDemoWorkspace({ workspace, records: 150, workers: 0 });
  server = await startServer({ workspace, rendererDir: RENDERER });
  await ensureRenderer();
  ({ browser, page } = await launchChromium(join(root, 'chromium'), { width: 1400, height: 900 }));
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  for (const j of jobs(workspace)) if (j.pid && (j.state === 'running' || j.state === 'queued')) process.kill(j.pid, 'SIGKILL');
  await browser?.close();
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const stateOf = (id: string) => page.getAttribute(`[data-testid=job-row][data-job="${id}"]`, 'data-state');

describe('training as a job', () => {
  it('starts the small LODO experiment from the UI, shows it running, and cancels it', async () => {
    await page.goto(server.url);
    await page.click('[data-testid=nav-jobs]');
    await page.waitForSelector('[data-testid=jobs-view]');
    expect(await page.locator('[data-testid=job-config] option').allTextContents()).toContain('small-cpu');
    await page.click('[data-testid=job-start-lodo]');
    await page.waitForSelector('[data-testid=job-row]');
    const id = (await page.getAttribute('[data-testid=job-row]', 'data-job'))!;
    await expect.poll(() => stateOf(id), { timeout: 60_000, interval: 250 }).toBe('running');
    // The job is a process of its own, recorded in the workspace's catalog.
    const row = jobs(workspace).find((j) => j.id === Number(id))!;
    expect(row.kind).toBe('experiment');
    expect(row.pid).not.toBe(process.pid);
    await screenshot(page, 'jobs-running');
    await page.click(`[data-testid=job-row][data-job="${id}"] [data-testid=job-cancel]`);
    await expect.poll(() => stateOf(id), { timeout: 60_000, interval: 250 }).toBe('cancelled');
    expect(jobs(workspace).find((j) => j.id === Number(id))!.state).toBe('cancelled');
    await screenshot(page, 'jobs-cancelled');
  }, 180_000);
});
