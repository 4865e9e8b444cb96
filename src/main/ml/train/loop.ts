// The training loop both pre-training and supervised training run: learning rate by step, one
// gradient step, BatchNorm statistics, progress events, checkpoints every N steps and at the end,
// and a stop request honoured between steps.
import * as tf from '@tensorflow/tfjs-core';
import { applyBatchNormUpdates, discardBatchNormUpdates, type BatchNormUpdate } from '../models/index.js';
import type { Adam } from './adam.js';
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
}

/**
 * One optimiser step: gradients of `loss` for the variables in `trainable` that it reaches, Adam,
 * then the batch statistics the forward pass collected. Returns the loss.
 */
export function gradientStep(trainable: ReadonlyMap<string, tf.Variable>, loss: (updates: BatchNormUpdate[]) => tf.Scalar, adam: Adam, lr: number): number {
  const updates: BatchNormUpdate[] = [];
  try {
    const { value, grads } = tf.variableGrads(() => loss(updates), [...trainable.values()]);
    const named = new Map<string, tf.Tensor>();
    for (const [name, v] of trainable) if (grads[v.name]) named.set(name, grads[v.name]);
    const out = value.dataSync()[0];
    value.dispose();
    adam.apply(trainable, named, lr);
    applyBatchNormUpdates(updates);
    return out;
  } catch (err) {
    discardBatchNormUpdates(updates);
    throw err;
  }
}

export interface LoopSpec {
  readonly startStep: number;
  readonly totalSteps: number;
  readonly batchSize: number;
  readonly dataSize?: number;
  readonly schedule: Schedule;
  /** Runs step `step` (0-based) at learning rate lr; returns its loss. */
  step(step: number, lr: number): number;
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
    const loss = spec.step(step, lr);
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
    });
    if (spec.checkpointEvery > 0 && step % spec.checkpointEvery === 0 && step < spec.totalSteps) save();
    // Let timers and messages (a cancel request) through between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (step > spec.startStep || stopped) save();
  return { losses, startStep: spec.startStep, endStep: step, stopped, checkpoint };
}
