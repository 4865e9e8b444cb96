// The workspace's models and its demo-models job, polled while that job runs: the Inspect and
// Results views follow the job's progress and pick the models up the moment they exist.
import { useCallback, useEffect, useState } from 'react';
import type { ApiClient, JobSummary, ModelInfo } from '../../shared/api.js';

export interface WorkspaceModels {
  /** null until the first answer. */
  readonly models: ModelInfo[] | null;
  /** The newest demo-models job, if any. */
  readonly demoJob: JobSummary | null;
  readonly error: string | null;
  /** Starts (or resumes) the demo models job. */
  trainDemoModels(): void;
}

const ACTIVE = new Set(['queued', 'running']);

export function useWorkspaceModels(client: ApiClient): WorkspaceModels {
  const [models, setModels] = useState<ModelInfo[] | null>(null);
  const [demoJob, setDemoJob] = useState<JobSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => {
    client.call('models.list', {}).then((r) => setModels(r.models), (e: Error) => setError(e.message));
    client.call('jobs.list', {}).then((l) => setDemoJob(l.jobs.find((j) => j.kind === 'demo-models') ?? null), (e: Error) => setError(e.message));
  }, [client]);
  useEffect(() => refresh(), [refresh]);
  const active = demoJob !== null && ACTIVE.has(demoJob.state);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(refresh, 1500);
    return () => clearInterval(t);
  }, [active, refresh]);
  // The last poll saw the job running; one more read once it ends brings the new models in.
  useEffect(() => {
    if (demoJob && demoJob.state === 'done') refresh();
  }, [demoJob?.state, refresh]);
  const trainDemoModels = useCallback(() => {
    setError(null);
    client.call('jobs.submit', { kind: 'demo-models' }).then(setDemoJob, (e: Error) => setError(e.message));
  }, [client]);
  return { models, demoJob, error, trainDemoModels };
}

function eta(s: number | null): string {
  if (s === null) return '';
  return s >= 90 ? ` · about ${Math.round(s / 60)} min left` : ` · about ${Math.round(s)} s left`;
}

/** The demo models job as a progress bar, or the button that starts it. */
export function DemoModelsStatus({ state }: { state: WorkspaceModels }) {
  const j = state.demoJob;
  if (j && ACTIVE.has(j.state)) {
    return (
      <div className="demo-models" data-testid="demo-models-progress" data-progress={j.progress.toFixed(3)}>
        <strong>Training the demo models</strong> (job {j.id}: a small MAE, then a classifier on its encoder){eta(j.etaS)}
        <progress max={1} value={j.progress} />
        <span className="muted">{Math.round(j.progress * 100)}% · {j.message ?? 'starting'}</span>
      </div>
    );
  }
  return (
    <div className="demo-models" data-testid="demo-models-offer">
      {j && j.state !== 'done' && (
        <p className="error">
          The demo models job {j.id} ended {j.state}
          {j.error ? `: ${j.error}` : ''}.
        </p>
      )}
      <button onClick={state.trainDemoModels} data-testid="train-demo-models">
        {j && j.state !== 'done' ? 'Resume the demo models' : 'Train the demo models'}
      </button>{' '}
      <span className="muted">a small MAE and a classifier on this workspace's records, a few minutes on two cores</span>
      {state.error && <p className="error">{state.error}</p>}
    </div>
  );
}
