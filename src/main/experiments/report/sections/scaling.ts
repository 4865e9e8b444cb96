// The data-scaling curves: macro AUROC and F1 against the fraction of the pre-training pool, one
// line per method and protocol, the saturation point (docs/experiment-config.md's rule) marked; the
// baselines (no pre-training, so no fraction) as flat grey lines across, to read a gain against.
import type { DownstreamRecord } from '../../records.js';
import { baselineTable, scalingCurves, type BaselineRow, type ScalingCurve } from '../../tables.js';
import { fixed, html, join, name, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { color, legend, linePlot, type Axis, type Series } from '../svg.js';

export const scalingRecords = (run: RunModel): DownstreamRecord[] => run.downstream.filter((r) => r.fraction !== null);
/** Baselines on the pooled test set (target null): scaling runs only. */
export const scalingBaselines = (run: RunModel): BaselineRow[] => baselineTable(run.downstream.filter((r) => r.baseline !== null && r.target === null && r.fraction === null));
const BASE_COLORS = ['#6b7385', '#b5bac4', '#8d93a0', '#cfd3da'];

/** The config's saturation tolerance in AUROC points (default 1, as in the config schema). */
export function tolerancePoints(run: RunModel): number {
  const s = run.info.config.scaling as { saturationPoints?: unknown } | undefined;
  return typeof s?.saturationPoints === 'number' ? s.saturationPoints : 1;
}

export const curveName = (c: ScalingCurve, protocols: number) => (protocols > 1 ? `${c.method} (${c.protocol})` : c.method);

function fractionAxis(curves: readonly ScalingCurve[]): Axis {
  const fs = [...new Set(curves.flatMap((c) => c.points.map((p) => p.fraction)))].sort((a, b) => a - b);
  const min = fs[0];
  const max = fs[fs.length - 1];
  const log = max / min >= 10;
  return { label: `fraction of the pre-training pool${log ? ' (log scale)' : ''}`, min: log ? min : Math.min(0, min), max, log, ticks: fs, format: (v) => `${+(v * 100).toPrecision(3)}%` };
}

function metricPlot(curves: readonly ScalingCurve[], bases: readonly BaselineRow[], protocols: number, metric: 'macro_auroc' | 'macro_f1', title: string, showSaturation: boolean): Html {
  const baseValue = (b: BaselineRow) => (metric === 'macro_auroc' ? b.auroc : b.f1);
  const values = [...curves.flatMap((c) => c.points.map((p) => p[metric])), ...bases.map(baseValue)].filter((v): v is number => v !== null);
  const axis = fractionAxis(curves);
  const flat: Series[] = bases.map((b, i) => ({ name: `${b.method} (${b.protocol}, baseline)`, points: [[axis.min, baseValue(b)], [axis.max, baseValue(b)]], color: BASE_COLORS[i % BASE_COLORS.length], dashed: true }));
  const lo = Math.max(0, Math.floor((Math.min(...values, 1) - 0.02) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...values, 0) + 0.02) * 20) / 20);
  const markers = showSaturation
    ? curves.flatMap((c, i) => {
        const p = c.points.find((q) => q.fraction === c.saturation_fraction);
        return p && p.macro_auroc !== null ? [{ x: p.fraction, y: p.macro_auroc, color: color(i), label: `${curveName(c, protocols)}: saturates at ${+(p.fraction * 100).toPrecision(3)}% (within ${c.tolerance_points} AUROC points of its best)` }] : [];
      })
    : [];
  return linePlot({
    title,
    width: 420,
    height: 300,
    x: axis,
    y: { label: title, min: lo, max: hi > lo ? hi : lo + 0.1 },
    series: [...curves.map((c, i): Series => ({ name: curveName(c, protocols), points: c.points.map((p) => [p.fraction, p[metric]] as const), color: color(i), dots: true })), ...flat],
    markers,
  });
}

export const scalingSection: ReportSection = {
  id: 'scaling',
  title: 'Data scaling',
  applies: (run) => scalingRecords(run).length > 0,
  render(run: RunModel): Html {
    const curves = scalingCurves(scalingRecords(run), tolerancePoints(run));
    const protocols = new Set(curves.map((c) => c.protocol)).size;
    const bases = scalingBaselines(run);
    const items = legend([
      ...curves.map((c, i) => ({ name: html`${curveName(c, protocols)}: saturation ${c.saturation_fraction === null ? 'n/a' : `${+(c.saturation_fraction * 100).toPrecision(3)}%`}`, color: color(i) })),
      ...bases.map((b, i) => ({ name: html`${b.method} (${b.protocol}, baseline) – –`, color: BASE_COLORS[i % BASE_COLORS.length] })),
    ]);
    const baseRows = bases.map((b) => html`<tr class="baseline"><td>${name(b.method)}</td><td>${b.protocol}</td><td class="muted">baseline</td><td class="num">0</td><td class="num">${fixed(b.auroc)}${b.ci ? ` [${fixed(b.ci.low)}, ${fixed(b.ci.high)}]` : ''}</td><td class="num">${fixed(b.f1)}</td><td></td></tr>`);
    const rows = curves.flatMap((c) =>
      c.points.map((p) => html`<tr${c.saturation_fraction === p.fraction ? html` style="font-weight:600"` : null}><td>${name(c.method)}</td><td>${c.protocol}</td><td class="num">${p.fraction}</td><td class="num">${p.pretrain_records}</td><td class="num">${fixed(p.macro_auroc)}</td><td class="num">${fixed(p.macro_f1)}</td><td>${c.saturation_fraction === p.fraction ? 'saturation' : ''}</td></tr>`),
    );
    return html`<p>Saturation: the smallest fraction whose macro AUROC (mean over seeds) is within ${tolerancePoints(run)} AUROC point(s) of the method's best (circled, dashed line).${bases.length ? ' Baselines (no pre-training, the same test records) are the flat dashed grey lines and the last table rows.' : ''}</p>
<div class="plots"><div class="plot"><div class="cap">macro AUROC against the pre-training fraction</div>${metricPlot(curves, bases, protocols, 'macro_auroc', 'macro AUROC', true)}${items}</div><div class="plot"><div class="cap">macro F1 against the pre-training fraction</div>${metricPlot(curves, bases, protocols, 'macro_f1', 'macro F1', false)}${items}</div></div>
<table><tr><th>method</th><th>protocol</th><th>fraction</th><th>pre-training records</th><th>macro AUROC</th><th>macro F1</th><th></th></tr>${join(rows)}${join(baseRows)}</table>`;
  },
};
