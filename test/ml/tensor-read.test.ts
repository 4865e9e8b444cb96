// Reading tensors into arrays the caller keeps (the data-parallel step's gradient buffers): the
// values equal dataSync's on WASM (read from the heap in place) and on the CPU backend, odd sizes
// and offsets included; a buffer provider hands back the same shared array for the same size.
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { flattenInto, readInto, sharedBuffer } from '../../src/main/ml/tensor-read.js';

const shapes = [[3], [2, 5], [1, 7, 3], [13, 1, 2]];

afterAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
});

describe.each(['wasm', 'cpu'] as const)('tensor-read on %s', (backend) => {
  it('flattenInto equals the concatenated dataSync values, into a reused shared buffer', async () => {
    await chooseBackend({ prefer: backend, env: {} });
    expect(tf.getBackend()).toBe(backend);
    const ts = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 3 + i));
    // A tensor read through a reshape (shared data) and one after other tensors were freed.
    ts.push(tf.reshape(ts[1], [10]));
    const want = Float32Array.from(ts.flatMap((t) => [...(t.dataSync() as Float32Array)]));
    const provide = sharedBuffer();
    const got = flattenInto(ts, provide);
    expect(got.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(got).toEqual(want);
    const again = flattenInto(ts.map((t) => tf.mul(t, 2)), provide);
    expect(again).toBe(got);
    expect(again).toEqual(want.map((v) => v * 2));
    expect(flattenInto(ts)).toEqual(want);
    tf.disposeVariables();
    tf.dispose(ts);
  });

  it('readInto writes at an offset and refuses overflow and other dtypes', async () => {
    await chooseBackend({ prefer: backend, env: {} });
    const t = tf.tensor1d([1.5, -2, 3.25]);
    const out = new Float32Array(5).fill(9);
    readInto(t, out, 2);
    expect([...out]).toEqual([9, 9, 1.5, -2, 3.25]);
    expect(() => readInto(t, out, 3)).toThrow(/overflow/);
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => readInto(i, out)).toThrow(/float32/);
    tf.dispose([t, i]);
  });
});
