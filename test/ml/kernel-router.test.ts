// The kernel route measured per shape (kernel-router.ts): a tiny convolution stays on XNNPACK and a
// large one goes where its measured costs say, every decision agrees with the costs the router
// recorded, results equal the CPU backend's on either route, forcing works, the sessions of shapes
// XNNPACK won are released, and a process training the small config's SimCLR keeps a bounded
// number of threads (no pool per shape left behind, none added step after step).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { convGemmKey, type Conv1dGeometry } from '../../src/main/ml/kernels/conv-gemm-graph.js';
import { describeGemmRoute, kernelRouteMode, setKernelRoute } from '../../src/main/ml/kernels/gemm-route.js';
import { clearRouteDecisions, GEMM_MARGIN, routeDecisions, type RouteDecision } from '../../src/main/ml/kernels/kernel-router.js';
import { nativeOrt } from '../../src/main/ml/kernels/ort-native.js';
import { arraySource } from '../../src/main/ml/train/data.js';
import { trainSsl } from '../../src/main/ml/train/ssl.js';
import { relError } from './rel-error.js';

interface Conv {
  readonly x: [number, number, number, number]; // NHWC, height 1
  readonly filter: [number, number, number, number]; // HWIO
  readonly pad: number;
}

const tiny: Conv = { x: [2, 1, 16, 4], filter: [1, 3, 4, 4], pad: 1 };
const large: Conv = { x: [8, 1, 250, 64], filter: [1, 7, 64, 64], pad: 3 };

function geometry(c: Conv): Conv1dGeometry {
  const [batch, , inLength, inChannels] = c.x;
  const [, kernel, , outChannels] = c.filter;
  return { batch, inLength, inChannels, outChannels, outLength: inLength + 2 * c.pad - kernel + 1, kernel, stride: 1, dilation: 1, padLeft: c.pad };
}

/** Output and both gradients of sum(conv * r). */
function conv(backend: string, c: Conv, seed: number): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed);
    const w = tf.randomNormal(c.filter, 0, 1, 'float32', seed + 1);
    const pad = [[0, 0], [0, 0], [c.pad, c.pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad, 'NHWC');
    const y = f(x, w);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed + 2);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w]);
    return [y, dx, dw].map((t) => t.dataSync() as Float32Array);
  });
}

function decisionsOf(c: Conv): RouteDecision[] {
  return (['forward', 'input', 'filter'] as const).map((kind) => {
    const d = routeDecisions().get(convGemmKey(kind, geometry(c)));
    expect(d, `${kind} decision`).toBeDefined();
    return d!;
  });
}

const expected = (d: RouteDecision) => (d.gemmMs * GEMM_MARGIN < d.xnnpackMs ? 'gemm' : 'xnnpack');
const threads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

describe('kernel route by measured cost', () => {
  beforeAll(async () => {
    expect((await chooseBackend({ prefer: 'wasm', env: {} })).name).toBe('wasm');
    expect(nativeOrt()).not.toBeNull();
    setKernelRoute(undefined);
  });

  it('keeps a tiny convolution on XNNPACK, releasing the GEMM sessions it measured, and agrees with the CPU backend', () => {
    clearRouteDecisions();
    const ort = nativeOrt()!;
    const sessions = ort.sessions;
    const got = conv('wasm', tiny, 3);
    const want = conv('cpu', tiny, 3);
    got.forEach((g, k) => expect(relError(g, want[k])).toBeLessThan(1e-4));
    const ds = decisionsOf(tiny);
    for (const d of ds) expect(d.route).toBe(expected(d));
    // A 2 x 16 x 4 convolution is a few hundred multiply-adds: the call into ONNX Runtime costs more.
    expect(ds[0].route).toBe('xnnpack');
    expect(ds[0].xnnpackMs).toBeLessThan(ds[0].gemmMs);
    expect(ort.sessions - sessions).toBe(ds.filter((d) => d.route === 'gemm').length);
    expect(describeGemmRoute()).toMatch(/^the route measured per shape: \d+ shapes on onnxruntime-gemm \(\d+ threads\), \d+ on xnnpack$/);
  });

  it('sends a large convolution where its measured costs say (GEMM when faster) with the same results', () => {
    clearRouteDecisions();
    const got = conv('wasm', large, 5);
    const ds = decisionsOf(large);
    for (const d of ds) expect(d.route, JSON.stringify(d)).toBe(expected(d));
    if (process.env.OPENECG_SHOW_ROUTES) console.log(JSON.stringify(ds));
    setKernelRoute('xnnpack');
    try {
      const stock = conv('wasm', large, 5);
      got.forEach((g, k) => expect(relError(g, stock[k])).toBeLessThan(1e-4));
    } finally {
      setKernelRoute(undefined);
    }
    // Once decided, the shape is not measured again.
    const before = routeDecisions().get(convGemmKey('forward', geometry(large)));
    conv('wasm', large, 6);
    expect(routeDecisions().get(convGemmKey('forward', geometry(large)))).toBe(before);
  });

  it('forces one route: GEMM builds sessions and measures nothing, XNNPACK builds none', () => {
    const ort = nativeOrt()!;
    const c: Conv = { x: [3, 1, 20, 5], filter: [1, 5, 5, 6], pad: 2 };
    try {
      clearRouteDecisions();
      setKernelRoute('xnnpack');
      const sessions = ort.sessions;
      const x = conv('wasm', c, 9);
      expect(ort.sessions).toBe(sessions);
      setKernelRoute('gemm');
      const g = conv('wasm', c, 9);
      expect(ort.sessions).toBe(sessions + 3);
      expect(routeDecisions().size).toBe(0);
      expect(describeGemmRoute()).toMatch(/^onnxruntime-gemm \(forced, \d+ threads\)$/);
      g.forEach((v, k) => expect(relError(v, x[k])).toBeLessThan(1e-4));
    } finally {
      setKernelRoute(undefined);
    }
  });

  it('reads OPENECG_CONV, refusing values it does not know', () => {
    expect(kernelRouteMode({})).toBe('measured');
    expect(kernelRouteMode({ OPENECG_CONV: 'auto' })).toBe('measured');
    expect(kernelRouteMode({ OPENECG_CONV: 'GEMM' })).toBe('gemm');
    expect(kernelRouteMode({ OPENECG_CONV: 'xnnpack' })).toBe('xnnpack');
    expect(() => kernelRouteMode({ OPENECG_CONV: 'mlas' })).toThrow(/OPENECG_CONV must be auto, gemm or xnnpack, got 'mlas'/);
  });

  it("holds a bounded number of threads while training the small config's SimCLR", async () => {
    clearRouteDecisions();
    const ort = nativeOrt()!;
    const threads0 = threads();
    const sessions0 = ort.sessions;
    const count = 16;
    const records = Float32Array.from({ length: count * 12 * 1000 }, (_, i) => Math.sin(i * 0.01) + ((i * 7919) % 13) / 13);
    const config = { method: 'simclr' as const, model: 'resnet18_1d' as const, modelOptions: { width: 0.0625, depth: 0.25 }, projectorHidden: 128, projectorOut: 64, batchSize: 8, learningRate: 3e-3, seed: 1 };
    const first = await trainSsl({ ...config, steps: 2 }, arraySource(records, count, 1));
    first.method.dispose();
    const threads1 = threads();
    const gemmShapes = [...routeDecisions().values()].filter((d) => d.route === 'gemm').length;
    // Only the shapes GEMM won keep a session; each session's pool adds (intra-op threads - 1).
    expect(ort.sessions - sessions0).toBeLessThanOrEqual(gemmShapes);
    expect(threads1 - threads0).toBeLessThanOrEqual(Math.max(0, ort.sessions - sessions0) * (ort.threads - 1) + 2);
    // More steps meet no new shape: no thread more.
    const again = await trainSsl({ ...config, steps: 3 }, arraySource(records, count, 2));
    again.method.dispose();
    expect(threads()).toBeLessThanOrEqual(threads1);
  });
});
