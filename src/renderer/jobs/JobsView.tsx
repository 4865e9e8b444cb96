// Jobs: model training offered on the workspace's records (the bundled experiment configs' LODO and
// scaling runs, and every other job kind from the new-job form), each in its own process, with
// progress, ETA, log, cancel and resume. Polls while any job runs.
import { Fragment, useCallback, useEffect, useState } from 'react';
import type { ApiClient, ApiOutput } from '../../shared/api.js';
import { EmptyState } from '../guide/EmptyState.js';
import { JobLog } from './JobLog.js';
import { NewJobForm } from './NewJobForm.js';

type JobList = ApiOutput<'jobs.list'>;

const ACTIVE = new Set(['queued', 'running']);
/** States a job continues from its checkpoints (the catalog's RESUMABLE_STATES, less 'queued'). */
const RESUMABLE = new Set(['interrupted', 'cancelled', 'failed']);

function eta(s: number | null): string {
  if (s === null) return '';
  return s >= 90 ? `${Math.round(s / 60)} min left` : `${Math.round(s)} s left`;
}

export function JobsView({ client }: { client: ApiClient }) {
  const [list, setList] = useState<JobList | null>(null);
  const [config, setConfig] = useState('small-cpu');
  const [error, setError] = useState<string | null>(null);
  const [logs, setLogs] = useState<Set<number>>(new Set());

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
  const resume = (id: number) => client.call('jobs.resume', { id }).then(() => refresh(), (e: Error) => setError(e.message));
  const toggleLog = (id: number) =>
    setLogs((l) => {
      const next = new Set(l);
      if (!next.delete(id)) next.add(id);
      return next;
    });

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
      <NewJobForm client={client} configs={list?.configs ?? ['small-cpu']} onStarted={() => void refresh()} />
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
            <Fragment key={j.id}>
            <tr data-testid="job-row" data-job={j.id} data-state={j.state} data-progress={j.progress}>
              <td>{j.id}</td>
              <td>{j.experiment ? `experiment ${j.experiment}` : j.kind}</td>
              <td>{j.config ?? ''}</td>
              <td data-testid="job-state">{j.state}</td>
              <td>
                <progress max={1000} value={Math.round(j.progress * 1000)} data-testid="job-progress" /> {(j.progress * 100).toFixed(j.progress < 0.1 ? 1 : 0)}%{' '}
                <span data-testid="job-eta">{ACTIVE.has(j.state) ? eta(j.etaS) : ''}</span>
              </td>
              <td className="muted">{j.error ?? j.message ?? ''}</td>
              <td>
                {ACTIVE.has(j.state) && (
                  <button onClick={() => void cancel(j.id)} data-testid="job-cancel">
                    Cancel
                  </button>
                )}
                {RESUMABLE.has(j.state) && (
                  <button onClick={() => void resume(j.id)} data-testid="job-resume" title="continue from the last checkpoint">
                    Resume
                  </button>
                )}
                <button onClick={() => toggleLog(j.id)} data-testid="job-log-toggle">
                  {logs.has(j.id) ? 'Hide log' : 'Log'}
                </button>
              </td>
            </tr>
            {logs.has(j.id) && (
              <tr>
                <td colSpan={7}>
                  <JobLog client={client} id={j.id} active={ACTIVE.has(j.state)} />
                </td>
              </tr>
            )}
            </Fragment>
          ))}
        </tbody>
      </table>
      {list && list.jobs.length === 0 && (
        <EmptyState testId="jobs-empty" title="No jobs yet" why="Start an experiment above (LODO or data scaling with a bundled config), any single step from the new-job form, or the demo models.">
          <button onClick={() => client.call('jobs.submit', { kind: 'demo-models' }).then(() => refresh(), (e: Error) => setError(e.message))} data-testid="jobs-train-demo">
            Train the demo models
          </button>
        </EmptyState>
      )}
    </section>
  );
}
