// The WASM convolutions and their gradients, on both routes forced (ONNX Runtime GEMM over im2col,
// and XNNPACK forward convolutions) and on the default one measured per shape, against the CPU backend's reference loops, for every stride,
// padding and kernel size the ResNets use, plus odd lengths (strided convolutions that leave input
// samples unread), a dilated one and a 2-D case (which always takes the XNNPACK route).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { gemmRoute, setKernelRoute } from '../../src/main/ml/kernels/gemm-route.js';
import { relError } from './rel-error.js';

interface Case {
  name: string;
  x: number[]; // NHWC
  filter: number[]; // HWIO
  strides: [number, number];
  pad: [number, number]; // symmetric (H, W) padding
  dilation?: number;
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
  { name: 'dilated k3 d2 p2 (forward only on CPU: tfjs has no dilated gradient)', x: [2, 1, 30, 6], filter: [1, 3, 6, 4], strides: [1, 1], pad: [0, 2], dilation: 2 },
  { name: '2-D k3x3 s2 p1', x: [2, 9, 8, 3], filter: [3, 3, 3, 5], strides: [2, 2], pad: [1, 1] },
];

function gradients(backend: string, c: Case, seed: number): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed);
    const w = tf.randomNormal(c.filter, 0, 1, 'float32', seed + 1);
    const pad = [[0, 0], [c.pad[0], c.pad[0]], [c.pad[1], c.pad[1]], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const conv = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, pad, 'NHWC', [1, c.dilation ?? 1]);
    const y = conv(x, w);
    if (c.dilation) return [y.dataSync() as Float32Array];
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), r)))([x, w]);
    return [y.dataSync() as Float32Array, dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
}

describe('WASM convolution gradients', () => {
  beforeAll(async () => {
    const choice = await chooseBackend({ prefer: 'wasm', env: {} });
    expect(choice.name).toBe('wasm');
  });

  it('routes height-1 convolutions per shape by measured cost where ONNX Runtime loads', () => {
    expect(gemmRoute().route).toBe('measured');
  });

  for (const route of ['gemm', 'xnnpack', 'measured'] as const) {
    for (const [i, c] of cases.entries()) {
      it(`${route}, ${c.name}: output, input and filter gradients equal the CPU backend's`, () => {
        const want = gradients('cpu', c, 10 * i + 1); // seed 0 would mean 'unseeded'
        setKernelRoute(route === 'measured' ? undefined : route);
        try {
          const got = gradients('wasm', c, 10 * i + 1);
          expect(got.length).toBe(want.length);
          for (let k = 0; k < want.length; k++) {
            expect(got[k].length).toBe(want[k].length);
            expect(relError(got[k], want[k])).toBeLessThan(1e-4);
          }
        } finally {
          setKernelRoute(undefined);
        }
      });
    }
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
