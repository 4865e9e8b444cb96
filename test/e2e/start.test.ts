// `npm start` as a new user meets it, in browser mode (asked for, so the test holds where Electron is
// installed too): the demo workspace is made in the data folder; Chromium then shows the demo records.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoManifest } from '../../src/main/demo/manifest.js';
import { REPO, launchChromium } from './browser.js';

const home = mkdtempSync(join(tmpdir(), 'openecg-start-'));
let child: ChildProcess | undefined;
let browser: BrowserContext | undefined;
afterAll(async () => {
  await browser?.close();
  child?.kill('SIGTERM');
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

describe('openecg start (npm start)', () => {
  it('makes the demo workspace on first start and shows its records in the browser', async () => {
    child = spawn(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'start', '--records', '80', '--browser', '--no-browser'], {
      env: { ...process.env, OPENECG_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url, log } = await started(child);
    expect(log).toMatch(/browser mode asked for \(--browser\): starting browser mode/);
    const manifest = JSON.parse(readFileSync(join(home, 'demo-workspace', 'demo-corpus', 'demo-manifest.json'), 'utf8')) as DemoManifest;
    const launched = await launchChromium(join(home, 'chromium'));
    browser = launched.browser;
    const page = launched.page;
    await page.goto(url);
    await page.waitForSelector('[data-testid=total-records]');
    expect(Number(await page.textContent('[data-testid=total-records]'))).toBe(manifest.records.length);
    const centers = await page.locator('[data-testid=center-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-center')));
    expect(centers.sort()).toEqual(manifest.centers.filter((c) => c.count > 0).map((c) => c.name).sort());
    expect(await page.locator('[data-testid=record-row]').count()).toBeGreaterThan(0);
  }, 180_000);
});
