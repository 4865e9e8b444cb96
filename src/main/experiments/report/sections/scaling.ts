// The data-scaling curves: macro AUROC and F1 against the fraction of the pre-training pool, one
// line per method and protocol, the saturation point (docs/experiment-config.md's rule) marked.
import type { DownstreamRecord } from '../../records.js';
import { scalingCurves, type ScalingCurve } from '../../tables.js';
import { fixed, html, join, name, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { color, legend, linePlot, type Axis } from '../svg.js';

export const scalingRecords = (run: RunModel): DownstreamRecord[] => run.downstream.filter((r) => r.fraction !== null);

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

function metricPlot(curves: readonly ScalingCurve[], protocols: number, metric: 'macro_auroc' | 'macro_f1', title: string, showSaturation: boolean): Html {
  const values = curves.flatMap((c) => c.points.map((p) => p[metric])).filter((v): v is number => v !== null);
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
    x: fractionAxis(curves),
    y: { label: title, min: lo, max: hi > lo ? hi : lo + 0.1 },
    series: curves.map((c, i) => ({ name: curveName(c, protocols), points: c.points.map((p) => [p.fraction, p[metric]] as const), color: color(i), dots: true })),
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
    const items = legend(curves.map((c, i) => ({ name: html`${curveName(c, protocols)}: saturation ${c.saturation_fraction === null ? 'n/a' : `${+(c.saturation_fraction * 100).toPrecision(3)}%`}`, color: color(i) })));
    const rows = curves.flatMap((c) =>
      c.points.map((p) => html`<tr${c.saturation_fraction === p.fraction ? html` style="font-weight:600"` : null}><td>${name(c.method)}</td><td>${c.protocol}</td><td class="num">${p.fraction}</td><td class="num">${p.pretrain_records}</td><td class="num">${fixed(p.macro_auroc)}</td><td class="num">${fixed(p.macro_f1)}</td><td>${c.saturation_fraction === p.fraction ? 'saturation' : ''}</td></tr>`),
    );
    return html`<p>Saturation: the smallest fraction whose macro AUROC (mean over seeds) is within ${tolerancePoints(run)} AUROC point(s) of the method's best (circled, dashed line).</p>
<div class="plots"><div class="plot"><div class="cap">macro AUROC against the pre-training fraction</div>${metricPlot(curves, protocols, 'macro_auroc', 'macro AUROC', true)}${items}</div><div class="plot"><div class="cap">macro F1 against the pre-training fraction</div>${metricPlot(curves, protocols, 'macro_f1', 'macro F1', false)}${items}</div></div>
<table><tr><th>method</th><th>protocol</th><th>fraction</th><th>pre-training records</th><th>macro AUROC</th><th>macro F1</th><th></th></tr>${join(rows)}</table>`;
  },
};
