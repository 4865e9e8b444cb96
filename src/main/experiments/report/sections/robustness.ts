// Robustness to incomplete recordings: per corruption kind, macro AUROC and F1 against strength
// for every method and baseline (averaged over targets, target left out of pre-training), the clean
// test set marked at the left; then MAE set against the contrastive methods, the paper's claim.
import type { RobustnessRecord } from '../../records.js';
import { robustnessByMethod, type RobustnessCurve } from '../../robustness-tables.js';
import { fixed, html, join, signed, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { color, legend, linePlot, type Marker, type Series } from '../svg.js';

/** The robustness step records of the run (kept by load.ts among the other steps). */
export function robustnessRecords(run: RunModel): RobustnessRecord[] {
  return run.other
    .filter((s) => s.kind === 'robustness' && Array.isArray(s.record.points) && typeof s.record.clean === 'object' && s.record.clean !== null)
    .map((s) => s.record as unknown as RobustnessRecord);
}

/**
 * The curves the plots draw: per model, averaged over targets. Of the two LODO arms only w/o is
 * drawn (the target never seen in pre-training, the case robustness matters for); baselines have no arm.
 */
export function plottedCurves(run: RunModel): RobustnessCurve[] {
  const all = robustnessByMethod(robustnessRecords(run));
  const hasWithout = all.some((c) => c.arm === 'without');
  return all.filter((c) => c.baseline !== null || !hasWithout || c.arm === 'without');
}

const family = (method: string) => method.split('-')[0];
const CONTRASTIVE = new Set(['simclr', 'byol']);
const FAMILY_COLORS: Readonly<Record<string, string>> = { mae: '#d62728', simclr: '#1f77b4', byol: '#2ca02c' };

/** Colours by family, so MAE stands apart from the contrastive methods; baselines grey. */
function colorOf(c: RobustnessCurve, methods: readonly string[]): string {
  if (c.baseline === 'scratch') return '#6b7385';
  if (c.baseline === 'random_probe') return '#b5bac4';
  const fixedColor = FAMILY_COLORS[family(c.method)];
  return fixedColor ?? color(4 + methods.indexOf(family(c.method)));
}

export const seriesName = (c: RobustnessCurve): string => `${c.method} (${c.protocol})`;

/** x positions: 0 is the clean test set, 1..n the strengths in the config's order. */
function plot(curves: readonly RobustnessCurve[], metric: 'macro_auroc' | 'macro_f1', corruption: string, methods: readonly string[]): Html {
  const strengths = curves[0].points.map((p) => p.strength);
  const labels = ['clean', ...strengths.map(String)];
  const clean = (c: RobustnessCurve) => (metric === 'macro_auroc' ? c.clean_auroc : c.clean_f1);
  const series: Series[] = curves.map((c) => ({
    name: seriesName(c),
    color: colorOf(c, methods),
    dashed: c.protocol === 'finetune',
    dots: true,
    points: [[0, clean(c)], ...c.points.map((p, i): [number, number | null] => [i + 1, p[metric]])],
  }));
  const markers: Marker[] = curves.flatMap((c) => {
    const v = clean(c);
    return v === null ? [] : [{ x: 0, y: v, color: colorOf(c, methods), label: `${seriesName(c)}: clean ${metric === 'macro_auroc' ? 'AUROC' : 'F1'} ${fixed(v)}` }];
  });
  const values = curves.flatMap((c) => [clean(c), ...c.points.map((p) => p[metric])]).filter((v): v is number => v !== null);
  const low = metric === 'macro_auroc' ? Math.min(0.5, ...values) : 0;
  const title = `${corruption}: macro ${metric === 'macro_auroc' ? 'AUROC' : 'F1'} against strength`;
  return linePlot({
    title,
    width: 360,
    height: 280,
    x: { label: `${corruption} strength`, min: -0.3, max: strengths.length + 0.3, ticks: labels.map((_, i) => i), format: (v) => labels[Math.round(v)] ?? '' },
    y: { label: metric === 'macro_auroc' ? 'macro AUROC' : 'macro F1', min: Math.floor(low * 10) / 10, max: 1 },
    series,
    markers,
  });
}

/** Mean drop from clean to a strength (points), over the curves of a set of methods. */
function meanDrop(curves: readonly RobustnessCurve[], index: number): number | null {
  const drops = curves.flatMap((c) => {
    const v = c.points[index]?.macro_auroc;
    return c.clean_auroc !== null && v !== null && v !== undefined ? [(v - c.clean_auroc) * 100] : [];
  });
  return drops.length ? drops.reduce((a, b) => a + b, 0) / drops.length : null;
}

/** MAE against the contrastive methods: per corruption, strength and protocol, the mean AUROC change from clean. */
export function maeVersusContrastive(curves: readonly RobustnessCurve[]): { corruption: string; protocol: string; strength: number | string; mae: number | null; contrastive: number | null }[] {
  const out: { corruption: string; protocol: string; strength: number | string; mae: number | null; contrastive: number | null }[] = [];
  const pretrained = curves.filter((c) => c.baseline === null);
  for (const corruption of [...new Set(pretrained.map((c) => c.corruption))]) {
    for (const protocol of [...new Set(pretrained.map((c) => c.protocol))]) {
      const group = pretrained.filter((c) => c.corruption === corruption && c.protocol === protocol);
      const mae = group.filter((c) => family(c.method) === 'mae');
      const contrastive = group.filter((c) => CONTRASTIVE.has(family(c.method)));
      if (!mae.length || !contrastive.length) continue;
      mae[0].points.forEach((p, i) => out.push({ corruption, protocol, strength: p.strength, mae: meanDrop(mae, i), contrastive: meanDrop(contrastive, i) }));
    }
  }
  return out;
}

export const robustnessSection: ReportSection = {
  id: 'robustness',
  title: 'Robustness to incomplete recordings',
  applies: (run) => robustnessRecords(run).length > 0,
  render(run: RunModel): Html {
    const curves = plottedCurves(run);
    const methods = [...new Set(curves.filter((c) => c.baseline === null).map((c) => family(c.method)))];
    const kinds = [...new Set(curves.map((c) => c.corruption))];
    const blocks = kinds.map((k) => {
      const group = curves.filter((c) => c.corruption === k);
      const targets = Math.max(...group.map((c) => c.targets));
      return html`<div class="plot robustness" data-corruption="${k}"><div class="cap">${k} (mean over ${targets} target${targets > 1 ? 's' : ''})</div>${plot(group, 'macro_auroc', k, methods)}${plot(group, 'macro_f1', k, methods)}${legend(group.map((c) => ({ name: html`${seriesName(c)}${c.protocol === 'finetune' ? ' – –' : ''}`, color: colorOf(c, methods) })))}</div>`;
    });
    const rows = maeVersusContrastive(curves);
    const compare = rows.length
      ? html`<h3>MAE against the contrastive methods</h3><p>Mean change of macro AUROC from the clean test set, in points (×100); less negative is more robust. Contrastive = ${[...CONTRASTIVE].filter((m) => methods.includes(m)).join(', ')}.</p><table class="mae-vs-contrastive"><tr><th>corruption</th><th>strength</th><th>protocol</th><th>MAE Δ</th><th>contrastive Δ</th><th>more robust</th></tr>${rows.map(
          (r) =>
            html`<tr data-corruption="${r.corruption}" data-strength="${String(r.strength)}" data-protocol="${r.protocol}"><td>${r.corruption}</td><td>${String(r.strength)}</td><td>${r.protocol}</td><td class="num">${r.mae === null ? 'n/a' : signed(r.mae)}</td><td class="num">${r.contrastive === null ? 'n/a' : signed(r.contrastive)}</td><td>${r.mae === null || r.contrastive === null ? 'n/a' : r.mae > r.contrastive ? 'MAE' : r.mae < r.contrastive ? 'contrastive' : 'tie'}</td></tr>`,
        )}</table>`
      : html`<p class="muted">The run has no MAE and contrastive models side by side: no comparison.</p>`;
    const arms = robustnessRecords(run).some((r) => r.arm === 'with') ? ' Only the w/o arm (target left out of pre-training) is drawn; summary.json keeps both.' : '';
    return html`<p>Each model scored on its test records corrupted in seeded ways (docs/experiment-config.md); x is the corruption strength in the config's order, with the clean test set at the left (circled). Solid lines are linear probes, dashed fine-tuning; MAE in red, SimCLR blue, BYOL green, baselines grey. Values are means over seeds and targets.${arms}</p><div class="plots">${join(blocks)}</div>${compare}`;
  },
};
