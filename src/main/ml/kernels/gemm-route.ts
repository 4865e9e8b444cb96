// Whether convolutions and large matrix products on WASM go to ONNX Runtime's GEMM (conv-gemm.ts,
// matmul-gemm.ts) or stay on XNNPACK: one switch for both, and the description users see.
import { nativeOrt, nativeOrtFailure } from './ort-native.js';

let enabled = true;

/** Route to ONNX Runtime (default) or keep everything on XNNPACK (tests compare both). */
export function useGemmKernels(on: boolean): void {
  enabled = on;
}

export function gemmEnabled(): boolean {
  return enabled;
}

export interface GemmRoute {
  readonly route: 'onnxruntime-gemm' | 'xnnpack';
  readonly threads?: number;
  readonly why?: string;
}

/** Where the work runs now, and why when not on ONNX Runtime. */
export function gemmRoute(): GemmRoute {
  if (!enabled) return { route: 'xnnpack', why: 'switched off' };
  const ort = nativeOrt();
  return ort ? { route: 'onnxruntime-gemm', threads: ort.threads } : { route: 'xnnpack', why: nativeOrtFailure() ?? 'unavailable' };
}

/** 'onnxruntime-gemm (2 threads)', or with `threadsPerWorker` for data-parallel replicas; 'xnnpack (why)'. */
export function describeGemmRoute(threadsPerWorker?: number): string {
  const r = gemmRoute();
  if (r.route !== 'onnxruntime-gemm') return `xnnpack (${r.why})`;
  return threadsPerWorker !== undefined ? `onnxruntime-gemm (${threadsPerWorker} threads per worker)` : `onnxruntime-gemm (${r.threads} threads)`;
}
