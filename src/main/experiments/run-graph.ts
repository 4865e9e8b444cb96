// An experiment's steps as a dependency graph, for a training engine that runs steps side by side
// (Slurm): every step whose dependencies are met or submitted starts at once, a probe's trainer is
// submitted right behind its pre-training's (the engine makes that an afterok dependency), and the
// workstation's part of each step (checkpoint -> bundle, scoring, robustness) runs one at a time
// here. A failed step fails only the steps that start from it; the rest finish and are recorded.
import type { PlannedStep } from './plan.js';
import { StepCancelled } from './steps.js';
import { TrainerCancelled, type EngineIo, type TrainerResult, type TrainerStep, type TrainingEngine } from './engines/types.js';

export interface GraphOptions {
  readonly signal?: AbortSignal;
  /** Trainer steps submitted at once (queued or running on the cluster); null: no cap. */
  readonly maxConcurrent: number | null;
  /** Where the trainers run, for progress labels ('slurm'). */
  readonly where: string;
  recorded(name: string): boolean;
  /** Runs one step and writes its record. `pending`: the pre-training it starts from, submitted but not finished (its trainer checkpoint path is known, its record is not). */
  run(step: PlannedStep, io: GraphStepIo): Promise<void>;
  onProgress?(fraction: number, message: string): void;
  log(line: string): void;
}

export interface GraphStepIo {
  readonly pending: string | null;
  onProgress(done: number, total: number, loss: number | null): void;
}

export interface GraphOutcome {
  readonly reused: number;
  /** Steps that failed on their own, with their errors (the trainer's log tail included). */
  readonly failed: { name: string; error: Error }[];
  /** Steps not finished because a step they start from failed. */
  readonly blocked: { name: string; by: string }[];
  readonly cancelled: boolean;
}

type Trainer = 'waiting' | 'queued' | 'running';

class Blocked extends Error {
  constructor(readonly by: string) {
    super(`'${by}' it starts from failed`);
  }
}

/** A counting semaphore, first come first served (steps ask in plan order, so a probe never holds the slot its pre-training waits for). */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number | null) {
    this.free = n ?? Infinity;
  }
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.free > 0 && this.waiting.length === 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((res, rej) => {
      const go = () => (signal?.removeEventListener('abort', stop), res());
      const stop = () => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        rej(new Error('cancelled while waiting for a slot'));
      };
      if (signal?.aborted) return stop();
      signal?.addEventListener('abort', stop, { once: true });
      this.waiting.push(go);
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** The step a step needs before it can start: its pre-training (a downstream step's encoder) or its model (robustness). */
function upstream(step: PlannedStep): string | null {
  if (step.kind === 'downstream') return step.pretrain;
  if (step.kind === 'robustness') return step.model;
  return null;
}

export class StepGraph {
  private readonly slots: Slots;
  private localTail: Promise<unknown> = Promise.resolve();
  private readonly started = new Map<string, ReturnType<typeof deferred>>();
  private readonly trainers = new Map<string, Trainer>();
  private readonly doneWork = new Map<string, number>();
  private readonly total: number;
  private local: string | null = null;
  private last = '';

  constructor(
    private readonly steps: readonly PlannedStep[],
    private readonly o: GraphOptions,
  ) {
    this.slots = new Slots(o.maxConcurrent);
    this.total = steps.reduce((a, s) => a + s.work, 0) || 1;
    for (const s of steps) this.started.set(s.name, deferred());
  }

  /**
   * The engine as the graph's steps see it: a trainer start waits for a slot, marks the step as
   * submitted (its dependents may now be submitted behind it) and frees the slot when its trainer ends.
   */
  engine(inner: TrainingEngine): TrainingEngine {
    const start = async (step: TrainerStep, io: EngineIo): Promise<TrainerResult> => {
      this.trainers.set(step.name, 'waiting');
      try {
        await this.slots.acquire(io.signal);
      } catch {
        this.trainers.delete(step.name);
        throw new TrainerCancelled(step.name);
      }
      try {
        this.trainers.set(step.name, 'queued');
        const run = inner.start(step, { ...io, onState: (s) => (this.trainers.set(step.name, s), this.report()) });
        this.started.get(step.name)?.resolve();
        return await run;
      } finally {
        this.trainers.delete(step.name);
        this.slots.release();
        this.report();
      }
    };
    return { name: inner.name, start };
  }

  /** Runs `fn` (the workstation's part of a step) after every earlier one has ended: one at a time. */
  runLocal<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const run = this.localTail.then(async () => {
      if (this.o.signal?.aborted) throw new StepCancelled(name);
      this.local = name;
      this.report();
      try {
        return await fn();
      } finally {
        this.local = null;
      }
    });
    this.localTail = run.catch(() => undefined);
    return run;
  }

  async run(): Promise<GraphOutcome> {
    const settled = new Map<string, Promise<boolean>>();
    const errors = new Map<string, Error>();
    let reused = 0;
    for (const step of this.steps) {
      if (this.o.recorded(step.name)) {
        reused++;
        this.doneWork.set(step.name, step.work);
        this.started.get(step.name)!.resolve();
        settled.set(step.name, Promise.resolve(true));
        continue;
      }
      const task = this.task(step, settled).then(
        () => true,
        (err: Error) => {
          errors.set(step.name, err);
          if (!(err instanceof Blocked) && !(err instanceof StepCancelled) && !this.o.signal?.aborted) this.o.log(`step ${step.name} failed: ${err.message}`);
          return false;
        },
      );
      // A step that never reaches its trainer (failed or blocked first) must not hold its dependents.
      void task.then(() => this.started.get(step.name)!.resolve());
      settled.set(step.name, task);
    }
    await Promise.all(settled.values());
    // In plan order, so a step's upstream is classified first: a trainer job Slurm cancelled because
    // its pre-training failed is that failure's consequence, whichever error came first.
    const failed: GraphOutcome['failed'] = [];
    const blocked: GraphOutcome['blocked'] = [];
    const down = new Set<string>();
    for (const step of this.steps) {
      const err = errors.get(step.name);
      if (!err) continue;
      down.add(step.name);
      const up = upstream(step);
      if (err instanceof Blocked) blocked.push({ name: step.name, by: err.by });
      else if (up !== null && down.has(up)) blocked.push({ name: step.name, by: up });
      else if (!(err instanceof StepCancelled)) failed.push({ name: step.name, error: err });
    }
    return { reused, failed, blocked, cancelled: !!this.o.signal?.aborted };
  }

  private async task(step: PlannedStep, settled: ReadonlyMap<string, Promise<boolean>>): Promise<void> {
    const up = upstream(step);
    const upTask = up === null || this.o.recorded(up) ? undefined : settled.get(up);
    let pending: string | null = null;
    if (up !== null && upTask) {
      if (step.kind === 'robustness') {
        if (!(await upTask)) throw new Blocked(up);
      } else {
        // Submitted right behind its pre-training (Slurm holds it with afterok), or after it ended.
        const first = await Promise.race([this.started.get(up)!.promise.then(() => 'started' as const), upTask.then((ok) => (ok ? ('done' as const) : ('failed' as const)))]);
        if (first === 'failed' || (first === 'started' && (await Promise.race([upTask, Promise.resolve(null)])) === false)) throw new Blocked(up);
        if (first === 'started' && !this.o.recorded(up)) pending = up;
      }
    }
    if (this.o.signal?.aborted) throw new StepCancelled(step.name);
    await this.o.run(step, {
      pending,
      onProgress: (done, total, loss) => {
        this.doneWork.set(step.name, (Math.min(done, total) / total) * step.work);
        this.last = `${step.name} ${done}/${total}${loss === null ? '' : ` loss ${loss.toFixed(4)}`}`;
        this.report();
      },
    });
    this.doneWork.set(step.name, step.work);
    this.last = `${step.name} done`;
    this.report();
  }

  /** 'fraction of all work; 3 running, 5 queued on slurm, scoring X; <latest step> 40/100'. */
  private report(): void {
    if (!this.o.onProgress) return;
    let done = 0;
    for (const w of this.doneWork.values()) done += w;
    const count = (t: Trainer) => [...this.trainers.values()].filter((v) => v === t).length;
    const parts = [`${count('running')} running, ${count('queued')} queued on ${this.o.where}`];
    const waiting = count('waiting');
    if (waiting) parts.push(`${waiting} waiting for a slot`);
    if (this.local) parts.push(`here: ${this.local}`);
    this.o.onProgress(Math.min(1, done / this.total), `${parts.join(', ')}${this.last ? `; ${this.last}` : ''}`);
  }
}
