// Results: the workspace's experiment runs with their configs; one run in full, or two side by side;
// live loss and metric curves of the running jobs; a PyTorch cluster run's curves from its folder.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, RunSummary } from '../../shared/api.js';
import { ClusterRunPanel } from './ClusterRunPanel.js';
import { LiveCurves } from './LiveCurves.js';
import { NoRuns } from './NoRuns.js';
import { RunPanel } from './RunPanel.js';

const ACTIVE = new Set(['queued', 'running']);

export function ResultsView({ client }: { client: ApiClient }) {
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [runningJobs, setRunningJobs] = useState<number[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [timing, setTiming] = useState<Record<string, number>>({});

  const refresh = useCallback(() => {
    const t0 = performance.now();
    client.call('results.runs', {}).then(
      (r) => {
        setRuns(r.runs);
        setTiming((t) => ({ ...t, list: performance.now() - t0 }));
        setChosen((c) => (c.length ? c : r.runs[0] ? [r.runs[0].run] : []));
      },
      (e: Error) => setError(e.message),
    );
    client.call('jobs.list', {}).then((l) => setRunningJobs(l.jobs.filter((j) => ACTIVE.has(j.state) && j.kind !== 'import').map((j) => j.id)), (e: Error) => setError(e.message));
  }, [client]);
  useEffect(() => refresh(), [refresh]);
  const onTiming = useCallback((ms: number) => setTiming((t) => ({ ...t, run: ms })), []);

  const toggle = (run: string) => setChosen((c) => (c.includes(run) ? c.filter((r) => r !== run) : [...c, run].slice(-2)));

  return (
    <section className="results" data-testid="results-view" data-list-ms={timing.list?.toFixed(0) ?? ''} data-run-ms={timing.run?.toFixed(0) ?? ''}>
      <div className="toolbar">
        <h2>Experiment runs</h2>
        <button onClick={refresh} data-testid="results-refresh">
          Refresh
        </button>
        <span className="muted">Tick one run, or two to compare them side by side.</span>
      </div>
      {error && <div className="error">{error}</div>}
      <table className="compact" data-testid="runs-table">
        <thead>
          <tr>
            <th />
            <th>run</th>
            <th>kind</th>
            <th>config</th>
            <th>state</th>
            <th>steps</th>
            <th>backend</th>
            <th title="who trained the steps">engine</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {runs?.map((r) => (
            <tr key={r.run} data-testid="run-row" data-run={r.run}>
              <td>
                <input type="checkbox" checked={chosen.includes(r.run)} onChange={() => toggle(r.run)} data-testid="run-pick" />
              </td>
              <td>{r.run}</td>
              <td>{r.kind}</td>
              <td>{r.configName}</td>
              <td>{r.state}</td>
              <td>
                {r.stepsDone}/{r.stepsTotal}
              </td>
              <td>{r.backend}</td>
              <td data-testid="run-engine">{r.engine}</td>
              <td>{r.createdAt.replace('T', ' ').slice(0, 19)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs && runs.length === 0 && <NoRuns client={client} onStarted={refresh} />}
      {runningJobs.length > 0 && (
        <section>
          <h2>Running now</h2>
          {runningJobs.map((id) => (
            <LiveCurves key={id} client={client} job={id} />
          ))}
        </section>
      )}
      <div className={chosen.length === 2 ? 'side-by-side' : ''} data-testid="run-panels">
        {chosen.map((r) => (
          <RunPanel key={r} client={client} run={r} onTiming={onTiming} />
        ))}
      </div>
      <ClusterRunPanel client={client} />
    </section>
  );
}
