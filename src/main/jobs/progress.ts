// Progress of a running job as the catalog shows it: fraction, ETA and what runs now, written at
// most once a second (a training step can take milliseconds; the catalog must not become the load).
export interface ProgressSink {
  (p: { progress: number; eta_s: number | null; message?: string }): void;
}

export class ThrottledProgress {
  private lastWrite = 0;
  private readonly startedAt = Date.now();
  private startFraction: number | null = null;
  private pending: { progress: number; eta_s: number | null; message?: string } | null = null;

  constructor(
    private readonly sink: ProgressSink,
    private readonly intervalMs = 1000,
  ) {}

  update(fraction: number, message?: string): void {
    // ETA from this attempt's own pace: a resumed job's earlier work does not make it look fast.
    this.startFraction ??= fraction;
    const elapsed = (Date.now() - this.startedAt) / 1000;
    const gained = fraction - this.startFraction;
    const eta = gained > 1e-6 && elapsed > 0 ? +((elapsed / gained) * (1 - fraction)).toFixed(1) : null;
    this.pending = { progress: fraction, eta_s: eta, ...(message ? { message } : {}) };
    if (Date.now() - this.lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    if (!this.pending) return;
    this.sink(this.pending);
    this.pending = null;
    this.lastWrite = Date.now();
  }
}
