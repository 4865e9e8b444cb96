// Follows a trainer's metrics.jsonl while it runs: each complete new line once, in step order. The
// trainer appends one line per step and, when it resumes, rewrites the file without the steps after
// its checkpoint (those run again), so the file can shrink: the tail then rereads it from the start
// and still hands on only steps it has not handed on. A half-written last line waits for its '\n'.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { TrainerMetric } from './types.js';

export const trainerMetricSchema = z
  .object({
    step: z.number().int().min(1),
    total_steps: z.number().int().min(1),
    loss: z.number(),
    lr: z.number(),
    seconds: z.number(),
    samples_per_s: z.number(),
    world_size: z.number().int().min(1),
  })
  .passthrough();

export function parseMetricLine(line: string): TrainerMetric | null {
  try {
    const r = trainerMetricSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Every complete metrics line of a file, the last line per step (a resumed run rewrote later ones). */
export function readMetrics(file: string): TrainerMetric[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n');
  const bySteps = new Map<number, TrainerMetric>();
  for (const line of text.slice(0, end + 1).split('\n')) {
    const m = line.trim() ? parseMetricLine(line) : null;
    if (m) bySteps.set(m.step, m);
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

/** The loss per step as losses.json keeps it: index i = step i + 1, null where a step has no line. */
export function lossCurve(metrics: readonly TrainerMetric[]): (number | null)[] {
  const out: (number | null)[] = [];
  for (const m of metrics) {
    while (out.length < m.step - 1) out.push(null);
    out[m.step - 1] = m.loss;
  }
  return out;
}

export class MetricsTail {
  private offset = 0;
  private rest = '';
  private lastSize = 0;

  /** after: steps up to this one are not handed on (a resumed trainer's checkpoint step). */
  constructor(
    private readonly file: string,
    private emitted: number,
    private readonly onMetric: (m: TrainerMetric) => void,
  ) {}

  /** Reads what was appended since the last poll. */
  poll(): void {
    if (!existsSync(this.file)) return;
    const size = statSync(this.file).size;
    if (size < this.lastSize || size < this.offset) {
      // Rewritten shorter (a resume trimmed it): read again from the start.
      this.offset = 0;
      this.rest = '';
    }
    this.lastSize = size;
    if (size === this.offset) return;
    const buf = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const text = this.rest + buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    this.rest = text.slice(end + 1);
    for (const line of text.slice(0, end + 1).split('\n')) {
      const m = line.trim() ? parseMetricLine(line) : null;
      if (m && m.step > this.emitted) {
        this.emitted = m.step;
        this.onMetric(m);
      }
    }
  }
}
