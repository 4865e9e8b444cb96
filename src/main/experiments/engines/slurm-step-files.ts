// What a trainer step leaves in its folder, read from the workstation's side of the shared file
// system: the trainer's metrics.jsonl and checkpoints, and the Slurm job's own files in
// `<out>/slurm/` (job.json: the job id submitted; job.sbatch and torchrun.sh; `<name>-<id>.log`;
// `visible-<id>` and `exit-<id>` written by the job script, cluster-scripts.ts).
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { TrainerMetric } from './types.js';

export const jobDir = (out: string): string => join(out, 'slurm');

const jobRecord = z.object({ id: z.string().regex(/^\d+(_\d+)?$/), name: z.string(), submitted_at: z.string(), dependency: z.array(z.string()).default([]) });
export type JobRecord = z.output<typeof jobRecord>;

/** The job last submitted for this step, or null (none, or an unreadable file). */
export function readJobRecord(out: string): JobRecord | null {
  try {
    return jobRecord.parse(JSON.parse(readFileSync(join(jobDir(out), 'job.json'), 'utf8')));
  } catch {
    return null;
  }
}

export function writeJobRecord(out: string, r: JobRecord): void {
  writeAtomic(join(jobDir(out), 'job.json'), JSON.stringify(r, null, 2) + '\n');
}

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The exit status the job script wrote, or null when it has not (yet, or ever). */
export function readExit(out: string, id: string): number | null {
  try {
    const t = readFileSync(join(jobDir(out), `exit-${id}`), 'utf8').trim();
    return /^\d+$/.test(t) ? Number(t) : null;
  } catch {
    return null;
  }
}

/** The host the job script ran on, from its marker; null while the marker is not visible here. */
export function readMarker(out: string, id: string): string | null {
  try {
    const [, host] = readFileSync(join(jobDir(out), `visible-${id}`), 'utf8').trim().split(' ');
    return host ?? '';
  } catch {
    return null;
  }
}

export function logPath(out: string, name: string, id: string): string {
  return join(jobDir(out), `${name}-${id}.log`);
}

/** The last `lines` lines of the job's --output file, harmless Slurm noise left out. */
export function logTail(out: string, name: string, id: string, lines = 40): string {
  let text: string;
  try {
    text = readFileSync(logPath(out, name, id), 'utf8');
  } catch {
    return `(no job log at ${logPath(out, name, id)})`;
  }
  const kept = text.split('\n').filter((l) => l.trim() && !/can not load PMIx library|MailProg/.test(l));
  // torchrun's own traceback and ChildFailedError summary (~35 lines) come after the rank's error
  // and would push it out of the tail: keep what precedes it, and the lines after the summary.
  const launcher = kept.findIndex((l, i) => l.startsWith('Traceback') && /torchrun|torch\/distributed\/run\.py/.test(kept[i + 1] ?? ''));
  if (launcher > 0) {
    const end = kept.findIndex((l, i) => i > launcher && /^=+$/.test(l) && kept.slice(launcher, i).some((x) => x.startsWith('Root Cause')));
    const after = end > 0 ? kept.slice(end + 1) : [];
    return [...kept.slice(0, launcher).slice(-lines), '(torchrun: a rank failed, ChildFailedError)', ...after.slice(-5)].join('\n');
  }
  return kept.slice(-lines).join('\n');
}

const metricLine = z.object({ step: z.number().int(), total_steps: z.number().int(), loss: z.number(), lr: z.number(), seconds: z.number(), samples_per_s: z.number(), world_size: z.number().int() }).passthrough();

/** Lines of metrics.jsonl; a half-written last line (the trainer is appending) is skipped. */
export function readMetrics(out: string): TrainerMetric[] {
  let text: string;
  try {
    text = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const rows: TrainerMetric[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = metricLine.safeParse(JSON.parse(line));
      if (r.success) rows.push(r.data);
    } catch {
      // half-written
    }
  }
  return rows;
}

/**
 * Drops the lines of steps after `step`, as the trainer does when it resumes (train.py
 * trim_metrics): done before a resubmission so that nothing stale is ever followed.
 */
export function trimMetrics(out: string, step: number): void {
  const path = join(out, 'metrics.jsonl');
  if (!existsSync(path)) return;
  const keep = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => {
      try {
        return l.trim() !== '' && (JSON.parse(l) as { step: number }).step <= step;
      } catch {
        return false;
      }
    });
  writeAtomic(path, keep.map((l) => l + '\n').join(''));
}

/** The step of the newest complete checkpoint (checkpoints/step-<8 digits>/state.json readable), 0 without one. */
export function newestCheckpoint(out: string): number {
  let names: string[];
  try {
    names = readdirSync(join(out, 'checkpoints'));
  } catch {
    return 0;
  }
  for (const d of names.filter((n) => /^step-\d{8}$/.test(n)).sort().reverse()) {
    try {
      const state = JSON.parse(readFileSync(join(out, 'checkpoints', d, 'state.json'), 'utf8')) as { step?: unknown };
      if (typeof state.step === 'number') return state.step;
    } catch {
      // damaged: the one before (checkpoint.latest does the same)
    }
  }
  return 0;
}

/** The trainer's resolved settings (run.json): total steps and where the last start resumed from. */
export function readRunJson(out: string): { steps: number; resumed_from: number; mtimeMs: number } | null {
  try {
    const path = join(out, 'run.json');
    const doc = z.object({ steps: z.number().int(), resumed_from: z.number().int() }).passthrough().parse(JSON.parse(readFileSync(path, 'utf8')));
    return { steps: doc.steps, resumed_from: doc.resumed_from, mtimeMs: statSync(path).mtimeMs };
  } catch {
    return null;
  }
}

/**
 * A step whose trainer already finished: its newest checkpoint is its last step (and that is the
 * step count asked for, when the step sets one) and checkpoint.safetensors is there.
 */
export function stepComplete(out: string, steps?: number): number | null {
  const run = readRunJson(out);
  if (!run || !existsSync(join(out, 'checkpoint.safetensors'))) return null;
  if (steps !== undefined && run.steps !== steps) return null;
  const done = newestCheckpoint(out);
  return done >= run.steps ? done : null;
}
