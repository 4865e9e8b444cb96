// The demo models job, shared by `openecg start` (background, the app opens at once), `openecg demo`
// (waits) and the UI's "Train the demo models": one such job per workspace. A finished one is kept,
// a running one followed, an interrupted or failed one resumed; only without any is one submitted.
import type { ChildProcess } from 'node:child_process';
import { configPath } from '../experiments/bundled.js';
import { readExperimentConfig } from '../experiments/config.js';
import { jobs, resumeJob, startJob, submitJob, type JobRow } from '../jobs/index.js';
import { RESUMABLE_STATES } from '../catalog/index.js';

/** The config whose sizes the demo models take (docs/defaults.md). */
export const DEMO_MODELS_CONFIG = 'small-cpu';

export interface DemoModelsJob {
  readonly id: number;
  /** What this call did: nothing (done or already running), resumed, or submitted anew. */
  readonly action: 'done' | 'running' | 'resumed' | 'started';
  /** The job process this call started (null when it started none). */
  readonly child: ChildProcess | null;
}

export function demoModelsJobs(workspace: string): JobRow[] {
  return jobs(workspace).filter((r) => r.kind === 'demo-models');
}

export function ensureDemoModels(workspace: string, options: { detached?: boolean } = {}): DemoModelsJob {
  const rows = demoModelsJobs(workspace);
  const done = rows.find((r) => r.state === 'done');
  if (done) return { id: done.id, action: 'done', child: null };
  const running = rows.find((r) => r.state === 'running' || r.state === 'queued');
  // A queued row with no process is one a crash left before its start: resume it below.
  if (running && running.state === 'running') return { id: running.id, action: 'running', child: null };
  const resumable = running ?? rows.find((r) => RESUMABLE_STATES.includes(r.state));
  if (resumable) return { id: resumable.id, action: 'resumed', child: resumeJob(workspace, resumable.id, options) };
  const file = configPath(DEMO_MODELS_CONFIG);
  if (!file) throw new Error(`the bundled config '${DEMO_MODELS_CONFIG}' is missing`);
  const id = submitJob(workspace, 'demo-models', { config: readExperimentConfig(file) });
  return { id, action: 'started', child: startJob(workspace, id, options) };
}
