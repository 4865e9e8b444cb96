// `npm start` as a new user meets it, in browser mode (asked for, so the test holds where Electron is
// installed too): the demo workspace is made in the data folder; Chromium then shows the demo records.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoManifest } from '../../src/main/demo/manifest.js';
import { jobs } from '../../src/main/jobs/index.js';
import { REPO, launchChromium } from './browser.js';

const home = mkdtempSync(join(tmpdir(), 'openecg-start-'));
let child: ChildProcess | undefined;
let browser: BrowserContext | undefined;
afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
  // The demo models job is detached (it outlives the app): stop it if the test ended first.
  const ws = join(home, 'demo-workspace');
  if (existsSync(join(ws, 'catalog.sqlite'))) for (const j of jobs(ws)) if (j.pid && (j.state === 'running' || j.state === 'queued')) process.kill(j.pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

function started(proc: ChildProcess): Promise<{ url: string; log: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = out.match(/open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/);
      if (m) resolve({ url: m[1], log: err + out });
    });
    proc.stderr!.on('data', (d) => (err += d));
    proc.on('exit', (code) => reject(new Error(`start exited ${code}: ${err.slice(-500)}`)));
  });
}

interface LeadStats {
  lead: string;
  hidden: number;
  visible: number;
}

describe('openecg start (npm start)', () => {
  it('first start: the demo workspace, the app open at once on Inspect, then a reconstruction and 24 predictions without a click', async () => {
    const t0 = performance.now();
    child = spawn(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'start', '--records', '80', '--browser', '--no-browser'], {
      env: { ...process.env, OPENECG_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url, log } = await started(child);
    expect(log).toMatch(/browser mode asked for \(--browser\): starting browser mode/);
    expect(log).toMatch(/demo models: training started in the background \(job \d+/);
    expect(url).toMatch(/#inspect$/);
    const launched = await launchChromium(join(home, 'chromium'), { width: 1600, height: 1100 });
    browser = launched.browser;
    const page = launched.page;
    await page.goto(url);
    // While the job runs, the view says so with its progress (the models are not there yet).
    await page.waitForSelector('[data-testid=demo-models-progress], [data-testid=reconstruction-status]', { timeout: 60_000 });
    // Then, with no click: the record and its reconstruction with hidden patches on all 12 leads, and the 24 probabilities.
    await page.waitForSelector('[data-testid=reconstruction-status]', { timeout: 300_000 });
    await expect.poll(async () => (JSON.parse((await page.getAttribute('[data-testid=overlay-canvas]', 'data-overlay')) ?? '[]') as LeadStats[]).length, { timeout: 60_000 }).toBe(12);
    const stats = JSON.parse((await page.getAttribute('[data-testid=overlay-canvas]', 'data-overlay'))!) as LeadStats[];
    for (const s of stats) expect(s.hidden).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=hidden-patches]')).toMatch(/^[1-9]\d*\/\d+ patches hidden/);
    await expect.poll(() => page.locator('[data-testid=record-predictions] [data-testid=probability-row]').count(), { timeout: 60_000 }).toBe(24);
    const probabilities = await page.locator('[data-testid=record-predictions] [data-testid=probability-row]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-probability'))));
    for (const p of probabilities) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    console.log(`first start: reconstruction and predictions on screen ${((performance.now() - t0) / 1000).toFixed(0)} s after \`openecg start\``);

    // The catalog holds the demo corpus.
    const manifest = JSON.parse(readFileSync(join(home, 'demo-workspace', 'demo-corpus', 'demo-manifest.json'), 'utf8')) as DemoManifest;
    await page.click('[data-testid=nav-catalog]');
    await page.waitForSelector('[data-testid=total-records]');
    expect(Number(await page.textContent('[data-testid=total-records]'))).toBe(manifest.records.length);
    const centers = await page.locator('[data-testid=center-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-center')));
    expect(centers.sort()).toEqual(manifest.centers.filter((c) => c.count > 0).map((c) => c.name).sort());
    expect(await page.locator('[data-testid=record-row]').count()).toBeGreaterThan(0);

    // Results: no run yet, so it says why, offers the runs, and shows the demo classifier's test scores.
    await page.click('[data-testid=nav-results]');
    await page.waitForSelector('[data-testid=results-empty]');
    await page.waitForSelector('[data-testid=demo-scores] [data-testid=eval-results]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=results-start-lodo]').count()).toBe(1);
  }, 480_000);
});
