// Progress of a long job as rate and ETA, and a one-line terminal bar for the CLI.

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
  readonly elapsedS: number;
  /** Records per second over the recent window. */
  readonly rate: number;
  /** Seconds left at the current rate; null until a rate is known. */
  readonly etaS: number | null;
}

/** Rate over a sliding window, so the ETA follows the current speed rather than the start-up. */
export class RateMeter {
  private readonly start = performance.now();
  private readonly marks: { t: number; done: number }[] = [];

  constructor(private readonly windowS = 10) {}

  progress(done: number, total: number, failed: number): Progress {
    const t = performance.now();
    // A mark per 100 ms at most: the window stays a few hundred entries at any rate.
    const lastMark = this.marks[this.marks.length - 1];
    if (!lastMark || t - lastMark.t >= 100) this.marks.push({ t, done });
    while (this.marks.length > 2 && (t - this.marks[0].t) / 1000 > this.windowS) this.marks.shift();
    const first = this.marks[0];
    const dt = (t - first.t) / 1000;
    const rate = dt > 0.05 ? (done - first.done) / dt : 0;
    const left = Math.max(0, total - done);
    return { done, total, failed, elapsedS: (t - this.start) / 1000, rate, etaS: rate > 0 ? left / rate : null };
  }
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = Math.floor(s % 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** `[#########.......]  45% 4500/10000  1234 rec/s  ETA 4s  3 failed` */
export function progressLine(p: Progress, label: string, width = 28): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const fill = Math.round(frac * width);
  const bar = '#'.repeat(fill) + '.'.repeat(width - fill);
  const eta = p.etaS === null ? '--' : formatDuration(p.etaS);
  const failed = p.failed > 0 ? `  ${p.failed} failed` : '';
  return `${label} [${bar}] ${String(Math.round(frac * 100)).padStart(3)}% ${p.done}/${p.total}  ${p.rate.toFixed(0)} rec/s  ETA ${eta}${failed}`;
}

/** Writes progress to stderr: redrawn in place on a terminal, a line every few seconds elsewhere. */
export function terminalProgress(label: string, stream: NodeJS.WriteStream = process.stderr): {
  update(p: Progress): void;
  end(p: Progress): void;
} {
  let last = 0;
  let ended = false;
  const tty = stream.isTTY === true;
  return {
    update(p) {
      if (ended) return;
      const now = performance.now();
      if (now - last < (tty ? 100 : 5000)) return;
      last = now;
      stream.write(tty ? `\r${progressLine(p, label)}\x1b[K` : `${progressLine(p, label)}\n`);
    },
    end(p) {
      if (ended) return;
      ended = true;
      stream.write(tty ? `\r${progressLine(p, label)}\x1b[K\n` : `${progressLine(p, label)}\n`);
    },
  };
}
