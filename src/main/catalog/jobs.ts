// Job rows: what a job is, where it stands, and what it produced. The job's process writes its own
// row; the CLI and the UI only read, cancel (by signal) and mark dead processes interrupted.
import { CatalogError } from './database.js';
import type { Catalog } from './catalog.js';

export const JOB_KINDS = ['import', 'pretrain', 'probe', 'finetune', 'evaluate', 'experiment', 'demo-models'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type JobState = (typeof JOB_STATES)[number];
/** States a job may be (re)started from: it has not finished its work. */
export const RESUMABLE_STATES: readonly JobState[] = ['queued', 'interrupted', 'cancelled', 'failed'];

export interface JobRow {
  readonly id: number;
  readonly kind: JobKind;
  readonly params: Record<string, unknown>;
  readonly state: JobState;
  /** 0..1 */
  readonly progress: number;
  readonly eta_s: number | null;
  readonly message: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly pid: number | null;
  /** How many times a process took the job (1 on the first run, more after resumes). */
  readonly attempts: number;
  readonly error: string | null;
  readonly result: unknown;
  readonly log_path: string | null;
  readonly checkpoint_dir: string | null;
}

interface RawJob extends Omit<JobRow, 'params' | 'result'> {
  params: string;
  result: string | null;
}

const toJob = (r: RawJob): JobRow => ({ ...r, params: JSON.parse(r.params) as Record<string, unknown>, result: r.result === null ? null : (JSON.parse(r.result) as unknown) });

export function insertJob(catalog: Catalog, job: { kind: JobKind; params: Record<string, unknown> }): number {
  if (!JOB_KINDS.includes(job.kind)) throw new CatalogError(`unknown job kind '${job.kind}'`);
  const info = catalog.db
    .prepare("INSERT INTO jobs (kind, params, state, created_at) VALUES (?, ?, 'queued', ?)")
    .run(job.kind, JSON.stringify(job.params), new Date().toISOString());
  return Number(info.lastInsertRowid);
}

/** Where the job keeps its log and checkpoints; set once the folder is known (it holds the id). */
export function setJobPaths(catalog: Catalog, id: number, paths: { log: string; checkpoints: string }): void {
  catalog.db.prepare('UPDATE jobs SET log_path = ?, checkpoint_dir = ? WHERE id = ?').run(paths.log, paths.checkpoints, id);
}

export function getJob(catalog: Catalog, id: number): JobRow | undefined {
  const row = catalog.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
  return row && toJob(row);
}

export function listJobs(catalog: Catalog, options: { states?: readonly JobState[] } = {}): JobRow[] {
  const states = options.states;
  const where = states?.length ? `WHERE state IN (${states.map(() => '?').join(',')})` : '';
  return (catalog.db.prepare(`SELECT * FROM jobs ${where} ORDER BY id`).all(...(states ?? [])) as RawJob[]).map(toJob);
}

/**
 * Takes the job for process `pid`: only from a state that has work left, in one statement so two
 * processes started for the same job cannot both run it. Returns false when it was not available.
 */
/**
 * Takes the job for this process. `from` is the state the job had when its process was started: a
 * job cancelled between the start and this claim stays cancelled (without it, any resumable state).
 */
export function claimJob(catalog: Catalog, id: number, pid: number, from?: JobState): boolean {
  const states = from ? [from] : RESUMABLE_STATES;
  const marks = states.map(() => '?').join(',');
  const info = catalog.db
    .prepare(
      `UPDATE jobs SET state = 'running', pid = ?, started_at = ?, finished_at = NULL, error = NULL, attempts = attempts + 1
       WHERE id = ? AND state IN (${marks})`,
    )
    .run(pid, new Date().toISOString(), id, ...states);
  return info.changes === 1;
}

export function updateJobProgress(catalog: Catalog, id: number, p: { progress: number; eta_s: number | null; message?: string }): void {
  const progress = Math.min(1, Math.max(0, p.progress));
  catalog.db.prepare('UPDATE jobs SET progress = ?, eta_s = ?, message = coalesce(?, message) WHERE id = ?').run(progress, p.eta_s, p.message ?? null, id);
}

export function finishJob(catalog: Catalog, id: number, end: { state: 'done' | 'failed' | 'cancelled'; result?: unknown; error?: string }): void {
  catalog.db
    .prepare(
      `UPDATE jobs SET state = ?, finished_at = ?, pid = NULL, eta_s = NULL, error = ?, result = coalesce(?, result),
       progress = CASE WHEN ? = 'done' THEN 1 ELSE progress END WHERE id = ?`,
    )
    .run(end.state, new Date().toISOString(), end.error ?? null, end.result === undefined ? null : JSON.stringify(end.result), end.state, id);
}

/**
 * Marks 'running' jobs whose process is gone (crash, kill -9, power loss) as 'interrupted', so they
 * can be resumed. `alive(pid)` decides; returns the ids marked.
 */
export function markInterrupted(catalog: Catalog, alive: (pid: number) => boolean): number[] {
  const running = catalog.db.prepare("SELECT id, pid FROM jobs WHERE state = 'running'").all() as { id: number; pid: number | null }[];
  const dead = running.filter((j) => j.pid === null || !alive(j.pid)).map((j) => j.id);
  const mark = catalog.db.prepare("UPDATE jobs SET state = 'interrupted', pid = NULL, eta_s = NULL, message = 'the job process ended without finishing' WHERE id = ? AND state = 'running'");
  catalog.db.transaction(() => dead.forEach((id) => mark.run(id)))();
  return dead;
}
