// The WASM convolution gradients (built from forward convolutions) against the CPU backend's
// reference loops, for every stride, padding and kernel size the ResNets use, plus odd lengths
// (strided convolutions that leave input samples unread) and a 2-D case.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';

interface Case {
  name: string;
  x: number[]; // NHWC
  filter: number[]; // HWIO
  strides: [number, number];
  pad: [number, number]; // symmetric (H, W) padding
}

const cases: Case[] = [
  { name: 'stem k15 s2 p7', x: [2, 1, 40, 12], filter: [1, 15, 12, 8], strides: [1, 2], pad: [0, 7] },
  { name: 'basic k7 s1 p3', x: [2, 1, 25, 8], filter: [1, 7, 8, 8], strides: [1, 1], pad: [0, 3] },
  { name: 'basic k7 s2 p3 odd length', x: [3, 1, 25, 8], filter: [1, 7, 8, 16], strides: [1, 2], pad: [0, 3] },
  { name: 'projection k1 s2', x: [2, 1, 25, 8], filter: [1, 1, 8, 16], strides: [1, 2], pad: [0, 0] },
  { name: 'projection k1 s2 even length', x: [2, 1, 24, 8], filter: [1, 1, 8, 16], strides: [1, 2], pad: [0, 0] },
  { name: 'bottleneck k1 s1', x: [2, 1, 20, 16], filter: [1, 1, 16, 4], strides: [1, 1], pad: [0, 0] },
  { name: 'bottleneck k3 s1 p1', x: [2, 1, 20, 4], filter: [1, 3, 4, 4], strides: [1, 1], pad: [0, 1] },
  { name: 'bottleneck k3 s2 p1', x: [2, 1, 21, 4], filter: [1, 3, 4, 4], strides: [1, 2], pad: [0, 1] },
  { name: '2-D k3x3 s2 p1', x: [2, 9, 8, 3], filter: [3, 3, 3, 5], strides: [2, 2], pad: [1, 1] },
];

function gradients(backend: string, c: Case, seed: number): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed);
    const w = tf.randomNormal(c.filter, 0, 1, 'float32', seed + 1);
    const pad = [[0, 0], [c.pad[0], c.pad[0]], [c.pad[1], c.pad[1]], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, pad);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, pad), r)))([x, w]);
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
}

/** Largest difference relative to the largest reference magnitude. */
function relError(got: Float32Array, want: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe('WASM convolution gradients', () => {
  beforeAll(async () => {
    const choice = await chooseBackend({ prefer: 'wasm', env: {} });
    expect(choice.name).toBe('wasm');
  });

  for (const [i, c] of cases.entries()) {
    it(`${c.name}: input and filter gradients equal the CPU backend's`, () => {
      const want = gradients('cpu', c, 10 * i + 1); // seed 0 would mean 'unseeded'
      const got = gradients('wasm', c, 10 * i + 1);
      expect(got[0].length).toBe(want[0].length);
      expect(got[1].length).toBe(want[1].length);
      expect(relError(got[0], want[0])).toBeLessThan(1e-4);
      expect(relError(got[1], want[1])).toBeLessThan(1e-4);
    });
  }

  it('frees every intermediate: repeated gradients do not grow the tensor count', () => {
    tf.setBackend('wasm');
    const c = cases[2];
    gradients('wasm', c, 1);
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    for (let k = 0; k < 3; k++) gradients('wasm', c, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore);
  });
});
