// What training reads: batches by step. A source that returns the same batch for the same step is
// what makes a resumed run continue exactly where the interrupted one was.
import { Rng, deriveSeed } from '../rng.js';

/** Unlabelled records for pre-training: `size` records (size x 12 x T, mV) for step `step`. */
export interface RecordSource {
  next(size: number, step: number): Float32Array;
  /** Records in one pass, for the epoch in progress events (optional). */
  readonly size?: number;
}

export interface LabelledBatch {
  /** size x 12 x T, mV. */
  readonly x: Float32Array;
  /** size x classes, 0/1. */
  readonly y: Float32Array;
}

export interface LabelledSource {
  next(size: number, step: number): LabelledBatch;
  readonly size?: number;
}

/** Which of `count` records fills slot i of the batch at `step`: a fresh seeded shuffle per epoch. */
export class EpochOrder {
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);
  constructor(readonly count: number, readonly seed: number) {
    if (count < 1) throw new RangeError('no records');
  }
  indices(size: number, step: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < size; i++) {
      const k = step * size + i;
      const epoch = Math.floor(k / this.count);
      if (epoch !== this.epoch) {
        this.order = new Rng(deriveSeed(this.seed, epoch)).permutation(this.count);
        this.epoch = epoch;
      }
      out.push(this.order[k % this.count]);
    }
    return out;
  }
}

/** Records held in memory (count x recordSize values) as a RecordSource. */
export function arraySource(records: Float32Array, count: number, seed = 1): RecordSource {
  const order = new EpochOrder(count, seed);
  const rec = records.length / count;
  return {
    size: count,
    next(size, step) {
      const out = new Float32Array(size * rec);
      order.indices(size, step).forEach((r, i) => out.set(records.subarray(r * rec, (r + 1) * rec), i * rec));
      return out;
    },
  };
}

/** Records and their labels (count x classes) in memory as a LabelledSource. */
export function labelledArraySource(records: Float32Array, labels: Float32Array, count: number, seed = 1): LabelledSource {
  const order = new EpochOrder(count, seed);
  const rec = records.length / count;
  const cls = labels.length / count;
  return {
    size: count,
    next(size, step) {
      const x = new Float32Array(size * rec);
      const y = new Float32Array(size * cls);
      order.indices(size, step).forEach((r, i) => {
        x.set(records.subarray(r * rec, (r + 1) * rec), i * rec);
        y.set(labels.subarray(r * cls, (r + 1) * cls), i * cls);
      });
      return { x, y };
    },
  };
}
