// Pre-training read against the baselines: per target, method and protocol, the model beside the
// baseline of its protocol (fine-tuning against supervised-from-scratch, the linear probe against a
// frozen random encoder), with both differences (w/ − w/o and w/o − baseline), their paired
// bootstrap intervals from summary.json and their sign. Shown only when the run has baselines.
import type { LodoRow, PointsDifference } from '../../tables.js';
import { fixed, html, name, signed, type Html } from '../html.js';
import type { RunModel } from '../model.js';
import type { ReportSection } from '../section.js';
import { lodoBaselines, lodoRows } from './lodo.js';

type Range = { readonly low: number; readonly high: number } | null;

/** What a difference says: a gain or a loss when its interval excludes 0, else not shown to differ. */
export function signOf(points: number | null, ci: Range): 'gain' | 'loss' | 'no clear difference' | 'n/a' {
  if (points === null) return 'n/a';
  if (ci && ci.low > 0) return 'gain';
  if (ci && ci.high < 0) return 'loss';
  // An interval covering 0, or none yet (run not finished): the sign alone is not evidence.
  return 'no clear difference';
}

/** summary.json's row for a LODO row: the paired intervals are computed there when the run finishes. */
function summaryRow(run: RunModel, row: LodoRow): Partial<LodoRow> | undefined {
  const rows = run.summary?.lodo;
  if (!Array.isArray(rows)) return undefined;
  return rows.find((x: Partial<LodoRow>) => x.target === row.target && x.method === row.method && x.protocol === row.protocol) as Partial<LodoRow> | undefined;
}

const ciText = (ci: Range) => (ci ? ` [${signed(ci.low)}, ${signed(ci.high)}]` : '');

function differenceCells(points: number | null, d: PointsDifference | null | undefined): Html {
  const ci = d?.ci_auroc_points ?? null;
  const sign = signOf(points, ci);
  return html`<td class="num" data-points="${points === null ? '' : String(points)}">${points === null ? 'n/a' : signed(points)}${ciText(ci)}</td><td class="sign sign-${sign.replace(/ /g, '-')}">${sign}</td>`;
}

export const baselinesSection: ReportSection = {
  id: 'baselines',
  title: 'Against the baselines',
  applies: (run) => lodoBaselines(run).length > 0 && lodoRows(run).length > 0,
  render(run: RunModel): Html {
    const bases = lodoBaselines(run);
    const rows = lodoRows(run);
    const body = rows.map((r) => {
      const s = summaryRow(run, r);
      const kind = r.protocol === 'finetune' ? 'scratch' : 'random_probe';
      const base = bases.find((b) => b.target === r.target && b.backbone === r.backbone && b.baseline === kind) ?? null;
      // The difference to the baseline is w/o minus baseline: the arm that never saw the target.
      const vsPoints = s?.vs_baseline?.auroc_points ?? (base?.auroc != null && r.auroc_without !== null ? (r.auroc_without - base.auroc) * 100 : null);
      return html`<tr data-target="${r.target}" data-method="${r.method}" data-protocol="${r.protocol}"><td>${name(r.target)}</td><td>${name(r.method)}</td><td>${r.protocol}</td><td class="num">${fixed(r.auroc_without)}</td><td class="num">${fixed(r.auroc_with)}</td>${differenceCells(r.delta_auroc_points, s?.delta)}<td>${base ? name(base.method) : html`<span class="missing">not run</span>`}</td><td class="num">${fixed(base?.auroc)}${base?.ci ? ` [${fixed(base.ci.low)}, ${fixed(base.ci.high)}]` : ''}</td>${differenceCells(vsPoints, s?.vs_baseline)}</tr>`;
    });
    const finished = run.summary !== null;
    return html`<p>Each pre-trained model beside the baseline of its protocol on the same target and test records: fine-tuning against the same network trained from random initialisation on the labelled split only (<em>scratch</em>), the linear probe against a probe on a frozen random encoder (<em>random probe</em>). Differences are in AUROC points (×100) with their 95% paired bootstrap intervals over the same test records${finished ? '' : html` <span class="warn">(the intervals are computed when the run finishes; until then only the point differences are shown)</span>`}. The sign column says <em>gain</em> or <em>loss</em> only when the interval excludes 0.</p>
<table class="baselines"><tr><th>target</th><th>method</th><th>protocol</th><th>AUROC w/o</th><th>AUROC w/</th><th>Δ w/ − w/o [95% CI]</th><th>sign</th><th>baseline</th><th>baseline AUROC [95% CI]</th><th>Δ w/o − baseline [95% CI]</th><th>sign</th></tr>${body}</table>`;
  },
};
