// One squeue call per poll for every job the engine follows: a run's 27 pre-trainings and their
// probes ask the controller once every few seconds, not once each.
import type { JobInfo, SlurmClient } from './slurm-client.js';

type Waiter = { id: string; resolve: (info: JobInfo | null) => void; reject: (err: Error) => void };

export class QueueWatcher {
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: SlurmClient,
    private readonly pollMs: number,
  ) {}

  /** The job's state at the next poll (null: the controller no longer knows it). */
  next(id: string): Promise<JobInfo | null> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ id, resolve, reject });
      this.timer ??= setTimeout(() => void this.poll(), this.pollMs);
    });
  }

  private async poll(): Promise<void> {
    const batch = this.waiters.splice(0);
    try {
      const states = await this.client.squeue([...new Set(batch.map((w) => w.id))]);
      for (const w of batch) w.resolve(states.get(w.id) ?? null);
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
    } finally {
      this.timer = null;
      if (this.waiters.length) this.timer = setTimeout(() => void this.poll(), this.pollMs);
    }
  }
}
