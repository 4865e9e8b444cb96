// End to end in Debian's Chromium, browser mode: an import started from the UI (progress to 100 %,
// the broken record's error row, the catalog growing), a 30-minute INCART-like record (12 leads,
// 257 Hz, 462600 samples, WFDB format 16) read and drawn window by window, and zoom/pan of the page.
// Needs /usr/bin/chromium and the build (npm run build: the import child and workers run from dist).
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/main/import/pipeline.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { CINC, tempDir, writePulseRecord, type PulseRecord } from '../api/fixtures.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';


/** INCART's shape: 30 min 6 s at 257 Hz; a beat every 0.8 s (75 bpm), every fifth one taller. */
const LONG: PulseRecord = {
  name: 'I0001',
  fs: 257,
  length: 462600,
  pulses: Array.from({ length: Math.floor(462600 / 205.6) - 1 }, (_, i) => ({ at: Math.round(100 + i * 205.6), mv: i % 5 === 0 ? 1.6 : 1.0 })),
  offsetMv: 0.05,
};

let root: string;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const times: Record<string, number> = {};
const problems: string[] = [];

async function shot(name: string): Promise<void> {
  await screenshot(page, name);
}

const text = async (id: string) => (await page.textContent(`[data-testid=${id}]`)) ?? '';
const geometry = async () => JSON.parse((await page.getAttribute('[data-testid=paper]', 'data-geometry'))!) as { pxPerMm: number; zoom: number };

/**
 * Waits until the window status starts with `prefix`. Polled from the test side: a string predicate
 * would be evaluated with eval in the page, which the workstation's CSP (rightly) refuses.
 */
async function windowStarts(prefix: string, timeout = 10_000): Promise<void> {
  await expect.poll(async () => ((await page.textContent('[data-testid=window]')) ?? '').startsWith(prefix), { timeout, interval: 10 }).toBe(true);
}

/** Milliseconds from `act` until the status shows the window starting at `startS`, and the canvas's own draw time. */
async function moveTo(act: () => Promise<void>, startS: number): Promise<{ ms: number; drawMs: number }> {
  const t0 = Date.now();
  await act();
  await windowStarts(`${startS.toFixed(1)}–`);
  const ms = Date.now() - t0;
  return { ms, drawMs: Number(await page.getAttribute('[data-testid=ecg-canvas]', 'data-draw-ms')) };
}

beforeAll(async () => {
  root = tempDir('e2e-import');
  const workspace = join(root, 'ws');
  // The workspace starts with the long record alone.
  writePulseRecord(join(root, 'long'), LONG);
  await runImport({ folder: join(root, 'long'), workspace, dataset: 'wfdb', workers: 0 });
  // The folder the UI imports: three real CPSC records and one broken header.
  const cpsc = join(root, 'incoming', 'cpsc');
  mkdirSync(cpsc, { recursive: true });
  for (const name of ['A0001', 'A0002', 'A0003']) for (const ext of ['.hea', '.mat']) copyFileSync(join(CINC, 'cpsc', name + ext), join(cpsc, name + ext));
  writeFileSync(join(cpsc, 'A9999.hea'), 'A9999 12 500 5000\nA9999.mat 16+24 1000/mV 16 0 28 -1716 0 I\n');
  await ensureRenderer();
  server = await startServer({ workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(root, 'chromium')));
  page.setDefaultTimeout(15_000);
  // The one 400 is the test's own import of a missing folder (the browser logs every failed request).
  collectPageProblems(page, problems, /status of 400/);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  if (Object.keys(times).length) console.log('30 min record (ms):', JSON.stringify(times));
});

describe('import from the UI', () => {
  it('imports a folder: progress to 100 %, the broken record listed, the catalog grows', async () => {
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=total-records]');
    expect(await text('total-records')).toBe('1');
    await page.click('[data-testid=import-panel] summary');
    // Browser mode has no native dialog: the path is typed.
    expect(await page.locator('[data-testid=import-choose]').count()).toBe(0);
    await page.fill('[data-testid=import-folder]', join(root, 'incoming'));
    await page.selectOption('[data-testid=import-dataset]', 'cinc');
    await page.click('[data-testid=import-start]');
    await page.waitForSelector('[data-testid=import-job][data-state=done]', { timeout: 30_000 });
    expect(await page.getAttribute('[data-testid=import-progress]', 'data-percent')).toBe('100');
    expect(await text('import-percent')).toBe('100%');
    expect(await text('import-failed')).toBe('1 failed');
    const rows = page.locator('[data-testid=import-error-row]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-key')).toBe('cpsc/A9999');
    expect(await rows.first().textContent()).toContain('12 signals declared but only 1');
    await expect.poll(() => text('total-records')).toBe('4');
    await shot('import');
    // A folder that does not exist is refused at once, with the reason.
    await page.fill('[data-testid=import-folder]', join(root, 'nowhere'));
    await page.click('[data-testid=import-start]');
    await expect.poll(() => text('import-error')).toContain('no folder');
  });
});

describe('the 30-minute record', () => {
  it('opens in 10 s windows and pans through the 30 min with the buttons and the slider', async () => {
    await page.fill('[data-testid=filter-text]', LONG.name);
    await page.click('[data-testid=filter-apply]');
    const t0 = Date.now();
    await page.click(`[data-testid=record-row][data-record="${LONG.name}"]`);
    await windowStarts('0.0–10.0 s of 1800.0 s');
    times.open = Date.now() - t0;
    times.drawFirst = Number(await page.getAttribute('[data-testid=ecg-canvas]', 'data-draw-ms'));
    expect(await text('viewer-status')).toContain('257 Hz raw');
    expect(await text('heart-rate')).toBe('75 bpm');
    await shot('viewer-30min');

    const next = await moveTo(() => page.click('[data-testid=window-next]'), 10);
    times.nextWindow = next.ms;
    times.drawNext = next.drawMs;
    const middle = await moveTo(() => page.locator('input[type=range]').fill('900'), 900);
    times.sliderTo15min = middle.ms;
    times.drawMiddle = middle.drawMs;
    expect(await text('window')).toBe('900.0–910.0 s of 1800.0 s');
    const end = await moveTo(() => page.locator('input[type=range]').fill('1790'), 1790);
    times.sliderToEnd = end.ms;
    expect(await text('window')).toBe('1790.0–1800.0 s of 1800.0 s');
    expect(await page.isDisabled('[data-testid=window-next]')).toBe(true);
    for (const ms of [times.drawFirst, times.drawNext, times.drawMiddle]) expect(ms).toBeLessThan(300);
    for (const ms of [times.open, times.nextWindow, times.sliderTo15min, times.sliderToEnd]) expect(ms).toBeLessThan(3000);
  });

  it('zooms the page around the pointer (wheel, buttons) with the grid in mm, and pans by dragging', async () => {
    const fit = await geometry();
    expect(fit.zoom).toBe(1);
    expect(await text('zoom-level')).toBe('100%');
    await page.click('[data-testid=zoom-in]');
    const zoomed = await geometry();
    expect(zoomed.zoom).toBeCloseTo(1.25, 6);
    expect(zoomed.pxPerMm).toBeCloseTo(fit.pxPerMm * 1.25, 6);
    expect(await text('zoom-level')).toBe('125%');
    // The grid follows the zoom: the canvas is drawn at the new px per mm, so 5 mm stays 5 mm of paper.
    const width = await page.$eval('[data-testid=ecg-canvas]', (c) => (c as unknown as { clientWidth: number }).clientWidth);
    const paperMm = (await page.$eval('[data-testid=paper]', (p) => (p as unknown as { clientWidth: number }).clientWidth)) / zoomed.pxPerMm;
    expect(width / zoomed.pxPerMm).toBeCloseTo(paperMm, 1);

    // Wheel over a point: zoom in around it (the paper point under the pointer stays put).
    const box = (await page.locator('[data-testid=paper-scroll]').boundingBox())!;
    const px = box.x + box.width * 0.75;
    const py = box.y + 100;
    const before = await page.$eval('[data-testid=paper-scroll]', (s) => ({ left: s.scrollLeft, top: s.scrollTop }));
    await page.mouse.move(px, py);
    await page.mouse.wheel(0, -100);
    await expect.poll(async () => (await geometry()).zoom).toBeCloseTo(1.5625, 6);
    const after = await page.$eval('[data-testid=paper-scroll]', (s) => ({ left: s.scrollLeft, top: s.scrollTop }));
    const k = 1.5625 / 1.25;
    expect(after.left).toBeCloseTo((before.left + (px - box.x)) * k - (px - box.x), -1);
    await shot('viewer-zoomed');

    // Drag left by 200 px: the page scrolls 200 px right, and no caliper point is set.
    await page.mouse.move(box.x + 600, box.y + 150);
    await page.mouse.down();
    await page.mouse.move(box.x + 500, box.y + 150, { steps: 4 });
    await page.mouse.move(box.x + 400, box.y + 150, { steps: 4 });
    await page.mouse.up();
    const dragged = await page.$eval('[data-testid=paper-scroll]', (s) => s.scrollLeft);
    expect(dragged - after.left).toBeCloseTo(200, -1);
    expect(await text('calipers')).toContain('click two points');
    await page.click('[data-testid=zoom-fit]');
    expect((await geometry()).zoom).toBe(1);
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
