// Jobs: long work in its own process with its state in the catalog. See control.ts (submit, start,
// wait, cancel, resume, list) and runner.ts (the job process).
export { JobError, cancelJob, job, jobProcessAlive, jobs, resumeJob, startJob, submitJob, waitForJob } from './control.js';
export { experimentRunDir, jobCheckpoints, jobDir, jobLog } from './paths.js';
export type { JobKind, JobRow, JobState } from '../catalog/index.js';
