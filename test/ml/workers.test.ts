// How many data-parallel replicas a training run takes: the configuration, else
// OPENECG_TRAIN_WORKERS, else by the network's size (docs/defaults.md, "Training workers").
import { describe, expect, it } from 'vitest';
import { kernelThreads, PARALLEL_FROM_PARAMS, trainWorkers } from '../../src/main/ml/train/workers.js';

const SINGLE = { threads: 'single' as const, why: 'xnnpack' };
const THREADED = { threads: 'threaded' as const, why: "ONNX Runtime's GEMMs use every core" };

describe('training workers', () => {
  const big = PARALLEL_FROM_PARAMS;
  const small = PARALLEL_FROM_PARAMS - 1;
  it('single-threaded kernels (XNNPACK on WASM): one per core from the threshold, one below it', () => {
    expect(trainWorkers(undefined, big, 32, {}, 2, SINGLE)).toMatchObject({ workers: 2 });
    expect(trainWorkers(undefined, small, 32, {}, 2, SINGLE)).toMatchObject({ workers: 1 });
    expect(trainWorkers(undefined, big, 32, {}, 8, SINGLE).workers).toBe(8);
  });
  it('one where a replica\'s kernels already use every core (ONNX Runtime GEMMs, tfjs-node)', () => {
    expect(trainWorkers(undefined, big, 32, {}, 2, THREADED)).toMatchObject({ workers: 1, reason: expect.stringMatching(/every core/) });
    expect(kernelThreads('tensorflow').threads).toBe('threaded');
    expect(kernelThreads('cpu').threads).toBe('single');
  });
  it('the configuration wins over the environment, which wins over the rule; never more than the batch', () => {
    expect(trainWorkers(3, small, 32, { OPENECG_TRAIN_WORKERS: '2' }, 2, SINGLE)).toEqual({ workers: 3, reason: 'the configuration' });
    expect(trainWorkers(undefined, small, 32, { OPENECG_TRAIN_WORKERS: '2' }, 2, SINGLE)).toEqual({ workers: 2, reason: 'OPENECG_TRAIN_WORKERS' });
    expect(trainWorkers(undefined, big, 1, {}, 2, SINGLE).workers).toBe(1);
    expect(trainWorkers(4, big, 3, {}, 2, SINGLE).workers).toBe(3);
  });
  it('a bad OPENECG_TRAIN_WORKERS is a clear error', () => {
    expect(() => trainWorkers(undefined, big, 32, { OPENECG_TRAIN_WORKERS: 'two' }, 2, SINGLE)).toThrow("OPENECG_TRAIN_WORKERS must be a whole number from 1 to 64, got 'two'");
    expect(() => trainWorkers(undefined, big, 32, { OPENECG_TRAIN_WORKERS: '0' }, 2, SINGLE)).toThrow(/from 1 to 64/);
  });
});
