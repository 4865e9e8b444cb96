// End to end in Debian's Chromium: `openecg serve` (in-process) over a workspace made by importing
// the real CinC samples and a generated record, driven with playwright-core. Needs /usr/bin/chromium
// (apt-get install chromium) and the built renderer (npx vite build; rebuilt here when stale).
import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { CALIPER_RECORD, makeWorkspace, tempDir } from '../api/fixtures.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';


let root: string;
let workspace: string;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const drawTimes: Record<string, number> = {};
/** Console errors and CSP violations the page reported. */
const problems: string[] = [];

/** A raw HTTP request with any Host/Origin we like (fetch will not send a foreign Host). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const count = (id: string) => page.locator(`[data-testid=${id}]`).count();

async function shot(name: string): Promise<void> {
  await screenshot(page, name);
}

async function openRecord(name: string): Promise<void> {
  await page.click('[data-testid=nav-catalog]');
  await page.fill('[data-testid=filter-text]', name);
  await page.click('[data-testid=filter-apply]');
  await page.click(`[data-testid=record-row][data-record="${name}"]`);
  await page.waitForSelector('[data-testid=record-name]');
  await expect.poll(() => page.textContent('[data-testid=record-name]')).toBe(name);
  await waitForDraw();
}

/** Waits until the canvas has been drawn with signals (the status shows the window). */
async function waitForDraw(): Promise<void> {
  await page.waitForSelector('[data-testid=window]');
  await page.waitForTimeout(50);
}

async function lastDrawMs(): Promise<number> {
  return Number(await page.getAttribute('[data-testid=ecg-canvas]', 'data-draw-ms'));
}

interface Geometry {
  pxPerMm: number;
  speed: number;
  segments: { lead: string; x: number; baseline: number; width: number; t0: number; t1: number }[];
}

beforeAll(async () => {
  root = tempDir('e2e');
  ({ workspace } = await makeWorkspace(root));
  await ensureRenderer();
  server = await startServer({ workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(root, 'chromium')));
  page.setDefaultTimeout(10_000);
  collectPageProblems(page, problems);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
  if (Object.keys(drawTimes).length) console.log('draw times (ms):', JSON.stringify(drawTimes));
});

describe('browser mode', () => {
  it('refuses requests without the token (401) and foreign Host or Origin (403)', async () => {
    const res = await page.goto(`http://127.0.0.1:${server.port}/`);
    expect(res?.status()).toBe(401);
    const host = `127.0.0.1:${server.port}`;
    const json = { 'Content-Type': 'application/json', Host: host };
    expect(await raw('/', { Host: host })).toBe(401);
    expect(await raw('/api/catalog.summary', json, 'POST', '{}')).toBe(401);
    expect(await raw('/api/catalog.summary', { ...json, 'X-OpenECG-Token': 'x'.repeat(43) }, 'POST', '{}')).toBe(401);
    expect(await raw('/api/catalog.summary', { ...json, 'X-OpenECG-Token': server.token }, 'POST', '{}')).toBe(200);
    expect(await raw(`/?token=${server.token}`, { Host: `evil.example:${server.port}` })).toBe(403);
    expect(await raw('/api/catalog.summary', { ...json, Host: 'evil.example', 'X-OpenECG-Token': server.token }, 'POST', '{}')).toBe(403);
    expect(await raw('/api/catalog.summary', { ...json, Origin: 'http://evil.example', 'X-OpenECG-Token': server.token }, 'POST', '{}')).toBe(403);
  });

  it('shows the same counts as the catalog', async () => {
    const res = await page.goto(server.url);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.waitForSelector('[data-testid=total-records]');
    await page.waitForSelector('[data-testid=class-chart] .main-svg');
    // The token left the address bar once the page had it.
    expect(page.url()).not.toContain('token=');
    const catalog = Catalog.open(workspace, { readonly: true });
    const summary = catalog.summary();
    catalog.close();
    expect(Number(await page.textContent('[data-testid=total-records]'))).toBe(summary.records);
    expect(Number(await page.textContent('[data-testid=total-patients]'))).toBe(summary.patients);
    const rows = await page.$$eval('[data-testid=center-row]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-center'), Number(tr.querySelector('[data-testid=center-records]')?.textContent), Number(tr.querySelector('[data-testid=center-patients]')?.textContent)]),
    );
    expect(rows).toEqual(summary.centers.map((c) => [c.center, c.records, c.patients]));
    // First page of the table, then keyset paging with the filter.
    expect(await page.$$eval('[data-testid=record-row]', (r) => r.length)).toBe(Math.min(50, summary.records));
    expect(await page.textContent('[data-testid=page-range]')).toBe(`1–50 of ${summary.records}`);
    await shot('catalog');
    await page.click('[data-testid=page-next]');
    await expect.poll(() => count('record-row')).toBe(summary.records - 50);
    await page.click('[data-testid=page-prev]');
    await expect.poll(() => page.textContent('[data-testid=page-range]')).toBe(`1–50 of ${summary.records}`);
    await page.selectOption('[data-testid=filter-center]', 'CPSC');
    await page.click('[data-testid=filter-apply]');
    await expect.poll(() => count('record-row')).toBe(summary.per_center.CPSC);
  });

  it('opens a record with the twelve lead labels, a grid and its labels, drawn fast', async () => {
    await openRecord('A0001');
    const labels = await page.$$eval('[data-testid=lead-label]', (els) => els.map((e) => e.textContent));
    expect(new Set(labels)).toEqual(new Set(STANDARD_LEADS));
    expect(labels).toHaveLength(13); // 3x4 + the lead II rhythm strip
    const geometry = JSON.parse((await page.getAttribute('[data-testid=paper]', 'data-geometry'))!) as Geometry;
    // The grid: a 5 mm line at the right edge region, away from traces, is dark pink; the middle of a 1 mm box is paper.
    const pixels = (await page.evaluate(`(() => {
      const c = document.querySelector('[data-testid=ecg-canvas]');
      const k = c.width / c.clientWidth;
      const ctx = c.getContext('2d');
      const mm = ${geometry.pxPerMm} * k;
      const at = (x, y) => Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data);
      return { major: at(Math.round(5 * mm), 0.5 * mm), minor: at(Math.round(6 * mm), 0.5 * mm), paper: at(6.5 * mm, 0.5 * mm) };
    })()`)) as { major: number[]; minor: number[]; paper: number[] };
    expect(pixels.paper.slice(0, 3)).toEqual([0xff, 0xfa, 0xf5]);
    expect(pixels.major[0]).toBeGreaterThan(pixels.major[1] + 60); // red over green: a pink-red line
    expect(pixels.minor[0]).toBeGreaterThan(pixels.minor[1] + 20);
    expect(pixels.major[1]).toBeLessThan(pixels.minor[1]); // major darker than minor
    expect(await page.textContent('[data-testid=record-center]')).toBe('CPSC');
    expect(await page.getAttribute('[data-testid=labels] li[data-code="59118001"]', 'title')).toBe('SNOMED-CT 59118001');
    expect(await page.textContent('[data-testid=heart-rate]')).toMatch(/^\d+ bpm$/);
    drawTimes['3x4 500 Hz 10 s'] = await lastDrawMs();
    await shot('viewer-3x4');
    await page.selectOption('[data-testid=layout]', '12x1');
    await expect.poll(() => count('lead-label')).toBe(12);
    drawTimes['12x1 500 Hz 10 s'] = await lastDrawMs();
    await shot('viewer-12x1');
    await page.selectOption('[data-testid=layout]', '6x2');
    // 6x2's second column starts at 5 s.
    await expect.poll(async () => (await page.getAttribute('[data-testid=paper]', 'data-geometry'))?.includes('"t0":5')).toBe(true);
    drawTimes['6x2 500 Hz 10 s'] = await lastDrawMs();
    for (const ms of Object.values(drawTimes)) expect(ms).toBeLessThan(300);
    await page.selectOption('[data-testid=layout]', '3x4');
  });

  it('shows filters when on, and the canonical store', async () => {
    await page.check('[data-testid=filter-baseline]');
    await page.selectOption('[data-testid=filter-lowpass]', '40');
    await expect.poll(() => page.textContent('[data-testid=filter-status]')).toBe('FILTERED: baseline 0.5 Hz, low-pass 40 Hz');
    await shot('viewer-filtered');
    await page.uncheck('[data-testid=filter-baseline]');
    await page.selectOption('[data-testid=filter-lowpass]', '0');
    await expect.poll(() => page.textContent('[data-testid=filter-status]')).toBe('unfiltered');
    await page.selectOption('[data-testid=source]', 'canonical');
    await expect.poll(() => page.textContent('[data-testid=viewer-status]')).toContain('100 Hz canonical store');
    await shot('viewer-canonical');
    await page.selectOption('[data-testid=source]', 'raw');
  });

  it('calipers read a known interval on a generated record within one sample', async () => {
    await openRecord(CALIPER_RECORD.name);
    const geometry = JSON.parse((await page.getAttribute('[data-testid=paper]', 'data-geometry'))!) as Geometry;
    const box = (await page.locator('[data-testid=paper]').boundingBox())!;
    const lead2 = geometry.segments.find((s) => s.lead === 'II' && s.t0 === 0 && s.t1 < 10)!;
    const fs = CALIPER_RECORD.fs;
    const [a, b] = CALIPER_RECORD.pulses;
    // Click half a millimetre off each peak, as a hand would.
    const xOf = (sample: number, offMm: number) => box.x + lead2.x + (sample / fs - lead2.t0) * geometry.speed * geometry.pxPerMm + offMm * geometry.pxPerMm;
    await page.mouse.click(xOf(a.at, 0.5), box.y + lead2.baseline - 10);
    await page.mouse.click(xOf(b.at, -0.5), box.y + lead2.baseline - 10);
    const reading = page.locator('[data-testid=caliper-reading]');
    const ms = Number(await reading.getAttribute('data-ms'));
    const mv = Number(await reading.getAttribute('data-mv'));
    const expected = ((b.at - a.at) * 1000) / fs;
    expect(Math.abs(ms - expected)).toBeLessThanOrEqual(1000 / fs);
    // Lead II carries the pulses scaled by 1 + 1/24 (fixtures.ts); 1 uV quantisation.
    expect(mv).toBeCloseTo((b.mv - a.mv) * (1 + 1 / 24), 2);
    expect(await reading.textContent()).toContain(`Δt ${expected.toFixed(1)} ms (75 bpm)`);
    await shot('viewer-calipers');

    // Without snapping the reading still lands within a pixel's time of the clicked spot.
    await page.uncheck('[data-testid=snap]');
    await page.mouse.click(xOf(a.at, 0), box.y + lead2.baseline);
    await page.mouse.click(xOf(b.at, 0), box.y + lead2.baseline);
    const plain = Number(await reading.getAttribute('data-ms'));
    const msPerPx = 1000 / (geometry.speed * geometry.pxPerMm);
    expect(Math.abs(plain - expected)).toBeLessThanOrEqual(2 * msPerPx + 1000 / fs);
  });

  it('ran without page errors or Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
