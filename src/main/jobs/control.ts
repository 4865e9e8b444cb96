// Submitting, starting, watching, cancelling and resuming jobs from another process (the CLI, the
// HTTP server, Electron's main process): the work itself always runs in a forked job process.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Catalog, finishJob, getJob, insertJob, listJobs, markInterrupted, RESUMABLE_STATES, setJobPaths, type JobKind, type JobRow } from '../catalog/index.js';
import { PARAMS } from './kinds.js';
import { experimentRunDir, FROM_FLAG, jobCheckpoints, jobDir, jobLog, runnerScript } from './paths.js';
import { forkScript } from '../platform/processes.js';
import { handOverSiteKey, HANDOVER_FLAG, siteKeyMessage } from '../datasets/site-key-handover.js';
import { keyProtector } from '../datasets/site-key-store.js';

/** Job kinds that may pseudonymise site data (they import): only they get the desktop app's site key. */
const KEYED_KINDS: readonly JobKind[] = ['import', 'evaluate'];

export class JobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobError';
  }
}

function withCatalog<T>(workspace: string, f: (c: Catalog) => T): T {
  const catalog = Catalog.open(workspace, { create: false });
  try {
    return f(catalog);
  } finally {
    catalog.close();
  }
}

/**
 * Is `pid` a live job process? A pid can be reused by an unrelated program after a crash, and a
 * killed child stays a zombie until reaped, so on Linux its command line must name the runner.
 */
export function jobProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('runner.js');
  } catch {
    return false;
  }
}

/** Queues a job (params checked now, so a bad request fails here and not in the job process). */
export function submitJob(workspace: string, kind: JobKind, params: Record<string, unknown>): number {
  const r = PARAMS[kind].safeParse(params);
  if (!r.success) throw new JobError(`${kind} job parameters: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return withCatalog(workspace, (c) => {
    const id = insertJob(c, { kind, params });
    mkdirSync(jobDir(workspace, id), { recursive: true });
    setJobPaths(c, id, { log: jobLog(workspace, id), checkpoints: kind === 'experiment' ? experimentRunDir(workspace, id) : jobCheckpoints(workspace, id) });
    return id;
  });
}

/**
 * Forks the job process. detached: it outlives this process (the UI may quit while training); its
 * IPC channel is closed at once, or, in the desktop app, once the site key went over it.
 */
export function startJob(workspace: string, id: number, options: { detached?: boolean } = {}): ChildProcess {
  // The catalog is read for the kind only where a keychain has a key to hand over (the desktop app).
  const keyed = keyProtector()?.protectNew && KEYED_KINDS.includes(withCatalog(workspace, (c) => getJob(c, id)?.kind) as JobKind);
  const handover = keyed ? siteKeyMessage(workspace) : null;
  // The state it starts from: a cancel that lands before the process claims the job then holds.
  const from = withCatalog(workspace, (c) => getJob(c, id)?.state);
  const child = forkScript(runnerScript(), [resolve(workspace), String(id), ...(from ? [`${FROM_FLAG}${from}`] : []), ...(handover ? [HANDOVER_FLAG] : [])], { detached: options.detached ?? false, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const letGo = () => {
    if (child.connected) child.disconnect();
  };
  if (handover) handOverSiteKey(child, handover, options.detached ? letGo : undefined);
  else if (options.detached) letGo();
  if (options.detached) child.unref();
  return child;
}

/** The jobs, after marking dead 'running' ones interrupted. */
export function jobs(workspace: string): JobRow[] {
  return withCatalog(workspace, (c) => {
    markInterrupted(c, jobProcessAlive);
    return listJobs(c);
  });
}

export function job(workspace: string, id: number): JobRow {
  return withCatalog(workspace, (c) => {
    markInterrupted(c, jobProcessAlive);
    const row = getJob(c, id);
    if (!row) throw new JobError(`no job ${id}`);
    return row;
  });
}

/**
 * Asks a running job to stop (SIGTERM: it checkpoints at its next step boundary and ends
 * 'cancelled'); a queued or interrupted job is marked cancelled at once.
 */
export function cancelJob(workspace: string, id: number): JobRow {
  const row = job(workspace, id);
  if (row.state === 'running' && row.pid !== null) process.kill(row.pid, 'SIGTERM');
  else if (row.state === 'queued' || row.state === 'interrupted') withCatalog(workspace, (c) => finishJob(c, id, { state: 'cancelled', error: 'cancelled before it ran' }));
  else throw new JobError(`job ${id} is ${row.state}: nothing to cancel`);
  return job(workspace, id);
}

/** Starts an unfinished job again; it continues from its checkpoints and step records. */
export function resumeJob(workspace: string, id: number, options: { detached?: boolean } = {}): ChildProcess {
  const row = job(workspace, id);
  if (!RESUMABLE_STATES.includes(row.state)) throw new JobError(`job ${id} is ${row.state}; only ${RESUMABLE_STATES.join(', ')} jobs resume`);
  return startJob(workspace, id, options);
}

/**
 * Polls the job row until the job ends; `onUpdate` sees every poll. Given the job's child process,
 * waits for it to exit (a resumed job shows its old state until the child claims it); a child that
 * dies unreported leaves the job interrupted.
 */
export async function waitForJob(workspace: string, id: number, options: { onUpdate?: (row: JobRow) => void; intervalMs?: number; child?: ChildProcess } = {}): Promise<JobRow> {
  const child = options.child;
  let exited = child ? child.exitCode !== null || child.signalCode !== null : true;
  child?.once('exit', () => (exited = true));
  for (;;) {
    const row = job(workspace, id);
    options.onUpdate?.(row);
    const ended = row.state !== 'running' && row.state !== 'queued';
    if (child ? exited : ended) return child ? job(workspace, id) : row;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
  }
}
