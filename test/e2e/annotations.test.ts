// WFDB annotations in the viewer, in Debian's Chromium: a LUDB-style record with a beat file and
// twelve per-lead delineation files shows every mark at its time (within one sample at the drawn
// scale), waves only on their lead, a rhythm band, per-annotator toggles, and calipers that snap
// to annotations. Positions come from the paper's data-annotations hook, expected ones from the
// fixture's own samples, never from the API's answer.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../src/main/import/pipeline.js';
import { startServer, type RunningServer } from '../../src/main/server/server.js';
import { BEATS, LUDB_ANNOTATORS, PEAKS, delineation, writeAnnotatedFolders } from '../datasets/annotation-fixtures.js';
import { tempDir } from '../api/fixtures.js';
import { RENDERER, collectPageProblems, ensureRenderer, launchChromium, screenshot } from './browser.js';

const FS = 500;
const LEAD_OF: Record<string, string> = { i: 'I', ii: 'II', iii: 'III', avr: 'aVR', avl: 'aVL', avf: 'aVF', v1: 'V1', v2: 'V2', v3: 'V3', v4: 'V4', v5: 'V5', v6: 'V6' };

interface Seg {
  lead: string;
  x: number;
  baseline: number;
  width: number;
  t0: number;
  t1: number;
}
interface Geometry {
  pxPerMm: number;
  speed: number;
  segments: Seg[];
}
interface Drawn {
  marks: { annotator: string; symbol: string; kind: string; lead: string; segment: number; sample: number; x: number }[];
  bands: { annotator: string; rhythm: string; lead: string; segment: number; x0: number; x1: number }[];
}

let root: string;
let server: RunningServer;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  root = tempDir('e2e-ann');
  const { ludb } = writeAnnotatedFolders(join(root, 'data'));
  const workspace = join(root, 'ws');
  await runImport({ folder: ludb, workspace, dataset: 'wfdb', workers: 0 });
  await ensureRenderer();
  server = await startServer({ workspace, rendererDir: RENDERER });
  ({ browser, page } = await launchChromium(join(root, 'chromium')));
  page.setDefaultTimeout(10_000);
  collectPageProblems(page, problems);
  await page.goto(server.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const geometry = async () => JSON.parse((await page.getAttribute('[data-testid=paper]', 'data-geometry'))!) as Geometry;
const drawn = async () => JSON.parse((await page.getAttribute('[data-testid=paper]', 'data-annotations')) ?? '{"marks":[],"bands":[]}') as Drawn;

/** Where a sample at `fs` must be drawn on a segment, CSS px. */
const xOf = (g: Geometry, seg: Seg, sample: number, fs: number) => seg.x + (sample / fs - seg.t0) * g.speed * g.pxPerMm;

/** Every (segment, sample) a file's marks belong on: beats on every segment, waves on their lead's. */
function expected(g: Geometry, annotator: string, samples: readonly number[], fs = FS): string[] {
  const out: string[] = [];
  g.segments.forEach((seg, i) => {
    if (annotator !== 'atr' && seg.lead !== LEAD_OF[annotator]) return;
    for (const s of samples) if (s / fs >= seg.t0 - 1e-9 && s / fs < seg.t1 - 1e-9) out.push(`${i}:${s}`);
  });
  return out.sort();
}

describe('annotations in the viewer', () => {
  it('lists the annotators and draws every mark at its sample, waves on their own lead', async () => {
    await page.click('[data-testid=nav-catalog]');
    await page.fill('[data-testid=filter-text]', '1');
    await page.click('[data-testid=filter-apply]');
    await page.click('[data-testid=record-row][data-record="1"]');
    await page.waitForSelector('[data-testid=window]');
    await expect.poll(async () => (await drawn()).marks.length).toBeGreaterThan(0);
    const names = await page.$$eval('[data-testid=annotator]', (els) => els.map((e) => e.getAttribute('data-annotator')));
    expect(names).toEqual(['atr', ...LUDB_ANNOTATORS].sort());
    // Record 1 has no labels of its own: they came from atr (rhythm, beats) and the delineations (PR).
    expect(await page.textContent('[data-testid=labels-from-annotations]')).toContain('atr, avf');
    expect(await page.$$eval('[data-testid=labels] li', (els) => els.map((e) => e.getAttribute('data-code')).sort())).toEqual(['270492004', '426783006', '427172004']);
    const g = await geometry();
    const d = await drawn();
    const onePx = (g.speed * g.pxPerMm) / FS; // one sample at the drawn scale
    for (const m of d.marks) expect(Math.abs(m.x - xOf(g, g.segments[m.segment], m.sample, FS))).toBeLessThanOrEqual(onePx);
    const beats = BEATS.filter((b) => b.symbol !== '+').map((b) => b.sample);
    const of = (a: string) => d.marks.filter((m) => m.annotator === a).map((m) => `${m.segment}:${m.sample}`).sort();
    expect(of('atr')).toEqual(expected(g, 'atr', beats));
    LUDB_ANNOTATORS.forEach((a, lead) => expect(of(a)).toEqual(expected(g, a, delineation(lead).map((x) => x.sample))));
    // Lead II shows twice in 3x4: its column (0-2.5 s) and the 10 s rhythm strip.
    expect(of('ii').length).toBe(delineation(1).length + delineation(1).filter((x) => x.sample < 2.5 * FS).length);
    // The rhythm note '(N' as a band over every segment.
    expect(new Set(d.bands.map((b) => b.rhythm))).toEqual(new Set(['(N']));
    expect(d.bands.length).toBe(g.segments.length);
    await screenshot(page, 'viewer-annotations');
  });

  it('turns annotators off and on', async () => {
    // A string, so the page's DOM types stay out of this Node-side file.
    const pixels = () => page.evaluate<string>(`document.querySelector('[data-testid=ecg-canvas]').toDataURL()`);
    const before = await pixels();
    await page.uncheck('[data-testid=annotator-toggle][data-annotator=atr]');
    await expect.poll(async () => (await drawn()).marks.filter((m) => m.annotator === 'atr').length).toBe(0);
    expect((await drawn()).bands).toEqual([]);
    expect((await drawn()).marks.filter((m) => m.annotator === 'v1').length).toBeGreaterThan(0);
    expect(await pixels()).not.toBe(before);
    for (const a of LUDB_ANNOTATORS) await page.uncheck(`[data-testid=annotator-toggle][data-annotator=${a}]`);
    await expect.poll(async () => (await drawn()).marks.length).toBe(0);
    await page.check('[data-testid=annotator-toggle][data-annotator=v1]');
    await expect.poll(async () => new Set((await drawn()).marks.map((m) => m.annotator))).toEqual(new Set(['v1']));
    for (const a of ['atr', ...LUDB_ANNOTATORS]) await page.check(`[data-testid=annotator-toggle][data-annotator=${a}]`);
    await expect.poll(async () => (await pixels()) === before).toBe(true);
  });

  it('calipers snap to the annotations: P onset to QRS onset reads the PR interval', async () => {
    const g = await geometry();
    const box = (await page.locator('[data-testid=paper]').boundingBox())!;
    const v1 = g.segments.find((s) => s.lead === 'V1')!;
    const q = PEAKS.find((p) => (p - 200) / FS >= v1.t0 && p / FS < v1.t1)!;
    // Clicks half a millimetre (20 ms) before each onset, on the flat line where the trace has no peak to snap to.
    await page.mouse.click(box.x + xOf(g, v1, q - 150, FS) - g.pxPerMm / 2, box.y + v1.baseline);
    await page.mouse.click(box.x + xOf(g, v1, q - 20, FS) - g.pxPerMm / 2, box.y + v1.baseline);
    const reading = page.locator('[data-testid=caliper-reading]');
    expect(Number(await reading.getAttribute('data-ms'))).toBeCloseTo((130 * 1000) / FS, 6);
  });

  it('canonical view: marks on the 100 Hz axis, still within one sample of their time', async () => {
    await page.selectOption('[data-testid=source]', 'canonical');
    await expect.poll(async () => page.textContent('[data-testid=viewer-status]')).toContain('canonical store');
    await expect.poll(async () => (await drawn()).marks.length).toBeGreaterThan(0);
    const g = await geometry();
    const d = await drawn();
    const onePx = (g.speed * g.pxPerMm) / 100;
    // The record is 10 s long: its canonical window starts at sample 0.
    for (const m of d.marks) expect(Math.abs(m.x - xOf(g, g.segments[m.segment], m.sample, FS))).toBeLessThanOrEqual(onePx);
    expect(d.marks.filter((m) => m.annotator === 'atr').length).toBe(expected(g, 'atr', PEAKS).length);
  });

  it('ran without page errors', () => {
    expect(problems).toEqual([]);
  });
});
