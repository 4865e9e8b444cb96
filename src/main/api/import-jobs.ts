// Imports started from the UI: each runs `runImport` in its own child process (import-child.ts),
// so the server or Electron main process stays responsive; the parent keeps each job's latest
// progress and reads per-record errors from the catalog, where the import writes them.
import type { ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError, type ImportJob } from '../../shared/api.js';
import type { ChildMessage, ChildOptions } from './import-child.js';
import { compiledScript } from '../platform/app-paths.js';
import { forkScript } from '../platform/processes.js';
import { handOverSiteKey, HANDOVER_FLAG, siteKeyMessage } from '../datasets/site-key-handover.js';

/** What the jobs need from the workspace's catalog (read-only; absent until a first import makes it). */
export interface ImportCatalogView {
  /** Highest import run id so far (0: none). */
  lastRun(): number;
  /** The run an import of `folder` opened after run `after`, if it has one yet. */
  runFor(folder: string, after: number): number | null;
  errors(run: number, limit: number): ImportJob['errors'];
}

const ERRORS_SHOWN = 200;
const FINISHED = new Set<ImportJob['state']>(['done', 'failed', 'cancelled']);

/** The compiled child (dist/, or the build's copy when this runs from src/). */
export function childScript(): string {
  try {
    return compiledScript(import.meta.url, 'import-child.js');
  } catch (err) {
    throw new ApiError('failed', `imports from the UI need the build: ${(err as Error).message}`);
  }
}

interface Job {
  state: ImportJob;
  readonly afterRun: number;
  child: ChildProcess | null;
}

export class ImportJobs {
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(
    private readonly workspace: () => string,
    private readonly catalog: () => ImportCatalogView | null,
    private readonly workers?: number,
  ) {}

  start(folderIn: string, dataset: string | undefined): ImportJob {
    const folder = resolve(folderIn);
    let isDir = false;
    try {
      isDir = statSync(folder).isDirectory();
    } catch {
      // Reported below, as for a file.
    }
    if (!isDir) throw new ApiError('invalid-input', `import.start: no folder ${folder}`);
    // One import per workspace at a time: two writers would fight over the store's shards.
    // (A job is finished once its child reported; the catalog and store are closed by then.)
    const running = [...this.jobs.values()].find((j) => !FINISHED.has(j.state.state));
    if (running) throw new ApiError('invalid-input', `import.start: import ${running.state.id} of ${running.state.folder} is still running`);

    const id = this.nextId++;
    const job: Job = {
      afterRun: this.catalog()?.lastRun() ?? 0,
      child: null,
      state: { id, folder, dataset: dataset ?? null, state: 'starting', run: null, done: 0, total: 0, failed: 0, rate: 0, etaS: null, elapsedS: 0, imported: 0, skipped: 0, errors: [], message: null },
    };
    const options: ChildOptions = { folder, workspace: this.workspace(), dataset, workers: this.workers };
    // In the desktop app the keychain-protected site key goes over the IPC channel, never in argv or the environment.
    const handover = siteKeyMessage(options.workspace);
    const child = forkScript(childScript(), [JSON.stringify(options), ...(handover ? [HANDOVER_FLAG] : [])], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    if (handover) handOverSiteKey(child, handover);
    job.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('message', (msg: ChildMessage) => this.onMessage(job, msg));
    child.on('exit', (code, signal) => {
      job.child = null;
      const s = job.state;
      if (FINISHED.has(s.state)) return;
      s.state = 'failed';
      s.message = `the import process ended unexpectedly (${signal ?? `exit ${code}`})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
    });
    child.on('error', (err) => {
      job.child = null;
      job.state.state = 'failed';
      job.state.message = err.message;
    });
    this.jobs.set(id, job);
    return { ...job.state };
  }

  status(id: number): ImportJob {
    const job = this.get(id);
    const s = job.state;
    const view = this.catalog();
    if (view) {
      s.run ??= view.runFor(s.folder, job.afterRun);
      if (s.run !== null) s.errors = view.errors(s.run, ERRORS_SHOWN);
    }
    return { ...s, errors: [...s.errors] };
  }

  cancel(id: number): ImportJob {
    const job = this.get(id);
    // SIGTERM: the child stops at its next batch boundary and records the run as cancelled.
    if (job.child && !job.child.killed) job.child.kill('SIGTERM');
    return this.status(id);
  }

  /** Stops every running import (the front end is closing). */
  close(): void {
    for (const job of this.jobs.values()) if (job.child && !job.child.killed) job.child.kill('SIGTERM');
  }

  private get(id: number): Job {
    const job = this.jobs.get(id);
    if (!job) throw new ApiError('not-found', `no import job ${id}`);
    return job;
  }

  private onMessage(job: Job, msg: ChildMessage): void {
    const s = job.state;
    switch (msg.type) {
      case 'phase':
        s.state = msg.phase === 'scan' ? 'scanning' : 'running';
        break;
      case 'progress':
        Object.assign(s, { done: msg.done, total: msg.total, failed: msg.failed, rate: msg.rate, etaS: msg.etaS, elapsedS: msg.elapsedS });
        break;
      case 'done':
        Object.assign(s, { state: msg.status, run: msg.run, imported: msg.imported, skipped: msg.skipped, failed: msg.failed, etaS: msg.status === 'done' ? 0 : s.etaS });
        if (msg.status === 'done') s.done = s.total;
        break;
      case 'notice':
        s.message = s.message ? `${s.message}\n${msg.text}` : msg.text;
        break;
      case 'error':
        s.state = 'failed';
        s.message = msg.message;
        break;
    }
  }
}
