// Where a job keeps its files: <workspace>/jobs/<id>/ (log, checkpoints), an experiment's run
// folder <workspace>/runs/job-<id>/. Each job owns its folders, so two jobs never write one file.
import { join, resolve } from 'node:path';
import { compiledScript } from '../platform/app-paths.js';

export const jobDir = (workspace: string, id: number) => join(resolve(workspace), 'jobs', String(id));
export const jobLog = (workspace: string, id: number) => join(jobDir(workspace, id), 'job.log');
export const jobCheckpoints = (workspace: string, id: number) => join(jobDir(workspace, id), 'checkpoints');
export const experimentRunDir = (workspace: string, id: number) => join(resolve(workspace), 'runs', `job-${id}`);

/** The compiled runner the job process executes (dist/, or the build's copy when this runs from src/). */
export const runnerScript = (): string => compiledScript(import.meta.url, 'runner.js');

/** The runner's argument naming the state its job was started from (`--from=queued`). */
export const FROM_FLAG = '--from=';
