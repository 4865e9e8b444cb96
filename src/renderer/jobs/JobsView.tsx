// Jobs: model training offered on the workspace's records (the bundled experiment configs' LODO and
// scaling runs), each in its own process, with progress, ETA and cancel. Polls while any job runs.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, ApiOutput } from '../../shared/api.js';

type JobList = ApiOutput<'jobs.list'>;

const ACTIVE = new Set(['queued', 'running']);

function eta(s: number | null): string {
  if (s === null) return '';
  return s >= 90 ? `${Math.round(s / 60)} min left` : `${Math.round(s)} s left`;
}

export function JobsView({ client }: { client: ApiClient }) {
  const [list, setList] = useState<JobList | null>(null);
  const [config, setConfig] = useState('small-cpu');
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => client.call('jobs.list', {}).then(setList, (e: Error) => setError(e.message)), [client]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const running = list?.jobs.some((j) => ACTIVE.has(j.state)) ?? false;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void refresh(), 1000);
    return () => clearInterval(t);
  }, [running, refresh]);

  const start = (experiment: 'lodo' | 'scaling') => {
    setError(null);
    client.call('jobs.start', { experiment, config }).then(() => refresh(), (e: Error) => setError(e.message));
  };
  const cancel = (id: number) => client.call('jobs.cancel', { id }).then(() => refresh(), (e: Error) => setError(e.message));

  return (
    <section className="jobs" data-testid="jobs-view">
      <h2>Train models</h2>
      <p className="muted">
        Pre-train SimCLR, BYOL and MAE on this workspace's records and evaluate them per center, as the OpenECG paper does: leave-one-dataset-out, or
        data scaling. Each run is a job in its own process; it keeps going if this window closes, and resumes from its last checkpoint after a crash.
      </p>
      <div className="job-form">
        <label>
          Config{' '}
          <select value={config} onChange={(e) => setConfig(e.target.value)} data-testid="job-config">
            {(list?.configs ?? ['small-cpu']).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => start('lodo')} data-testid="job-start-lodo">
          Start LODO
        </button>
        <button onClick={() => start('scaling')} data-testid="job-start-scaling">
          Start data scaling
        </button>
      </div>
      {error && <div className="error" data-testid="jobs-error">{error}</div>}
      <table className="jobs-table" data-testid="jobs-table">
        <thead>
          <tr>
            <th>job</th>
            <th>what</th>
            <th>config</th>
            <th>state</th>
            <th>progress</th>
            <th>status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list?.jobs.map((j) => (
            <tr key={j.id} data-testid="job-row" data-job={j.id} data-state={j.state}>
              <td>{j.id}</td>
              <td>{j.experiment ? `experiment ${j.experiment}` : j.kind}</td>
              <td>{j.config ?? ''}</td>
              <td data-testid="job-state">{j.state}</td>
              <td>
                <progress max={100} value={Math.round(j.progress * 100)} /> {Math.round(j.progress * 100)}% {ACTIVE.has(j.state) ? eta(j.etaS) : ''}
              </td>
              <td className="muted">{j.error ?? j.message ?? ''}</td>
              <td>
                {ACTIVE.has(j.state) && (
                  <button onClick={() => void cancel(j.id)} data-testid="job-cancel">
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list && list.jobs.length === 0 && <p className="muted">No jobs yet.</p>}
    </section>
  );
}
