// One experiment run: its config, the LODO heat map (AUROC or F1) or the scaling curves, ROC and
// PR curves per class for a step, and the step table.
import { useEffect, useState } from 'react';
import type { ApiClient, RunDetail } from '../../shared/api.js';
import { LodoHeatmap, type HeatMetric } from './LodoHeatmap.js';
import { RocPrCharts } from './RocPrCharts.js';
import { ScalingChart } from './ScalingChart.js';

const f = (v: number | null) => (v === null ? '–' : v.toFixed(3));

export function RunPanel({ client, run, onTiming }: { client: ApiClient; run: string; onTiming?: (ms: number) => void }) {
  const [detail, setDetail] = useState<RunDetail | null>(null);
  const [metric, setMetric] = useState<HeatMetric>('auroc');
  const [showBaselines, setShowBaselines] = useState(true);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t0 = performance.now();
    setDetail(null);
    client.call('results.run', { run }).then(
      (d) => {
        setDetail(d);
        onTiming?.(performance.now() - t0);
      },
      (e: Error) => setError(e.message),
    );
  }, [client, run, onTiming]);
  if (error) return <div className="error">{error}</div>;
  if (!detail) return <p className="muted">loading {run}…</p>;
  return (
    <div className="run-panel" data-testid="run-panel" data-run={run}>
      <h3>
        {run}: {detail.kind} · {detail.configName} · {detail.state} · {detail.stepsDone}/{detail.stepsTotal} steps · {detail.backend} · trained on <span data-testid="run-detail-engine">{detail.engine}</span>
      </h3>
      <details>
        <summary>Config</summary>
        <pre className="config" data-testid="run-config">
          {JSON.stringify(detail.config, null, 1)}
        </pre>
      </details>
      {detail.skippedTargets.length > 0 && <p className="muted">skipped: {detail.skippedTargets.map((s) => `${s.target} (${s.reason})`).join('; ')}</p>}
      {detail.kind === 'lodo' && (
        <>
          <div className="toolbar">
            <strong>Leave-one-dataset-out</strong>
            <label>
              <input type="radio" checked={metric === 'auroc'} onChange={() => setMetric('auroc')} data-testid="heat-auroc" /> macro AUROC
            </label>
            <label>
              <input type="radio" checked={metric === 'f1'} onChange={() => setMetric('f1')} data-testid="heat-f1" /> macro F1
            </label>
            {detail.lodoBaselines.length > 0 && (
              <label>
                <input type="checkbox" checked={showBaselines} onChange={(e) => setShowBaselines(e.target.checked)} data-testid="heat-baselines" /> baselines
              </label>
            )}
            <span className="muted">hover a cell for its 95% interval and the paired interval of its delta</span>
          </div>
          {detail.lodo.length ? <LodoHeatmap cells={detail.lodo} baselines={showBaselines ? detail.lodoBaselines : []} metric={metric} /> : <p className="muted">No finished evaluation yet.</p>}
        </>
      )}
      {detail.kind === 'scaling' && (detail.scaling.length ? <ScalingChart curves={detail.scaling} /> : <p className="muted">No finished evaluation yet.</p>)}
      <RocPrCharts client={client} run={run} steps={detail.steps} />
      <details>
        <summary>Steps ({detail.steps.length})</summary>
        <table className="compact" data-testid="run-steps">
          <thead>
            <tr>
              <th>step</th>
              <th>kind</th>
              <th>method</th>
              <th>target</th>
              <th>fraction</th>
              <th>AUROC</th>
              <th>F1</th>
              <th>s</th>
            </tr>
          </thead>
          <tbody>
            {detail.steps.map((s) => (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td>{s.kind}</td>
                <td>{s.method}</td>
                <td>{s.target ?? (s.pool ? `pool: ${s.pool.join(', ')}` : '')}</td>
                <td>{s.fraction ?? ''}</td>
                <td>{f(s.macroAuroc)}</td>
                <td>{f(s.macroF1)}</td>
                <td>{s.seconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
