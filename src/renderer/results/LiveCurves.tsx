// Loss curves of a running job, polled while it runs: one line per training step (finished steps
// from their records, the running one from its checkpoints), and the macro AUROC of each finished
// downstream step.
import { useEffect, useMemo, useState } from 'react';
import type { Data } from 'plotly.js-basic-dist-min';
import type { ApiClient, LiveCurves as Live } from '../../shared/api.js';
import { usePlot } from '../charts/usePlot.js';

export function LiveCurves({ client, job, pollMs = 1500 }: { client: ApiClient; job: number; pollMs?: number }) {
  const [live, setLive] = useState<Live | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = () =>
      client.call('results.live', { job }).then(
        (l) => {
          if (stopped) return;
          setLive(l);
          if (l.state === 'running' || l.state === 'queued') timer = setTimeout(poll, pollMs);
        },
        (e: Error) => !stopped && setError(e.message),
      );
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, job, pollMs]);
  const loss = useMemo<Data[] | null>(
    () => live && live.curves.map((c) => ({ type: 'scatter', mode: 'lines', name: `${c.step}${c.running ? ' (running)' : ''}`, x: c.losses.map((_, i) => i + 1), y: c.losses, line: { width: c.running ? 2.5 : 1.2 } })),
    [live],
  );
  const metric = useMemo<Data[] | null>(() => live && [{ type: 'bar', x: live.metrics.map((m) => m.step), y: live.metrics.map((m) => m.macroAuroc), name: 'macro AUROC' }], [live]);
  const lossBox = usePlot(loss, { height: 280, title: { text: `Job ${job}: training loss per step` }, xaxis: { title: { text: 'training step' } }, yaxis: { title: { text: 'loss' } }, showlegend: false });
  const metricBox = usePlot(metric, { height: 280, title: { text: 'macro AUROC of finished evaluations' }, yaxis: { range: [0, 1] }, xaxis: { showticklabels: false } });
  return (
    <div data-testid="live-curves" data-job={job} data-state={live?.state ?? ''} data-curves={live?.curves.length ?? 0}>
      {error && <div className="error">{error}</div>}
      {live && (
        <p className="muted">
          job {job} · {live.state} · {Math.round(live.progress * 100)}% · {live.curves.length} loss curves · {live.metrics.length} evaluations
        </p>
      )}
      <div className="charts-row">
        <div ref={lossBox} className="chart" data-testid="live-loss" />
        <div ref={metricBox} className="chart" />
      </div>
    </div>
  );
}
