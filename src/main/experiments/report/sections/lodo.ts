// The leave-one-dataset-out results: heat maps of targets x methods (AUROC and F1 of each arm, and
// the w/ - w/o delta when the run has both arms), with the 95% bootstrap intervals in the tooltips
// and the table below (with the baselines when the run has them).
import type { DownstreamRecord } from '../../records.js';
import { baselineTable, lodoTable, type BaselineRow, type LodoRow } from '../../tables.js';
import { fixed, html, join, name, signed, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { heatMap, type HeatCell } from '../svg.js';

/** The LODO evaluations (both arms) and the baselines on the same targets, which lodoTable reads them against. */
export const lodoRecords = (run: RunModel): DownstreamRecord[] => run.downstream.filter((r) => r.target !== null && r.fraction === null);
export const hasLodo = (run: RunModel): boolean => run.downstream.some((r) => r.target !== null && (r.arm === 'with' || r.arm === 'without'));

type Interval = { low: number; high: number } | null;

/** The paired interval of w/ - w/o in points, from summary.json (the experiment computes it when it finishes). */
export function deltaInterval(run: RunModel, row: LodoRow): Interval {
  const rows = run.summary?.lodo;
  if (!Array.isArray(rows)) return null;
  const s = rows.find((x: Partial<LodoRow>) => x.target === row.target && x.method === row.method && x.protocol === row.protocol) as Partial<LodoRow> | undefined;
  const ci = s?.delta?.ci_auroc_points;
  return ci && typeof ci.low === 'number' && typeof ci.high === 'number' ? { low: ci.low, high: ci.high } : null;
}

/** The first seed's bootstrap interval of a metric (as lodoTable reports the AUROC ones). */
function ciOf(records: readonly DownstreamRecord[], row: LodoRow, arm: 'with' | 'without', metric: 'macro_auroc' | 'macro_f1'): Interval {
  const r = records.find((x) => x.target === row.target && x.method === row.method && x.mode === row.protocol && x.arm === arm);
  const ci = r?.evaluation.ci?.[metric];
  return ci ? { low: ci.low, high: ci.high } : null;
}

const ciText = (ci: Interval, digits = 3) => (ci ? ` [${fixed(ci.low, digits)}, ${fixed(ci.high, digits)}]` : '');

/** Column of the heat map: the method label, with the protocol when the run has more than one. */
export function lodoColumn(row: { method: string; protocol: string }, protocols: number): string {
  return protocols > 1 ? `${row.method} (${row.protocol})` : row.method;
}

export interface LodoMetric {
  readonly key: string;
  readonly title: string;
  readonly value: (row: LodoRow) => number | null;
  readonly ci: (row: LodoRow) => Interval;
  readonly domain: readonly [number, number];
  readonly diverging?: boolean;
  readonly text: (v: number) => string;
}

export function lodoMetrics(run: RunModel, records: readonly DownstreamRecord[], rows: readonly LodoRow[]): LodoMetric[] {
  const hasWith = rows.some((r) => r.auroc_with !== null);
  const out: LodoMetric[] = [{ key: 'auroc-without', title: 'Macro AUROC, target left out of pre-training (w/o)', value: (r) => r.auroc_without, ci: (r) => r.ci_without, domain: [0.5, 1], text: (v) => fixed(v) }];
  if (hasWith) {
    const deltas = rows.map((r) => r.delta_auroc_points).filter((v): v is number => v !== null);
    const m = Math.max(1, ...deltas.map(Math.abs));
    out.push(
      { key: 'auroc-with', title: 'Macro AUROC, target in the pre-training pool (w/)', value: (r) => r.auroc_with, ci: (r) => r.ci_with ?? ciOf(records, r, 'with', 'macro_auroc'), domain: [0.5, 1], text: (v) => fixed(v) },
      { key: 'delta', title: 'Δ AUROC = w/ − w/o (points)', value: (r) => r.delta_auroc_points, ci: (r) => deltaInterval(run, r), domain: [-m, m], diverging: true, text: (v) => signed(v) },
    );
  }
  out.push({ key: 'f1-without', title: 'Macro F1, w/o', value: (r) => r.f1_without, ci: (r) => ciOf(records, r, 'without', 'macro_f1'), domain: [0, 1], text: (v) => fixed(v) });
  if (hasWith) out.push({ key: 'f1-with', title: 'Macro F1, w/', value: (r) => r.f1_with, ci: (r) => ciOf(records, r, 'with', 'macro_f1'), domain: [0, 1], text: (v) => fixed(v) });
  return out;
}

/** The baselines evaluated on the LODO targets (scratch and random-encoder probe, per backbone). */
export const lodoBaselines = (run: RunModel): BaselineRow[] => baselineTable(lodoRecords(run)).filter((b) => b.target !== null);

/** A baseline's heat-map cell: the same value under both arms (no pre-training to leave a center out of). */
export function baselineCell(b: BaselineRow, protocols: number, metric: 'auroc' | 'f1'): HeatCell {
  const v = metric === 'auroc' ? b.auroc : b.f1;
  const ci = metric === 'auroc' ? b.ci : null;
  const label = b.baseline === 'scratch' ? 'supervised from scratch' : 'frozen random encoder, linear probe';
  return {
    row: b.target!,
    col: lodoColumn(b, protocols),
    value: v,
    text: v === null ? 'n/a' : `${fixed(v)}${ciText(ci, 2)}`,
    tooltip: `${b.target} / ${b.method} (${label}): ${fixed(v)}${ci ? `, 95% CI${ciText(ci)}` : ''}; baseline, no pre-training; ${b.test_records} test records`,
  };
}

/** The LODO rows of the run: pre-trained methods only (baselines are columns of their rows). */
export const lodoRows = (run: RunModel): LodoRow[] => lodoTable(lodoRecords(run)).filter((r) => r.auroc_without !== null || r.auroc_with !== null);

export const lodoSection: ReportSection = {
  id: 'lodo',
  title: 'Leave one dataset out',
  applies: hasLodo,
  render(run: RunModel): Html {
    const records = lodoRecords(run);
    const rows = lodoRows(run);
    const protocols = new Set(rows.map((r) => r.protocol)).size;
    const targets = [...new Set(rows.map((r) => r.target))];
    // Baselines sit beside the methods in every map but the Δ one (they have no arms), so a
    // method's value is always read against the same network trained without pre-training.
    const bases = lodoBaselines(run);
    const baseColumns = [...new Set(bases.map((b) => lodoColumn(b, protocols)))];
    const methodColumns = [...new Set(rows.map((r) => lodoColumn(r, protocols)))];
    const maps = lodoMetrics(run, records, rows).map((m) => {
      const withBases = m.key !== 'delta' && baseColumns.length > 0;
      const columns = withBases ? [...methodColumns, ...baseColumns] : methodColumns;
      const cells: HeatCell[] = rows.map((r) => {
        const v = m.value(r);
        const ci = m.ci(r);
        const digits = m.key === 'delta' ? 1 : 3;
        return {
          row: r.target,
          col: lodoColumn(r, protocols),
          value: v,
          text: v === null ? 'n/a' : `${m.text(v)}${ci ? ciText(ci, digits === 1 ? 1 : 2) : ''}`,
          tooltip: `${r.target} / ${r.method} (${r.protocol}): ${v === null ? 'n/a' : m.text(v)}${ci ? `, 95% CI${ciText(ci, digits)}` : ''}; ${r.test_records} test records`,
        };
      });
      if (withBases) cells.push(...bases.map((b) => baselineCell(b, protocols, m.key.startsWith('f1') ? 'f1' : 'auroc')));
      return html`<div class="plot" data-metric="${m.key}">${heatMap({ title: m.title, rows: targets, cols: columns, cells, domain: m.domain, diverging: m.diverging })}</div>`;
    });
    const baselines = rows.some((r) => r.scratch_auroc !== null || r.random_probe_auroc !== null);
    const table = rows.map(
      (r) =>
        html`<tr><td>${name(r.target)}</td><td>${name(r.method)}</td><td>${r.protocol}</td><td class="num">${fixed(r.auroc_without)}${ciText(r.ci_without)}</td><td class="num">${fixed(r.auroc_with)}${ciText(r.ci_with ?? ciOf(records, r, 'with', 'macro_auroc'))}</td><td class="num">${r.delta_auroc_points === null ? 'n/a' : signed(r.delta_auroc_points)}${ciText(deltaInterval(run, r), 1)}</td><td class="num">${fixed(r.f1_without)}${ciText(ciOf(records, r, 'without', 'macro_f1'))}</td><td class="num">${fixed(r.f1_with)}${ciText(ciOf(records, r, 'with', 'macro_f1'))}</td>${baselines ? html`<td class="num">${fixed(r.scratch_auroc)}</td><td class="num">${fixed(r.random_probe_auroc)}</td>` : null}<td class="num">${r.test_records}</td></tr>`,
    );
    const seeds = new Set(records.map((r) => r.seed)).size;
    return html`<p>Rows are target centers, columns methods; each cell gives the value and its 95% interval (hover for the exact bounds). Each value is the mean over ${seeds} seed${seeds > 1 ? 's' : ''}; the intervals are the patient bootstrap of the first seed (the Δ interval is the paired bootstrap of summary.json, once the run has finished). Δ is in AUROC points (×100), the unit PAPER.md reads the paper's deltas in.</p>
<div class="plots">${join(maps)}</div>
<table><tr><th>target</th><th>method</th><th>protocol</th><th>AUROC w/o [95% CI]</th><th>AUROC w/ [95% CI]</th><th>Δ points [95% CI]</th><th>F1 w/o [95% CI]</th><th>F1 w/ [95% CI]</th>${baselines ? html`<th>AUROC scratch</th><th>AUROC random probe</th>` : null}<th>test records</th></tr>${table}</table>`;
  },
};
