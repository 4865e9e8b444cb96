// Where a job keeps its files: <workspace>/jobs/<id>/ (log, checkpoints), an experiment's run
// folder <workspace>/runs/job-<id>/. Each job owns its folders, so two jobs never write one file.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const jobDir = (workspace: string, id: number) => join(resolve(workspace), 'jobs', String(id));
export const jobLog = (workspace: string, id: number) => join(jobDir(workspace, id), 'job.log');
export const jobCheckpoints = (workspace: string, id: number) => join(jobDir(workspace, id), 'checkpoints');
export const experimentRunDir = (workspace: string, id: number) => join(resolve(workspace), 'runs', `job-${id}`);

/**
 * The compiled runner the job process executes. From dist it sits beside this module; from the
 * sources (tests) it is the built copy, so `npm run build` must have run.
 */
export function runnerScript(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const beside = join(here, 'runner.js');
  if (existsSync(beside)) return beside;
  const built = join(here, '..', '..', '..', 'dist', 'main', 'jobs', 'runner.js');
  if (existsSync(built)) return built;
  throw new Error(`the job runner is not built (${built} missing): run npm run build`);
}
