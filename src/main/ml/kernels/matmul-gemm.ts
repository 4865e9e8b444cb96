// Batched matrix products (the ViT's linear layers and attention, and their gradients) on the WASM
// backend as one ONNX Runtime MatMul each, like the convolutions in conv-gemm.ts: inputs read in
// place from the WASM heap, the output written in place. Products below MIN_GEMM_MACS stay on
// XNNPACK without measuring (the call into ONNX Runtime costs more than it saves, and measuring
// would build a session for each); larger ones take the route measured cheaper for their shape
// (kernel-router.ts) unless one is forced (gemm-route.ts).
import { BatchMatMul, broadcast_util, util, type BatchMatMulAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { GraphBuilder } from '../onnx/graph.js';
import { gemmEnabled, kernelRouteMode } from './gemm-route.js';
import { runMeasured } from './kernel-router.js';
import { nativeOrt } from './ort-native.js';
import type { BackendWasm } from './wasm-call.js';

/** Below this many multiply-adds a product stays on XNNPACK (measured break-even is around 2e5). */
export const MIN_GEMM_MACS = 1 << 19;

interface Product {
  readonly aDims: [number, number, number];
  readonly bDims: [number, number, number];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly batch: number;
  readonly m: number;
  readonly n: number;
}

function graph(p: Product): Uint8Array {
  const g = new GraphBuilder('batch_matmul');
  let a = g.input('a', 'float32', p.aDims);
  let b = g.input('b', 'float32', p.bDims);
  if (p.transposeA) a = g.op('Transpose', [a], { perm: [0, 2, 1] });
  if (p.transposeB) b = g.op('Transpose', [b], { perm: [0, 2, 1] });
  g.output(g.op('MatMul', [a, b]), 'y', 'float32', [p.batch, p.m, p.n]);
  return g.encode('OpenECG batched MatMul');
}

export function makeBatchMatMulGemm(fallback: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = util.sizeFromShape(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    // Equal batches or one shared matrix (what the broadcast of flattened batch dims can express).
    const shapesOk = batchA === batchB || batchA === 1 || batchB === 1;
    const ort = shapesOk && gemmEnabled() && a.dtype === 'float32' && b.dtype === 'float32' && batch * m * n * k >= MIN_GEMM_MACS ? nativeOrt() : null;
    if (!ort) return fallback(args);
    const outShape = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)).concat([m, n]);
    const p: Product = {
      aDims: [batchA, a.shape[ra - 2], a.shape[ra - 1]],
      bDims: [batchB, b.shape[rb - 2], b.shape[rb - 1]],
      transposeA,
      transposeB,
      batch,
      m,
      n,
    };
    const backend = args.backend as BackendWasm;
    const key = `matmul:${p.aDims},${p.bDims},${+transposeA},${+transposeB}`;
    const gemm = (): TensorInfo => {
      // The output first: allocating may move the heap under older views.
      const out = backend.makeOutput(outShape, 'float32');
      const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
      ort.run(key, () => graph(p), { a: { data: view(a), dims: p.aDims }, b: { data: view(b), dims: p.bDims } }, { y: { data: view(out), dims: [batch, m, n] } });
      return out;
    };
    if (kernelRouteMode() === 'gemm') return gemm();
    return runMeasured({ backend, key, gemm, xnnpack: () => fallback(args) as TensorInfo, dropGemm: () => ort.drop(key) });
  };
}

export function batchMatMulGemmConfig(stock: KernelConfig): KernelConfig {
  return { kernelName: BatchMatMul, backendName: 'wasm', setupFunc: stock.setupFunc, kernelFunc: makeBatchMatMulGemm(stock.kernelFunc) };
}
