// Batched matrix products on WASM through ONNX Runtime (matmul-gemm.ts) against the CPU backend:
// every transpose combination, a shared matrix broadcast over a batch, gradients, and a product
// too small to route (which stays on XNNPACK) — all within 1e-4 relative.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { setKernelRoute } from '../../src/main/ml/kernels/gemm-route.js';
import { MIN_GEMM_MACS } from '../../src/main/ml/kernels/matmul-gemm.js';
import { relError } from './rel-error.js';

interface Case {
  readonly name: string;
  readonly a: number[];
  readonly b: number[];
  readonly ta: boolean;
  readonly tb: boolean;
  /** tfjs-core's BatchMatMul gradient does not reduce broadcast batch dimensions: forward only. */
  readonly forwardOnly?: boolean;
}

const cases: Case[] = [
  { name: 'batched', a: [4, 64, 48], b: [4, 48, 64], ta: false, tb: false },
  { name: 'batched, b transposed (attention scores)', a: [4, 64, 48], b: [4, 64, 48], ta: false, tb: true },
  { name: 'batched, a transposed', a: [4, 48, 64], b: [4, 48, 64], ta: true, tb: false },
  { name: 'batched, both transposed', a: [4, 48, 64], b: [4, 64, 48], ta: true, tb: true },
  { name: '2-D linear layer', a: [160, 96], b: [96, 80], ta: false, tb: false },
  { name: 'shared matrix over a batch', a: [3, 70, 50], b: [50, 60], ta: false, tb: false, forwardOnly: true },
];

/** The product and the gradients of sum(product * r) with respect to both factors. */
function run(backend: string, c: Case, seed: number): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const a = tf.randomNormal(c.a, 0, 1, 'float32', seed);
    const b = tf.randomNormal(c.b, 0, 1, 'float32', seed + 1);
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.ta, c.tb);
    const out = f(a, b);
    if (c.forwardOnly) return [out.dataSync() as Float32Array];
    const r = tf.randomNormal(out.shape, 0, 1, 'float32', seed + 2);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), r)))([a, b]);
    return [out, da, db].map((t) => t.dataSync() as Float32Array);
  });
}

describe('batched matrix products on ONNX Runtime', () => {
  beforeAll(async () => {
    expect((await chooseBackend({ prefer: 'wasm', env: {} })).name).toBe('wasm');
    setKernelRoute('gemm'); // the GEMM route itself (the measured choice is kernel-router.test.ts's)
  });
  afterAll(() => setKernelRoute(undefined));

  for (const [i, c] of cases.entries()) {
    it(`${c.name}: product${c.forwardOnly ? '' : ' and both gradients'} equal the CPU backend's`, () => {
      const want = run('cpu', c, 20 * i + 1);
      const got = run('wasm', c, 20 * i + 1);
      expect(got.length).toBe(want.length);
      for (let k = 0; k < want.length; k++) {
        expect(got[k].length).toBe(want[k].length);
        expect(relError(got[k], want[k])).toBeLessThan(1e-4);
      }
    });
  }

  it('gives the XNNPACK result (to float rounding) on products large enough to route, and keeps small ones there', () => {
    const c = cases[1];
    const routed = run('wasm', c, 7);
    setKernelRoute('xnnpack');
    try {
      const stock = run('wasm', c, 7);
      routed.forEach((r, k) => expect(relError(r, stock[k])).toBeLessThan(1e-5));
    } finally {
      setKernelRoute('gemm');
    }
    expect(4 * 64 * 64 * 48).toBeGreaterThanOrEqual(MIN_GEMM_MACS);
    const small = run('wasm', { name: 'small', a: [2, 8, 8], b: [2, 8, 8], ta: false, tb: false }, 3);
    const smallCpu = run('cpu', { name: 'small', a: [2, 8, 8], b: [2, 8, 8], ta: false, tb: false }, 3);
    small.forEach((s, k) => expect(relError(s, smallCpu[k])).toBeLessThan(1e-5));
  });
});
