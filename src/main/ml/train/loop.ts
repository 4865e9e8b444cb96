// The one training loop: pre-training, probes, fine-tuning and `openecg bench train` all run it.
// Learning rate by step, one data-parallel step (parallel/data-parallel.ts), progress events,
// checkpoints every N steps and at the end, and a stop request honoured between steps.
import { learningRateAt, type Schedule } from './schedule.js';

export interface ProgressEvent {
  /** Steps completed (1 after the first). */
  readonly step: number;
  readonly totalSteps: number;
  /** Passes over the data so far (fractional), when the source tells its size; else 0. */
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  readonly samplesPerSecond: number;
  /** Wall time of this step (data, preparation, gradients and update). */
  readonly seconds: number;
  /** Data-parallel replicas that ran it. */
  readonly workers: number;
}

export interface TrainEvents {
  onProgress?(event: ProgressEvent): void;
  onCheckpoint?(path: string, step: number): void;
  /** Checked between steps: the run stops, writing a checkpoint if it has a checkpoint folder. */
  readonly signal?: AbortSignal;
}

/** Optimisation settings shared by every trainer. */
export interface OptimConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate?: number;
  readonly weightDecay?: number;
  readonly schedule?: Schedule['kind'];
  readonly warmupSteps?: number;
  /** Data-parallel replicas (this thread and workers - 1 worker threads); default: the rule of train/workers.ts. */
  readonly workers?: number;
}

export interface LoopSpec {
  readonly startStep: number;
  readonly totalSteps: number;
  readonly batchSize: number;
  readonly dataSize?: number;
  readonly schedule: Schedule;
  readonly workers: number;
  /** Runs step `step` (0-based) at learning rate lr; returns its loss. */
  step(step: number, lr: number): Promise<number>;
  /** Writes a checkpoint after `step` steps; returns its path. */
  checkpoint?(step: number, lastLoss: number | null): string;
  readonly checkpointEvery: number;
  readonly events?: TrainEvents;
}

export interface LoopResult {
  /** Losses of the steps run in this call, in order (step startStep+1 first). */
  readonly losses: number[];
  readonly startStep: number;
  /** Steps completed when the loop ended. */
  readonly endStep: number;
  readonly stopped: boolean;
  readonly checkpoint?: string;
}

export async function runLoop(spec: LoopSpec): Promise<LoopResult> {
  const losses: number[] = [];
  let checkpoint: string | undefined;
  let step = spec.startStep;
  let stopped = false;
  const save = (): void => {
    if (!spec.checkpoint) return;
    checkpoint = spec.checkpoint(step, losses.length ? losses[losses.length - 1] : null);
    spec.events?.onCheckpoint?.(checkpoint, step);
  };
  while (step < spec.totalSteps) {
    if (spec.events?.signal?.aborted) {
      stopped = true;
      break;
    }
    const lr = learningRateAt(step, spec.schedule);
    const t0 = performance.now();
    const loss = await spec.step(step, lr);
    const seconds = Math.max(1e-6, (performance.now() - t0) / 1000);
    if (!Number.isFinite(loss)) throw new Error(`loss is ${loss} at step ${step + 1}: training diverged (lower the learning rate?)`);
    losses.push(loss);
    step++;
    spec.events?.onProgress?.({
      step,
      totalSteps: spec.totalSteps,
      epoch: spec.dataSize ? (step * spec.batchSize) / spec.dataSize : 0,
      loss,
      lr,
      samplesPerSecond: spec.batchSize / seconds,
      seconds,
      workers: spec.workers,
    });
    if (spec.checkpointEvery > 0 && step % spec.checkpointEvery === 0 && step < spec.totalSteps) save();
    // Let timers and messages (a cancel request) through between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (step > spec.startStep || stopped) save();
  return { losses, startStep: spec.startStep, endStep: step, stopped, checkpoint };
}
