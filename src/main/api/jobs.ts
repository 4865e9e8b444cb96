// The Workstation API's jobs: experiments started from the UI run as jobs in their own processes
// (the server's event loop only submits, lists and cancels them).
import { ApiError, type ApiOutput, type JobSummary } from '../../shared/api.js';
import { bundledConfigNames, configPath } from '../experiments/bundled.js';
import { readExperimentConfig } from '../experiments/config.js';
import type { TrainingEngineName } from '../experiments/engines/types.js';
import { cancelJob, job, jobs, startJob, submitJob, type JobRow } from '../jobs/index.js';

function summary(row: JobRow): JobSummary {
  const params = row.params as { experiment?: unknown; config_file?: unknown; config?: { name?: unknown } };
  return {
    id: row.id,
    kind: row.kind,
    experiment: typeof params.experiment === 'string' ? params.experiment : null,
    config: typeof params.config?.name === 'string' ? params.config.name : null,
    state: row.state,
    progress: Math.min(1, Math.max(0, row.progress)),
    etaS: row.eta_s,
    message: row.message,
    error: row.error,
    createdAt: row.created_at,
  };
}

export function listJobs(workspace: string): ApiOutput<'jobs.list'> {
  return { jobs: jobs(workspace).map(summary).reverse(), configs: bundledConfigNames() };
}

export function startExperimentJob(workspace: string, experiment: 'lodo' | 'scaling', name: string, engine?: TrainingEngineName): JobSummary {
  const file = bundledConfigNames().includes(name) ? configPath(name) : undefined;
  if (!file) throw new ApiError('invalid-input', `no bundled experiment config '${name}' (have ${bundledConfigNames().join(', ')})`);
  const config = readExperimentConfig(file);
  const id = submitJob(workspace, 'experiment', { experiment, config: engine ? { ...config, engine } : config, config_file: file });
  // Detached: the job outlives the server or window that started it, and resumes from checkpoints.
  startJob(workspace, id, { detached: true }).unref();
  return summary(job(workspace, id));
}

export function cancelExperimentJob(workspace: string, id: number): JobSummary {
  try {
    return summary(cancelJob(workspace, id));
  } catch (err) {
    throw new ApiError('not-found', (err as Error).message);
  }
}
