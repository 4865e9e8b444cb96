// The leave-one-dataset-out heat map: held-out centers (rows) x methods (columns), AUROC or F1 of
// the w/o arm, coloured from the worst to the best cell; the 95% interval, the w/ arm and the delta
// with its paired interval on hover. The baselines (no pre-training) follow as extra columns, so a
// method's value is read against them; its difference to its protocol's baseline is on hover too.
// An HTML table rather than a plotly heatmap: the basic plotly bundle has no heatmap trace, and a
// table cell is a natural hover and test target.
import type { LodoBaseline, LodoCell } from '../../shared/api.js';

export type HeatMetric = 'auroc' | 'f1';

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/** White (worst) to deep green (best) across the values shown. */
function color(v: number | null, lo: number, hi: number): string {
  if (v === null) return '#eee';
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(247, 35)}, ${mix(252, 139)}, ${mix(245, 69)})`;
}

const pts = (v: number) => `${v > 0 ? '+' : ''}${v.toFixed(1)}`;
const ciPts = (ci: { low: number; high: number } | null) => (ci ? ` [95% CI ${pts(ci.low)}, ${pts(ci.high)}]${ci.low > 0 ? ', a gain' : ci.high < 0 ? ', a loss' : ', covers 0'}` : '');
const BASELINE_LABEL = { scratch: 'supervised from scratch', random_probe: 'frozen random encoder, linear probe' } as const;

export function LodoHeatmap({ cells, baselines = [], metric }: { cells: readonly LodoCell[]; baselines?: readonly LodoBaseline[]; metric: HeatMetric }) {
  const methods = [...new Set(cells.map((c) => `${c.method} · ${c.protocol}`))].sort();
  const baseColumns = [...new Set(baselines.map((b) => `${b.method} · ${b.protocol}`))].sort();
  const centers = [...new Set(cells.map((c) => c.target))].sort();
  const value = (c: LodoCell) => (metric === 'auroc' ? c.aurocWithout : c.f1Without);
  const baseValue = (b: LodoBaseline) => (metric === 'auroc' ? b.auroc : b.f1);
  const values = [...cells.map(value), ...baselines.map(baseValue)].filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const at = (center: string, method: string) => cells.find((c) => c.target === center && `${c.method} · ${c.protocol}` === method);
  return (
    <table className="heatmap" data-testid="lodo-heatmap" data-metric={metric}>
      <thead>
        <tr>
          <th>held-out center</th>
          {methods.map((m) => (
            <th key={m} data-testid="heat-method">
              {m}
            </th>
          ))}
          {baseColumns.map((m) => (
            <th key={m} data-testid="heat-baseline-column" className="baseline">
              {m}
              <br />
              <small className="muted">baseline</small>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {centers.map((center) => (
          <tr key={center}>
            <th data-testid="heat-center">{center}</th>
            {methods.map((m) => {
              const c = at(center, m);
              if (!c) return <td key={m} className="muted">–</td>;
              const v = value(c);
              const ci = metric === 'auroc' ? c.ciAurocWithout : c.ciF1Without;
              const withArm = metric === 'auroc' ? c.aurocWith : c.f1With;
              const title = [
                `${center} held out, ${m}`,
                `${metric.toUpperCase()} ${fmt(v)}${ci ? ` (95% CI ${fmt(ci.low)}–${fmt(ci.high)})` : ''}`,
                withArm !== null ? `with ${center} in pre-training: ${fmt(withArm)}` : '',
                c.deltaAurocPoints !== null ? `Δ AUROC w/ − w/o: ${pts(c.deltaAurocPoints)} points${ciPts(c.ciDeltaAurocPoints)}` : '',
                c.vsBaselinePoints !== null ? `vs ${c.protocol === 'finetune' ? 'scratch' : 'random probe'} baseline (AUROC w/o − baseline): ${pts(c.vsBaselinePoints)} points${ciPts(c.ciVsBaselinePoints)}` : '',
                `${c.testRecords} test records`,
              ]
                .filter(Boolean)
                .join('\n');
              return (
                <td key={m} style={{ background: color(v, lo, hi) }} title={title} data-testid="heat-cell" data-center={center} data-method={c.method} data-value={v ?? ''} data-delta-ci={c.ciDeltaAurocPoints ? `${c.ciDeltaAurocPoints.low},${c.ciDeltaAurocPoints.high}` : ''}>
                  {fmt(v)}
                  {ci && <small> ±{((ci.high - ci.low) / 2).toFixed(2)}</small>}
                </td>
              );
            })}
            {baseColumns.map((m) => {
              const b = baselines.find((x) => x.target === center && `${x.method} · ${x.protocol}` === m);
              if (!b) return <td key={m} className="muted">–</td>;
              const v = baseValue(b);
              const ci = metric === 'auroc' ? b.ciAuroc : null;
              const title = [`${center}, ${m}: ${BASELINE_LABEL[b.baseline]} (no pre-training)`, `${metric.toUpperCase()} ${fmt(v)}${ci ? ` (95% CI ${fmt(ci.low)}–${fmt(ci.high)})` : ''}`, `${b.testRecords} test records`].join('\n');
              return (
                <td key={m} className="baseline" style={{ background: color(v, lo, hi) }} title={title} data-testid="heat-baseline" data-center={center} data-method={b.method} data-baseline={b.baseline} data-value={v ?? ''}>
                  {fmt(v)}
                  {ci && <small> ±{((ci.high - ci.low) / 2).toFixed(2)}</small>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
