// The report of an evaluation job (src/main/jobs/evaluate.ts): one offline HTML page with the
// overall and per-center metrics and their bootstrap intervals, the per-class table, ROC curves per
// class (overall and per center), precision-recall curves, the thresholds, which records were scored,
// the inference engine that scored them and the model's identity (bundle.json, a foreign model's
// card). Same page shell and SVG kit as the run report. `openecg report --evaluation` renders the
// same page from an evaluation folder (report/evaluation-load.ts).
import type { Evaluation, PresentClass } from '../metrics/index.js';
import { cardSection, prPlots, recordsSection, thresholdsRule, thresholdsTable, type ScoredRecordRow } from './evaluation-sections.js';
import { fixed, html, join, name, page, type Html, type PageSection } from './html.js';
import { rocCurve } from './roc.js';
import { color, legend, linePlot, type Series } from './svg.js';

export interface EvaluationReportModel {
  readonly job: number;
  readonly bundle: string;
  /** bundle.json as read from the bundle folder; null when it could not be read. */
  readonly manifest: Readonly<Record<string, unknown>> | null;
  /** A foreign model's card (card.json in the bundle), when it has one. */
  readonly card?: Readonly<Record<string, unknown>> | null;
  /** The engine that computed the scores: 'ort' / 'tfjs', its provider and why it was chosen. */
  readonly engine: { readonly engine: string; readonly provider: string; readonly reason: string } | null;
  readonly centers: readonly string[];
  readonly part: string;
  /** 'validation', 'fixed-<value>' or 'file'. */
  readonly thresholdsFrom: string;
  /** The thresholds used, one per class (classes order), and the file they came from. */
  readonly thresholds?: readonly number[];
  readonly thresholdsFile?: string | null;
  readonly evaluation: Evaluation;
  readonly perCenter: readonly { readonly center: string; readonly records: number; readonly evaluation: Evaluation | null }[];
  /** Class abbreviations, the order of labels and scores. */
  readonly classes: readonly string[];
  /** [class][record] 0/1 and probabilities of the scored records. */
  readonly labels: readonly ArrayLike<number>[];
  readonly scores: readonly ArrayLike<number>[];
  /** The center of each scored record. */
  readonly recordCenters: readonly string[];
  /** The scored records (id, name, center, patient key, zero padding), for the records section. */
  readonly records?: readonly ScoredRecordRow[];
  readonly createdAt: string;
}

type Range = { readonly low: number; readonly high: number } | null | undefined;
const ci = (r: Range) => (r ? html` <span class="muted">[${fixed(r.low)}, ${fixed(r.high)}]</span>` : null);
const metric = (v: number | null | undefined, r: Range) => html`<td class="num">${fixed(v)}${ci(r)}</td>`;

function macroTable(rows: readonly { label: string; records: number; e: Evaluation | null }[]): Html {
  const body = rows.map(({ label, records, e }) =>
    e
      ? html`<tr data-center="${label}"><td>${name(label)}</td><td class="num">${records}</td><td class="num">${e.patients}</td><td class="num">${e.short_records ?? '–'}</td>${metric(e.macro_auroc, e.ci?.macro_auroc)}${metric(e.macro_auprc, e.ci?.macro_auprc)}${metric(e.macro_f1, e.ci?.macro_f1)}${metric(e.challenge_metric, e.ci?.challenge_metric)}<td class="num">${e.classes_averaged}</td></tr>`
      : html`<tr data-center="${label}"><td>${name(label)}</td><td class="num">${records}</td><td colspan="7" class="missing">no records scored</td></tr>`,
  );
  return html`<table class="macro"><tr><th>center</th><th>records</th><th>patients</th><th title="records shorter than the canonical window, scored zero-padded at the end">short (padded)</th><th>macro AUROC [95% CI]</th><th>macro AUPRC [95% CI]</th><th>macro F1 [95% CI]</th><th>challenge metric [95% CI]</th><th>classes averaged</th></tr>${body}</table>`;
}

function classTable(e: Evaluation): Html {
  const rows = Object.entries(e.per_class).map(([abbreviation, c]) => {
    if (!c.present) return html`<tr data-class="${abbreviation}"><td>${abbreviation}</td><td class="num">${c.positives}</td><td class="num">${c.negatives}</td><td colspan="5" class="missing">${c.reason}</td><td class="num">${fixed(c.threshold)}</td></tr>`;
    const p = c as PresentClass;
    return html`<tr data-class="${abbreviation}"><td>${abbreviation}</td><td class="num">${p.positives}</td><td class="num">${p.negatives}</td>${metric(p.auroc, p.ci?.auroc)}${metric(p.auprc, p.ci?.auprc)}${metric(p.f1, p.ci?.f1)}<td class="num">${fixed(p.sensitivity)}</td><td class="num">${fixed(p.specificity)}</td><td class="num">${fixed(p.threshold)}</td></tr>`;
  });
  return html`<table class="per-class"><tr><th>class</th><th>positives</th><th>negatives</th><th>AUROC [95% CI]</th><th>AUPRC [95% CI]</th><th>F1 [95% CI]</th><th>sensitivity</th><th>specificity</th><th>threshold</th></tr>${rows}</table>`;
}

const pct = (v: number) => String(Math.round(v * 100) / 100);

/** One plot per class with positives and negatives: the curve over all records, and one per center when there are several. */
function rocPlots(m: EvaluationReportModel): Html {
  const centers = [...new Set(m.recordCenters)];
  const plots = m.classes.flatMap((abbreviation, c) => {
    const groups = [{ label: 'all', idx: m.recordCenters.map((_, i) => i) }, ...(centers.length > 1 ? centers.map((center) => ({ label: center, idx: m.recordCenters.flatMap((x, i) => (x === center ? [i] : [])) })) : [])];
    const curves = groups.flatMap((g, k) => {
      const curve = rocCurve(g.idx.map((i) => m.labels[c][i]), g.idx.map((i) => m.scores[c][i]));
      return curve ? [{ label: g.label, curve, color: color(k) }] : [];
    });
    if (!curves.length) return [];
    const series: Series[] = curves.map((x) => ({ name: `${x.label} (AUC ${fixed(x.curve.auc)}, ${x.curve.positives}+ / ${x.curve.negatives}−)`, points: x.curve.points, color: x.color, dashed: x.label !== 'all' }));
    const svg = linePlot({ title: `${abbreviation}: ROC`, width: 260, height: 240, x: { label: 'false positive rate', min: 0, max: 1, format: pct }, y: { label: 'true positive rate', min: 0, max: 1, format: pct }, series, diagonal: true });
    return [html`<div class="plot roc" data-class="${abbreviation}"><div class="cap">${abbreviation}</div>${svg}${legend(curves.map((x) => ({ name: html`${x.label} ${fixed(x.curve.auc)}`, color: x.color })))}</div>`];
  });
  return plots.length ? html`<div class="plots">${join(plots)}</div>` : html`<p class="missing">No class has both positives and negatives among the scored records: no ROC curve exists.</p>`;
}

/** bundle.json without the long parts (class list, tensor table), as written. */
function provenance(m: EvaluationReportModel): Html {
  if (!m.manifest) return html`<p class="warn">The bundle's bundle.json could not be read: no provenance to show.</p>`;
  const { classes, weights, ...rest } = m.manifest as Record<string, unknown> & { weights?: Record<string, unknown> };
  const w = weights ? { ...weights, tensors: Array.isArray(weights.tensors) ? `${weights.tensors.length} tensors` : weights.tensors } : undefined;
  const prov = (m.manifest.provenance ?? {}) as Record<string, unknown>;
  const facts: [string, unknown][] = [
    ['task', m.manifest.task],
    ['architecture', (m.manifest.architecture as { name?: unknown } | undefined)?.name],
    ['method', m.manifest.method],
    ['created', prov.created_at],
    ['code version', prov.code_version],
    ['training backend', prov.backend],
    ['data snapshot', prov.data_snapshot],
    ['weights sha256', weights?.sha256],
    ['classes', Array.isArray(classes) ? classes.length : undefined],
  ];
  const shown = facts.filter(([, v]) => v !== undefined && v !== null);
  return html`<table class="provenance">${shown.map(([k, v]) => html`<tr><th>${k}</th><td data-key="${k}">${typeof v === 'object' ? JSON.stringify(v) : String(v)}</td></tr>`)}</table><details><summary>bundle.json (class list and tensor table shortened)</summary><pre>${JSON.stringify({ ...rest, weights: w }, null, 1)}</pre></details>`;
}

export function renderEvaluationReport(m: EvaluationReportModel): string {
  const e = m.evaluation;
  const engine = m.engine ? html`<span data-testid="engine">${m.engine.engine} (${m.engine.provider})</span>: ${m.engine.reason}` : html`<span class="missing">not recorded</span>`;
  const boot = e.ci ? `${e.ci.replicates} ${e.ci.resampled === 'patients' ? 'patient' : 'record'} bootstrap replicates (seed ${e.ci.seed})` : 'no bootstrap (evaluation.bootstrap is 0)';
  const sections: PageSection[] = [
    {
      id: 'summary',
      title: 'Summary',
      body: html`<table class="facts"><tr><th>model bundle</th><td>${name(m.bundle)}</td></tr><tr><th>inference engine</th><td>${engine}</td></tr><tr><th>centers</th><td>${join(m.centers.map((c, i) => html`${i ? ', ' : ''}${name(c)}`))}</td></tr><tr><th>records scored</th><td>${m.part === 'all' ? 'all records of the centers' : "the centers' test split"} (${e.records} records, ${e.patients} patients${e.short_records ? `, ${e.short_records} shorter than the window and zero-padded` : ''})</td></tr><tr><th>thresholds</th><td>${thresholdsRule(m.thresholdsFrom, m.part)}</td></tr><tr><th>intervals</th><td>95%, ${boot}</td></tr><tr><th>written</th><td>${m.createdAt}</td></tr></table>${macroTable([{ label: 'all', records: e.records, e }])}`,
    },
    { id: 'centers', title: 'Per center', body: macroTable(m.perCenter.map((c) => ({ label: c.center, records: c.records, e: c.evaluation }))) },
    { id: 'classes', title: 'Per class', body: html`<p>Over all scored records. A class without positives or negatives has no AUROC; the macro values average the ${e.classes_averaged} classes that have both.</p>${classTable(e)}` },
    { id: 'roc', title: 'ROC curves per class', body: html`<p>From the scores in predictions.csv and the records' labels; dashed lines are the centers' own curves.</p>${rocPlots(m)}` },
    { id: 'pr', title: 'Precision-recall curves per class', body: html`<p>The same scores; the area is the class AUPRC (average precision). Dashed lines are the centers' own curves.</p>${prPlots(m.classes, m.labels, m.scores, m.recordCenters)}` },
    ...(m.thresholds ? [{ id: 'thresholds', title: 'Thresholds', body: thresholdsTable(m.classes, m.thresholds, m.thresholdsFrom, m.thresholdsFile ?? null, m.part) }] : []),
    { id: 'records', title: 'Records scored', body: recordsSection(m.records, e.short_records) },
    { id: 'provenance', title: 'Model provenance', body: html`${cardSection(m.card)}${provenance(m)}` },
  ];
  return page(`OpenECG evaluation, job ${m.job}`, html`${name(m.bundle)} on ${m.centers.join(', ')}`, null, sections);
}
