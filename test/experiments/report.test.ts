// The report of a real run: the tiny LODO experiment on the demo workspace, run in this process,
// then written as HTML by the CLI and opened in Chromium; plus a run folder written by hand over
// real catalog records whose ROC points are computed by hand.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { reportCommand } from '../../src/main/cli/report.js';
import { UsageError } from '../../src/main/cli/command.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { loadRun, renderReport, writeReport } from '../../src/main/experiments/report/index.js';
import { frame } from '../../src/main/experiments/report/svg.js';
import { launchChromium, screenshot } from '../e2e/browser.js';
import { tempDir } from '../temp.js';
import { demoWorkspace, tinyConfig } from './fixtures.js';

let ws: string;
let run: string;
const METHODS = [
  { method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } },
  { method: 'byol', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } },
];

beforeAll(async () => {
  ws = await demoWorkspace('report');
  run = join(ws, 'runs', 'job-7');
  await runExperiment({ workspace: ws, runDir: run, kind: 'lodo', config: tinyConfig({ methods: METHODS }) });
});
afterAll(() => rmSync(ws, { recursive: true, force: true }));

const step = (name: string) => JSON.parse(readFileSync(join(run, 'steps', `${name}.json`), 'utf8'));
const steps = () => (JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).steps as string[]).map(step);

describe('the report of a real LODO run', () => {
  it('is written by `openecg report` from a job id, and fetches nothing', async () => {
    const out = join(ws, 'report.html');
    expect(await reportCommand.run(['--run', 'job-7', '--workspace', ws, '--out', out])).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    expect(page).toContain(`default-src 'none'`);
    // The same id without the prefix, and a run that does not exist.
    expect(await reportCommand.run(['--run', '7', '--workspace', ws, '--out', join(ws, 'r2.html')])).toBe(0);
    await expect(reportCommand.run(['--run', '8', '--workspace', ws, '--out', join(ws, 'r3.html')])).rejects.toThrow(UsageError);
    await expect(reportCommand.run(['--run', '7', '--out', join(ws, 'r3.html')])).rejects.toThrow(/give --workspace/);
    expect(existsSync(join(ws, 'r3.html'))).toBe(false);
  });

  it('has one heat-map cell per target and method, holding the step records\' values', () => {
    const page = renderReport(loadRun(run)).html;
    const evals = steps().filter((s) => s.kind === 'downstream');
    const targets = [...new Set(evals.map((e) => e.target))];
    const methods = [...new Set(evals.map((e) => e.method))];
    expect(targets.length * methods.length).toBe(4);
    for (const metric of ['auroc-without', 'auroc-with', 'delta', 'f1-without', 'f1-with']) {
      const block = new RegExp(`<div class="plot" data-metric="${metric}">([\\s\\S]*?)</svg></div>`).exec(page)![1];
      const cells = [...block.matchAll(/<g class="cell" data-row="([^"]*)" data-col="([^"]*)" data-value="([^"]*)">/g)];
      expect(cells.length).toBe(4);
      expect(new Set(cells.map((c) => `${c[1]}|${c[2]}`)).size).toBe(4);
      for (const [, target, method, value] of cells) {
        const arm = (a: string) => evals.find((e) => e.target === target && e.method === method && e.arm === a)!.evaluation;
        const expected = {
          'auroc-without': arm('without').macro_auroc,
          'auroc-with': arm('with').macro_auroc,
          delta: (arm('with').macro_auroc - arm('without').macro_auroc) * 100,
          'f1-without': arm('without').macro_f1,
          'f1-with': arm('with').macro_f1,
        }[metric];
        expect(Number(value)).toBeCloseTo(expected, 12);
      }
    }
    // The tooltip of a w/o AUROC cell gives the record's bootstrap interval.
    const e = evals.find((x) => x.arm === 'without');
    expect(page).toContain(`${e.target} / ${e.method} (probe): ${e.evaluation.macro_auroc.toFixed(3)}, 95% CI [${e.evaluation.ci.macro_auroc.low.toFixed(3)}, ${e.evaluation.ci.macro_auroc.high.toFixed(3)}]`);
  });

  it('draws per-class ROC curves whose areas are the AUROCs the metrics module computed', () => {
    const page = renderReport(loadRun(run)).html;
    let curves = 0;
    for (const e of steps().filter((s) => s.kind === 'downstream')) {
      const block = new RegExp(`<div class="plot roc" data-step="${e.name}">([\\s\\S]*?)</svg>`).exec(page)![1];
      const present = Object.entries(e.evaluation.per_class as Record<string, { present: boolean; auroc?: number }>).filter(([, v]) => v.present);
      const lines = [...block.matchAll(/<g class="series" data-series="([A-Za-z]+) [^"]*"><polyline points="[^"]*" data-xy="([^"]*)"/g)];
      expect(lines.map((l) => l[1]).sort()).toEqual(present.map(([k]) => k).sort());
      for (const [, abbr, xy] of lines) {
        const pts = xy.split(' ').map((p) => p.split(',').map(Number));
        let area = 0;
        for (let i = 1; i < pts.length; i++) area += ((pts[i][0] - pts[i - 1][0]) * (pts[i][1] + pts[i - 1][1])) / 2;
        expect(area).toBeCloseTo(e.evaluation.per_class[abbr].auroc, 5);
        curves++;
      }
    }
    expect(curves).toBeGreaterThan(8);
  });

  it('marks a run whose last step is not recorded yet as partial, showing what is done', () => {
    const copy = join(ws, 'runs', 'copy');
    cpSync(run, copy, { recursive: true });
    const last = (JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).steps as string[]).at(-1)!;
    rmSync(join(copy, 'steps', `${last}.json`));
    const s = writeReport(copy, join(ws, 'partial.html'));
    expect(s.partial).toBe(true);
    expect(s.missing_steps).toBe(1);
    const page = readFileSync(join(ws, 'partial.html'), 'utf8');
    expect(page).toContain('<div class="partial" id="partial"><strong>Partial run.</strong>');
    expect(page).toContain(last);
    // The finished steps are all still reported: the deleted w/ step leaves its w/ cell out, the w/o cells stay.
    expect(/<div class="plot" data-metric="auroc-without">([\s\S]*?)<\/svg><\/div>/.exec(page)![1].match(/<g class="cell"/g)!.length).toBe(4);
  });

  it('renders in Chromium without console errors or requests (screenshot report-lodo.png)', async () => {
    const out = join(ws, 'report.html');
    writeReport(run, out);
    const { browser, page } = await launchChromium(tempDir('report-chromium'));
    try {
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`request ${r.url()}`);
      });
      await page.goto(`file://${out}`);
      expect(await page.locator('#lodo g.cell').count()).toBe(4 * 5);
      expect(await page.locator('#roc polyline').count()).toBeGreaterThan(8);
      const box = await page.locator('#lodo svg.heatmap').first().boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      await screenshot(page, 'report-lodo');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('ROC points of a hand-made run', () => {
  it('match the points computed by hand, ties as one diagonal step', () => {
    // Six test records of the demo catalog: three with class C, three without.
    const catalog = Catalog.open(ws, { readonly: true });
    const rows = catalog.db.prepare('SELECT id, patient_id AS patient, classes FROM records ORDER BY id').all() as { id: number; patient: number; classes: number }[];
    catalog.close();
    const c = CLASSES.findIndex((_, i) => rows.filter((r) => (r.classes >>> i) & 1).length >= 3 && rows.filter((r) => !((r.classes >>> i) & 1)).length >= 3);
    const pos = rows.filter((r) => (r.classes >>> c) & 1).slice(0, 3);
    const neg = rows.filter((r) => !((r.classes >>> c) & 1)).slice(0, 3);
    const abbr = CLASSES[c].abbreviation;
    const other = CLASSES[(c + 1) % CLASSES.length].abbreviation;
    // Scores: positives 0.9, 0.6, 0.4; negatives 0.7, 0.4, 0.1 (one tie). The other column is constant.
    const recs = [...pos.map((r, i) => ({ r, s: [0.9, 0.6, 0.4][i] })), ...neg.map((r, i) => ({ r, s: [0.7, 0.4, 0.1][i] }))];
    const dir = join(ws, 'runs', 'hand-roc');
    mkdirSync(join(dir, 'steps'), { recursive: true });
    mkdirSync(join(dir, 'predictions'), { recursive: true });
    const name = 'eval-wo-meridian-simclr-probe';
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ kind: 'lodo', config: { name: 'hand' }, code_version: 'x', backend: { name: 'cpu' }, seeds: [1], centers: ['Meridian'], targets: ['Meridian'], steps: [name] }));
    const evaluation = { records: 6, macro_auroc: 13 / 18, macro_f1: 0.5, per_class: { [abbr]: { present: true, auroc: 13 / 18 } } };
    writeFileSync(join(dir, 'steps', `${name}.json`), JSON.stringify({ name, kind: 'downstream', method: 'simclr-resnet18_1d-w1-d1', mode: 'probe', seed: 1, pretrain: 'p', target: 'Meridian', arm: 'without', fraction: null, pretrain_records: 10, train_records: 1, val_records: 1, test_records: 6, snapshot_sha256: '0', losses: [], evaluation }));
    writeFileSync(join(dir, 'predictions', `${name}.csv`), ['record,patient,' + `${abbr},${other}`, ...recs.map(({ r, s }) => `${r.id},${r.patient},${s},0.5`)].join('\n') + '\n');
    const model = loadRun(dir);
    expect(model.partial).toBe(false);
    const page = renderReport(model).html;
    const lines = [...page.matchAll(/<g class="series" data-series="([A-Za-z]+) \(AUC ([0-9.]+)[^"]*"><polyline points="([^"]*)" data-xy="([^"]*)"/g)];
    const mine = lines.find((l) => l[1] === abbr)!;
    // By hand, descending thresholds: 0.9 (P) -> (0, 1/3); 0.7 (N) -> (1/3, 1/3); 0.6 (P) -> (1/3, 2/3);
    // 0.4 (P and N tied) -> (2/3, 1); 0.1 (N) -> (1, 1). Area 13/18.
    const third = String(+(1 / 3).toPrecision(6));
    const twoThirds = String(+(2 / 3).toPrecision(6));
    expect(mine[4]).toBe(`0,0 0,${third} ${third},${third} ${third},${twoThirds} ${twoThirds},1 1,1`);
    expect(mine[2]).toBe((13 / 18).toFixed(3));
    // The pixel points are the same points through the plot frame (x right, y up).
    const f = frame(330, 300);
    const expected = [[0, 0], [0, 1 / 3], [1 / 3, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 1], [1, 1]].map(([x, y]) => `${Math.round((f.left + x * (f.right - f.left)) * 10) / 10},${Math.round((f.bottom - y * (f.bottom - f.top)) * 10) / 10}`);
    expect(mine[3]).toBe(expected.join(' '));
    // A constant score is one tie group: the diagonal, area 1/2 (this class has positives and negatives among the six, or no curve).
    const flat = lines.find((l) => l[1] === other);
    const otherBit = (c + 1) % CLASSES.length;
    const mixed = recs.some(({ r }) => (r.classes >>> otherBit) & 1) && recs.some(({ r }) => !((r.classes >>> otherBit) & 1));
    if (mixed) expect(flat![4]).toBe('0,0 1,1');
    else expect(flat).toBeUndefined();
  });
});
