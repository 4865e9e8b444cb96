// Scaling curves: macro AUROC against the fraction of the pre-training pool, one line per method,
// the saturation point (the documented rule: first fraction within tolerance of the best) marked.
import { useMemo } from 'react';
import type { Data } from 'plotly.js-basic-dist-min';
import type { ScalingCurveView } from '../../shared/api.js';
import { usePlot } from '../charts/usePlot.js';

export function ScalingChart({ curves }: { curves: readonly ScalingCurveView[] }) {
  const data = useMemo<Data[]>(() => {
    const lines: Data[] = curves.map((c) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${c.method} · ${c.protocol}`,
      x: c.points.map((p) => p.fraction),
      y: c.points.map((p) => p.macroAuroc),
      text: c.points.map((p) => `${p.pretrainRecords} pre-training records`),
      hovertemplate: '%{x:.0%} of the pool: AUROC %{y:.3f}<br>%{text}<extra></extra>',
    }));
    const sat: Data = {
      type: 'scatter',
      mode: 'markers',
      name: 'saturation point',
      x: curves.map((c) => c.saturationFraction),
      y: curves.map((c) => c.points.find((p) => p.fraction === c.saturationFraction)?.macroAuroc ?? null),
      marker: { symbol: 'star', size: 16, color: '#d62728' },
      text: curves.map((c) => `${c.method}: saturates at ${c.saturationFraction === null ? '–' : `${(c.saturationFraction * 100).toFixed(0)}%`} (within ${c.tolerancePoints} AUROC points of the best)`),
      hovertemplate: '%{text}<extra></extra>',
    };
    return [...lines, sat];
  }, [curves]);
  const box = usePlot(data, { height: 340, title: { text: 'Data scaling: macro AUROC vs pre-training fraction' }, xaxis: { title: { text: 'fraction of the pre-training pool' }, type: 'log', tickformat: '.0%' }, yaxis: { title: { text: 'macro AUROC' } }, legend: { orientation: 'h', y: -0.3 }, margin: { l: 50, r: 10, t: 30, b: 90 } });
  return (
    <div>
      <div ref={box} className="chart" data-testid="scaling-chart" />
      <ul className="muted" data-testid="saturation-list">
        {curves.map((c) => (
          <li key={`${c.method}${c.protocol}`} data-testid="saturation" data-method={c.method} data-fraction={c.saturationFraction ?? ''}>
            {c.method} ({c.protocol}): saturation at {c.saturationFraction === null ? '–' : `${(c.saturationFraction * 100).toFixed(0)}%`} of the pool
          </li>
        ))}
      </ul>
    </div>
  );
}
