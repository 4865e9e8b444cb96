// ROC curves per class from each evaluation's stored predictions and the test records' labels: one
// plot per target, method, protocol and arm (or scaling fraction), one line per class present.
import { CLASSES } from '../../../../shared/classes.js';
import type { DownstreamRecord } from '../../records.js';
import { fixed, html, join, name, type Html } from '../html.js';
import type { Predictions, RunModel } from '../model.js';
import { rocCurve, type RocCurve } from '../roc.js';
import type { ReportSection } from '../section.js';
import { color, legend, linePlot } from '../svg.js';

export interface ClassRoc {
  readonly abbreviation: string;
  readonly curve: RocCurve;
}

/** One ROC curve per class with positives and negatives among the labelled test records. */
export function classRocs(pred: Predictions, labels: ReadonlyMap<number, number>): ClassRoc[] {
  const keep = pred.records.map((id, i) => (labels.has(id) ? i : -1)).filter((i) => i >= 0);
  const out: ClassRoc[] = [];
  pred.classes.forEach((abbreviation, c) => {
    const bit = CLASSES.findIndex((k) => k.abbreviation === abbreviation);
    if (bit < 0) return;
    const y = keep.map((i) => ((labels.get(pred.records[i])! >>> bit) & 1 ? 1 : 0));
    const s = keep.map((i) => pred.scores[c][i]);
    const curve = rocCurve(y, s);
    if (curve) out.push({ abbreviation, curve });
  });
  return out;
}

/** Plot title of one evaluation step. */
export function rocTitle(r: DownstreamRecord): string {
  const where = r.target !== null ? r.target : `fraction ${r.fraction}`;
  return `${where} · ${r.method} · ${r.mode}${r.arm ? ` · ${r.arm === 'with' ? 'w/' : r.arm === 'without' ? 'w/o' : r.arm}` : ''} · seed ${r.seed}`;
}

const pct = (v: number) => String(Math.round(v * 100) / 100);

function plot(r: DownstreamRecord, rocs: readonly ClassRoc[]): Html {
  const series = rocs.map((c, i) => ({ name: `${c.abbreviation} (AUC ${fixed(c.curve.auc)}, ${c.curve.positives}+ / ${c.curve.negatives}−)`, points: c.curve.points, color: color(i) }));
  const svg = linePlot({
    title: rocTitle(r),
    width: 330,
    height: 300,
    x: { label: 'false positive rate', min: 0, max: 1, format: pct },
    y: { label: 'true positive rate', min: 0, max: 1, format: pct },
    series,
    diagonal: true,
  });
  const absent = r.evaluation.per_class ? Object.entries(r.evaluation.per_class).filter(([, v]) => !v.present).map(([k]) => k) : [];
  return html`<div class="plot roc" data-step="${r.name}"><div class="cap">${rocTitle(r)}</div>${svg}${legend(rocs.map((c, i) => ({ name: html`${c.abbreviation} ${fixed(c.curve.auc)}`, color: color(i) })))}${absent.length ? html`<p class="muted" style="max-width:320px;font-size:12px">no curve (a class without positives or negatives): ${absent.join(', ')}</p>` : null}</div>`;
}

export const rocSection: ReportSection = {
  id: 'roc',
  title: 'ROC curves per class',
  applies: (run) => run.labels !== null && run.downstream.some((r) => run.predictions.has(r.name)),
  render(run: RunModel): Html {
    const labels = run.labels!;
    const steps = run.downstream.filter((r) => run.predictions.has(r.name));
    const groups = new Map<string, DownstreamRecord[]>();
    for (const r of steps) {
      const k = r.target ?? `fraction ${r.fraction}`;
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const blocks = [...groups.entries()].map(([k, rs]) => {
      const plots = rs
        .sort((a, b) => a.method.localeCompare(b.method) || a.mode.localeCompare(b.mode) || String(a.arm).localeCompare(String(b.arm)) || a.seed - b.seed)
        .map((r) => plot(r, classRocs(run.predictions.get(r.name)!, labels)));
      return html`<h3>${name(k)}</h3><div class="plots">${join(plots)}</div>`;
    });
    return html`<p>From each evaluation's predictions (predictions/&lt;step&gt;.csv) and the labels of its test records in ${name(run.labelsSource)}. Thresholds sweep from the highest score down; tied scores move together (a diagonal step). The legend gives each class's area under the curve.</p>${join(blocks)}`;
  },
};
