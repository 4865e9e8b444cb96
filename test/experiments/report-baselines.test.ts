// The report's baselines and robustness sections on a run folder written by hand with known
// numbers: the LODO heat maps carry the baselines beside the methods, the baselines table pairs each
// model with its protocol's baseline and shows the paired intervals and signs of summary.json, the
// robustness plots draw the mean over targets of the w/o arm with the clean value first, and the
// side-by-side with the paper gives the baselines no paper counterpart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRun, renderReport } from '../../src/main/experiments/report/index.js';
import { signOf } from '../../src/main/experiments/report/sections/baselines.js';
import { tempDir } from '../temp.js';

const TARGETS = ['PTB-XL', 'Georgia'];
const METHODS = [
  { method: 'simclr-resnet18_1d-w0.25-d0.5', backbone: 'resnet18_1d-w0.25-d0.5' },
  { method: 'mae-vit_1d-w0.25-d0.5', backbone: 'vit_1d-w0.25-d0.5' },
];
const PROTOCOLS = ['probe', 'finetune'] as const;
const CORRUPTIONS = [
  { kind: 'gaussian_noise', strengths: [10, 0] as (number | string)[] },
  { kind: 'lead_dropout', strengths: [3, 'limb-only'] as (number | string)[] },
];

/** Distinct, known values: target index t, method index m, protocol index p, arm a (0 w/o, 1 w/). */
const auroc = (t: number, m: number, p: number, a: number) => 0.6 + 0.05 * t + 0.03 * m + 0.02 * p + 0.011 * a;
const f1 = (t: number, m: number, p: number, a: number) => 0.3 + 0.04 * t + 0.02 * m + 0.01 * p + 0.007 * a;
const baseAuroc = (t: number, b: number, p: number) => 0.55 + 0.02 * t + 0.01 * b + 0.005 * p;
/** AUROC under corruption strength index s (0-based), for curve id k: drops with strength. */
const corrupted = (clean: number, c: number, s: number, k: number) => clean - 0.04 * (s + 1) * (1 + c) - 0.003 * k;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.]+/g, '-');
let dir: string;
let page: string;
const section = (id: string) => new RegExp(`<section id="${id}">([\\s\\S]*?)</section>`).exec(page)![1];

function downstream(name: string, fields: Record<string, unknown>, a: number, f: number): Record<string, unknown> {
  return {
    name,
    kind: 'downstream',
    seed: 1,
    fraction: null,
    pretrain_records: 500,
    train_records: 60,
    val_records: 10,
    test_records: 20,
    snapshot_sha256: 'ef'.repeat(32),
    losses: [0.7, 0.5],
    evaluation: { records: 20, macro_auroc: a, macro_f1: f, per_class: {}, ci: { macro_auroc: { low: a - 0.05, high: a + 0.05 }, macro_f1: null } },
    ...fields,
  };
}

function robustness(model: Record<string, unknown>, k: number, withArm: boolean): Record<string, unknown> {
  const ev = model.evaluation as { macro_auroc: number; macro_f1: number };
  // The w/ arm's curves are shifted so a plot that wrongly averaged both arms would not match.
  const shift = withArm ? -0.2 : 0;
  return {
    name: `rob-${model.name}`,
    kind: 'robustness',
    model: model.name,
    method: model.method,
    mode: model.mode,
    seed: 1,
    target: model.target,
    arm: model.arm,
    baseline: model.baseline,
    fraction: null,
    test_records: 20,
    corruption_seed: 3,
    rate_hz: 500,
    corruptions: CORRUPTIONS.map((c) => ({ kind: c.kind, strengths: c.strengths })),
    clean: { macro_auroc: ev.macro_auroc, macro_f1: ev.macro_f1 },
    points: CORRUPTIONS.flatMap((c, ci) =>
      c.strengths.map((strength, s) => ({ corruption: c.kind, strength, macro_auroc: corrupted(ev.macro_auroc, ci, s, k) + shift, macro_f1: ev.macro_f1 / (s + 2), macro_auprc: null, classes_averaged: 3, ci: null })),
    ),
    seconds: 1,
  };
}

beforeAll(() => {
  dir = join(tempDir('report-baselines'), 'runs', 'job-3');
  const steps: Record<string, unknown>[] = [];
  TARGETS.forEach((target, t) => {
    METHODS.forEach(({ method, backbone }, m) =>
      PROTOCOLS.forEach((mode, p) =>
        (['without', 'with'] as const).forEach((arm, a) => {
          const r = downstream(`eval-${arm === 'with' ? 'w' : 'wo'}-${slug(target)}-${slug(method)}-${mode}`, { method, backbone, mode, pretrain: 'pre', baseline: null, target, arm }, auroc(t, m, p, a), f1(t, m, p, a));
          steps.push(r, robustness(r, m * 2 + p, arm === 'with'));
        }),
      ),
    );
    METHODS.forEach(({ backbone }, b) =>
      PROTOCOLS.forEach((mode, p) => {
        const kind = mode === 'probe' ? 'random_probe' : 'scratch';
        const r = downstream(`base-${kind}-${slug(target)}-${slug(backbone)}`, { method: `${kind}-${backbone}`, backbone, mode, pretrain: null, baseline: kind, target, arm: null }, baseAuroc(t, b, p), 0.2);
        steps.push(r, robustness(r, 4 + b * 2 + p, false));
      }),
    );
  });
  mkdirSync(join(dir, 'steps'), { recursive: true });
  for (const s of steps) writeFileSync(join(dir, 'steps', `${s.name}.json`), JSON.stringify(s));
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ kind: 'lodo', config: { name: 'hand' }, config_file: null, code_version: 'test', backend: { name: 'cpu' }, seeds: [1], split_set: 1, centers: [...TARGETS, 'Extra'], targets: TARGETS, skipped_targets: [], steps: steps.map((s) => s.name), created_at: null }),
  );
  // The paired intervals as the experiment writes them when it finishes (two rows given).
  const lodo = [
    { target: 'PTB-XL', method: METHODS[0].method, protocol: 'probe', delta: { auroc_points: 1.1, ci_auroc_points: { low: 0.4, high: 2.5 } }, vs_baseline: { baseline: 'random_probe', auroc_points: 5, ci_auroc_points: { low: -1.5, high: 9.75 } } },
    { target: 'Georgia', method: METHODS[1].method, protocol: 'finetune', delta: { auroc_points: 1.1, ci_auroc_points: { low: -3, high: -0.25 } }, vs_baseline: { baseline: 'scratch', auroc_points: 12.5, ci_auroc_points: { low: 6, high: 18 } } },
  ];
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ kind: 'lodo', lodo }));
  page = renderReport(loadRun(dir)).html;
});

describe('baselines in the report', () => {
  it('sets every baseline beside the methods in the LODO heat maps (not in the Δ map)', () => {
    const lodo = section('lodo');
    const cells = (metric: string) => {
      const block = new RegExp(`<div class="plot" data-metric="${metric}">([\\s\\S]*?)</svg></div>`).exec(lodo)![1];
      return [...block.matchAll(/<g class="cell" data-row="([^"]*)" data-col="([^"]*)" data-value="([^"]*)">/g)].map((c) => ({ row: c[1], col: c[2], value: Number(c[3]) }));
    };
    for (const metric of ['auroc-without', 'auroc-with']) {
      const all = cells(metric);
      expect(all.length).toBe(TARGETS.length * (METHODS.length * 2 + 4));
      TARGETS.forEach((target, t) =>
        METHODS.forEach(({ backbone }, b) =>
          PROTOCOLS.forEach((mode, p) => {
            const kind = mode === 'probe' ? 'random_probe' : 'scratch';
            const cell = all.find((c) => c.row === target && c.col === `${kind}-${backbone} (${mode})`)!;
            expect(cell.value).toBeCloseTo(baseAuroc(t, b, p), 12);
          }),
        ),
      );
    }
    expect(cells('f1-without').find((c) => c.col.startsWith('scratch-'))!.value).toBe(0.2);
    expect(cells('delta').length).toBe(TARGETS.length * METHODS.length * 2);
    expect(cells('delta').some((c) => /scratch|random_probe/.test(c.col))).toBe(false);
  });

  it("pairs each model with its protocol's baseline, with the paired intervals and their signs", () => {
    const body = section('baselines');
    const row = (target: string, method: string, protocol: string) => {
      const m = new RegExp(`<tr data-target="${target}" data-method="${method}" data-protocol="${protocol}">([\\s\\S]*?)</tr>`).exec(body)!;
      return [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]*>/g, ''));
    };
    expect(body.match(/<tr data-target=/g)!.length).toBe(TARGETS.length * METHODS.length * PROTOCOLS.length);
    // PTB-XL, SimCLR, probe: interval [0.4, 2.5] excludes 0; vs the random probe [−1.5, 9.75] does not.
    const a = row('PTB-XL', METHODS[0].method, 'probe');
    expect(a[3]).toBe(auroc(0, 0, 0, 0).toFixed(3));
    expect(a[4]).toBe(auroc(0, 0, 0, 1).toFixed(3));
    expect(a[5]).toBe(`+${((auroc(0, 0, 0, 1) - auroc(0, 0, 0, 0)) * 100).toFixed(1)} [+0.4, +2.5]`);
    expect(a[6]).toBe('gain');
    expect(a[7]).toBe('random_probe-resnet18_1d-w0.25-d0.5');
    expect(a[8]).toBe(`${baseAuroc(0, 0, 0).toFixed(3)} [${(baseAuroc(0, 0, 0) - 0.05).toFixed(3)}, ${(baseAuroc(0, 0, 0) + 0.05).toFixed(3)}]`);
    expect(a[9]).toBe('+5.0 [\u22121.5, +9.8]');
    expect(a[10]).toBe('no clear difference');
    // Georgia, MAE, fine-tune: the Δ interval is all below 0 (a loss), the scratch one all above.
    const b = row('Georgia', METHODS[1].method, 'finetune');
    expect(b[6]).toBe('loss');
    expect(b[7]).toBe('scratch-vit_1d-w0.25-d0.5');
    expect(b[10]).toBe('gain');
    // A row summary.json does not list: the point difference to its baseline, no interval, no claim.
    const c = row('Georgia', METHODS[0].method, 'finetune');
    expect(c[9]).toBe(`+${((auroc(1, 0, 1, 0) - baseAuroc(1, 0, 1)) * 100).toFixed(1)}`);
    expect(c[10]).toBe('no clear difference');
  });

  it('reads a sign only from an interval that excludes 0', () => {
    expect(signOf(2, { low: 0.1, high: 4 })).toBe('gain');
    expect(signOf(-2, { low: -4, high: -0.1 })).toBe('loss');
    expect(signOf(2, { low: -0.1, high: 4 })).toBe('no clear difference');
    expect(signOf(2, null)).toBe('no clear difference');
    expect(signOf(null, null)).toBe('n/a');
  });

  it('gives the baselines no paper counterpart in the side-by-side', () => {
    const body = section('paper');
    expect(body).toContain('class="baselines-note"');
    expect(body).toContain('PAPER.md line 109');
    expect(body).not.toMatch(/scratch-|random_probe-/);
    // No figure of the section is a baseline's value.
    const values = [...body.matchAll(/<data class="fig" value="([^"]*)"/g)].map((m) => Number(m[1]));
    for (let t = 0; t < 2; t++) for (let b = 0; b < 2; b++) for (let p = 0; p < 2; p++) expect(values).not.toContain(baseAuroc(t, b, p));
  });
});

describe('robustness in the report', () => {
  const plots = (kind: string) => new RegExp(`<div class="plot robustness" data-corruption="${kind}">([\\s\\S]*?)</ul></div>`).exec(section('robustness'))![1].split('</svg>');
  const xy = (svg: string, series: string) => {
    const m = new RegExp(`<g class="series" data-series="${series.replace(/[()]/g, '\\$&')}"><polyline points="[^"]*" data-xy="([^"]*)"`).exec(svg)!;
    return m[1].split(' ').map((p) => p.split(',').map(Number));
  };

  it('draws AUROC and F1 against strength per model, clean first, mean over targets of the w/o arm', () => {
    CORRUPTIONS.forEach((c, ci) => {
      const [aurocPlot, f1Plot] = plots(c.kind);
      expect(aurocPlot.match(/<g class="series"/g)!.length).toBe(8);
      // MAE, probe (m=1, p=0, curve id 2): mean over the two targets.
      const mean = (f: (t: number) => number) => (f(0) + f(1)) / 2;
      const pts = xy(aurocPlot, 'mae-vit_1d-w0.25-d0.5 (probe)');
      expect(pts.map((p) => p[0])).toEqual([0, 1, 2]);
      expect(pts[0][1]).toBeCloseTo(mean((t) => auroc(t, 1, 0, 0)), 5);
      c.strengths.forEach((_, s) => expect(pts[s + 1][1]).toBeCloseTo(mean((t) => corrupted(auroc(t, 1, 0, 0), ci, s, 2)), 5));
      const f = xy(f1Plot, 'scratch-vit_1d-w0.25-d0.5 (finetune)');
      expect(f.map((p) => p[1])).toEqual([0.2, 0.1, +(0.2 / 3).toPrecision(6)]);
      // The clean values are circled with their label.
      expect(aurocPlot).toContain(`mae-vit_1d-w0.25-d0.5 (probe): clean AUROC ${mean((t) => auroc(t, 1, 0, 0)).toFixed(3)}`);
      // Tick labels are the config's strengths.
      for (const s of c.strengths) expect(aurocPlot).toContain(`>${s}</text>`);
    });
  });

  it('sets MAE against the contrastive methods as the mean AUROC change from clean', () => {
    const body = section('robustness');
    for (const [ci, c] of CORRUPTIONS.entries())
      c.strengths.forEach((strength, s) =>
        PROTOCOLS.forEach((protocol, p) => {
          const m = new RegExp(`<tr data-corruption="${c.kind}" data-strength="${strength}" data-protocol="${protocol}">([\\s\\S]*?)</tr>`).exec(body)!;
          const cells = [...m[1].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((x) => x[1]);
          // Change from clean, in points: the corrupted() drop, the same on both targets.
          const drop = (k: number) => -(0.04 * (s + 1) * (1 + ci) + 0.003 * k) * 100;
          const fmt = (v: number) => `${v < 0 ? '\u2212' : '+'}${Math.abs(v).toFixed(1)}`;
          expect(cells[3]).toBe(fmt(drop(2 + p)));
          expect(cells[4]).toBe(fmt(drop(p)));
          expect(cells[5]).toBe('contrastive');
        }),
      );
  });
});

describe('baselines in the scaling section', () => {
  it('draws each pooled-test baseline as a flat line across the fractions, and lists it', () => {
    const sdir = join(tempDir('report-scaling-baselines'), 'runs', 'job-5');
    const method = METHODS[0].method;
    const steps = [
      ...[0.25, 1].map((fraction, i) => downstream(`eval-f${fraction}-${slug(method)}-probe`, { method, backbone: METHODS[0].backbone, mode: 'probe', pretrain: 'pre', baseline: null, target: null, arm: null, fraction }, 0.7 + 0.05 * i, 0.3)),
      downstream('base-scratch-targets-resnet', { method: `scratch-${METHODS[0].backbone}`, backbone: METHODS[0].backbone, mode: 'finetune', pretrain: null, baseline: 'scratch', target: null, arm: null }, 0.6875, 0.25),
    ];
    mkdirSync(join(sdir, 'steps'), { recursive: true });
    for (const s of steps) writeFileSync(join(sdir, 'steps', `${s.name}.json`), JSON.stringify(s));
    writeFileSync(join(sdir, 'run.json'), JSON.stringify({ kind: 'scaling', config: { name: 'hand' }, config_file: null, code_version: 'test', backend: { name: 'cpu' }, seeds: [1], split_set: 1, centers: TARGETS, targets: TARGETS, skipped_targets: [], steps: steps.map((s) => s.name), created_at: null }));
    const html = renderReport(loadRun(sdir)).html;
    const body = new RegExp(`<section id="scaling">([\\s\\S]*?)</section>`).exec(html)![1];
    const [aurocPlot, f1Plot] = body.split('</svg>');
    const flat = (svg: string) => /data-series="scratch-resnet18_1d-w0\.25-d0\.5 \(finetune, baseline\)"><polyline points="[^"]*" data-xy="([^"]*)"/.exec(svg)![1];
    // The fraction axis starts at 0 (fractions span less than 10x) and ends at 1.
    expect(flat(aurocPlot)).toBe('0,0.6875 1,0.6875');
    expect(flat(f1Plot)).toBe('0,0.25 1,0.25');
    expect(body).toMatch(/<tr class="baseline"><td><span class="name">scratch-resnet18_1d-w0\.25-d0\.5<\/span><\/td><td>finetune<\/td>.*?<td class="num">0\.688 \[0\.637, 0\.738\]<\/td><td class="num">0\.250<\/td>/);
    // Baselines are not methods: the lodo and baselines sections do not apply to a scaling run.
    expect(html).not.toContain('<section id="baselines">');
  });
});
