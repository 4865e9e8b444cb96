// Sections of the evaluation report beside the metric tables (evaluation.ts): precision-recall
// curves, the thresholds used, the model's identity (a foreign model's card) and which records were
// scored. Pure functions of the report model; nothing here reads files.
import { fixed, html, join, name, type Html } from './html.js';
import { prCurve } from './pr.js';
import { color, legend, linePlot, type Series } from './svg.js';

export interface ScoredRecordRow {
  readonly id: number;
  readonly patient: number | string;
  readonly center: string;
  readonly name: string;
  readonly paddedS: number;
}

const pct = (v: number) => String(Math.round(v * 100) / 100);

/** One PR plot per class with positives and negatives: all records, and each center when there are several. */
export function prPlots(classes: readonly string[], labels: readonly ArrayLike<number>[], scores: readonly ArrayLike<number>[], recordCenters: readonly string[]): Html {
  const centers = [...new Set(recordCenters)];
  const plots = classes.flatMap((abbreviation, c) => {
    const groups = [{ label: 'all', idx: recordCenters.map((_, i) => i) }, ...(centers.length > 1 ? centers.map((center) => ({ label: center, idx: recordCenters.flatMap((x, i) => (x === center ? [i] : [])) })) : [])];
    const curves = groups.flatMap((g, k) => {
      const curve = prCurve(g.idx.map((i) => labels[c][i]), g.idx.map((i) => scores[c][i]));
      return curve ? [{ label: g.label, curve, color: color(k) }] : [];
    });
    if (!curves.length) return [];
    const series: Series[] = curves.map((x) => ({ name: `${x.label} (AP ${fixed(x.curve.ap)}, ${x.curve.positives}+ / ${x.curve.negatives}−)`, points: x.curve.points, color: x.color, dashed: x.label !== 'all' }));
    const svg = linePlot({ title: `${abbreviation}: precision-recall`, width: 260, height: 240, x: { label: 'recall', min: 0, max: 1, format: pct }, y: { label: 'precision', min: 0, max: 1, format: pct }, series });
    return [html`<div class="plot pr" data-class="${abbreviation}"><div class="cap">${abbreviation}</div>${svg}${legend(curves.map((x) => ({ name: html`${x.label} ${fixed(x.curve.ap)}`, color: x.color })))}</div>`];
  });
  return plots.length ? html`<div class="plots">${join(plots)}</div>` : html`<p class="missing">No class has both positives and negatives among the scored records: no precision-recall curve exists.</p>`;
}

/**
 * How the thresholds were set, in words. A fixed value is the user's choice (or the default for all
 * records of a site, which has no validation split: said only there, and only of 0.5).
 */
export function thresholdsRule(from: string, part?: string): string {
  if (from === 'validation') return "chosen per class on the centers' validation split (the threshold maximising F1)";
  if (from === 'file') return 'given per class in a thresholds file';
  if (from === 'card') return "the model card's (docs/model-card.md)";
  const fixedAt = /^fixed-(.+)$/.exec(from);
  return fixedAt ? `fixed at ${fixedAt[1]} for every class${fixedAt[1] === '0.5' && part === 'all' ? ' (the default: all records scored, no validation split to choose them on)' : ''}` : from;
}

/** The thresholds table: one row per class with the value a record is called positive at (score >= threshold). */
export function thresholdsTable(classes: readonly string[], thresholds: readonly number[], from: string, file: string | null, part?: string): Html {
  const rows = classes.map((c, i) => html`<tr data-threshold="${c}"><td>${c}</td><td class="num">${String(+thresholds[i].toPrecision(6))}</td></tr>`);
  return html`<p>Thresholds ${thresholdsRule(from, part)}${file ? html`: <span class="name">${file}</span>` : null}. thresholds.csv holds them in the format <code>openecg score --thresholds</code> reads.</p><table class="thresholds"><tr><th>class</th><th>threshold</th></tr>${rows}</table>`;
}

const show = (v: unknown): string => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A foreign model's card: its identity, input spec and output classes as the card states them. */
export function cardSection(card: Readonly<Record<string, unknown>> | null | undefined): Html | null {
  if (!card) return null;
  const facts: [string, unknown][] = [
    ['name', card.name],
    ['version', card.version],
    ['source', card.source],
    ['licence', card.licence],
  ];
  const input = (card.input ?? {}) as Record<string, unknown>;
  const output = (card.output ?? {}) as Record<string, unknown>;
  const inputFacts: [string, unknown][] = [
    ['rate (Hz)', input.rate],
    ['samples', input.samples],
    ['layout', input.layout],
    ['leads', Array.isArray(input.leads) ? input.leads.join(', ') : input.leads],
    ['units', input.units],
    ['filter', input.filter],
    ['normalization', input.normalization],
    ['activation', output.activation],
    ['output classes', Array.isArray(output.classes) ? output.classes.length : undefined],
  ];
  const row = ([k, v]: [string, unknown]) => html`<tr><th>${k}</th><td data-card="${k}">${show(v)}</td></tr>`;
  return html`<h3>Model card</h3><table class="card">${facts.map(row)}${inputFacts.filter(([, v]) => v !== undefined).map(row)}</table><details><summary>card.json</summary><pre>${JSON.stringify(card, null, 1)}</pre></details>`;
}

/** Which records were scored: counts per center, the zero-padded ones, and the full list folded. */
export function recordsSection(records: readonly ScoredRecordRow[] | undefined, shortCount: number | undefined): Html {
  if (!records) return html`<p class="missing">The record list was not given to this report.</p>`;
  const padded = records.filter((r) => r.paddedS > 0);
  const centers = [...new Set(records.map((r) => r.center))];
  const counts = centers.map((c) => html`<tr data-records-center="${c}"><td>${name(c)}</td><td class="num">${records.filter((r) => r.center === c).length}</td><td class="num">${records.filter((r) => r.center === c && r.paddedS > 0).length}</td></tr>`);
  const list = records.map((r) => html`<tr><td class="num">${r.id}</td><td>${r.name}</td><td>${r.center}</td><td>${String(r.patient)}</td><td class="num">${r.paddedS > 0 ? r.paddedS.toFixed(2) : ''}</td></tr>`);
  return html`<p>${records.length} records scored${html`; <span data-testid="short-records">${shortCount ?? padded.length}</span> of them shorter than the canonical window and zero-padded at the end (the short-record rule, docs/defaults.md; catalog <code>padded_s</code>)`}. records.csv lists them.</p><table class="record-counts"><tr><th>center</th><th>records</th><th>zero-padded</th></tr>${counts}</table><details><summary>every scored record (catalog id, name, center, patient key, seconds padded)</summary><table class="records"><tr><th>record</th><th>name</th><th>center</th><th>patient</th><th>padded (s)</th></tr>${list}</table></details>`;
}
