// Where convolutions and large matrix products on WASM run: ONNX Runtime's GEMM (conv-gemm.ts,
// matmul-gemm.ts) or XNNPACK. By default each shape takes the route measured cheaper on this
// machine (kernel-router.ts); OPENECG_CONV=gemm|xnnpack (or OPENECG_ORT=off) forces one route for
// everything, and tests force one with setKernelRoute. Also the description users see.
import { routeCounts } from './kernel-router.js';
import { nativeOrt, nativeOrtFailure } from './ort-native.js';

/** 'measured': per shape, by timing both routes once; 'gemm' / 'xnnpack': forced. */
export type KernelRouteMode = 'measured' | 'gemm' | 'xnnpack';

let forced: KernelRouteMode | undefined;

/** Forces a route for every shape from now on (tests compare them); undefined = as the environment says. */
export function setKernelRoute(mode: KernelRouteMode | undefined): void {
  forced = mode;
}

/** Kept for callers that only switch GEMM off and on: on = the measured default, off = XNNPACK. */
export function useGemmKernels(on: boolean): void {
  forced = on ? undefined : 'xnnpack';
}

/** The route mode in force: setKernelRoute, else OPENECG_CONV (auto|measured|gemm|xnnpack), else 'measured'. */
export function kernelRouteMode(env: Readonly<Record<string, string | undefined>> = process.env): KernelRouteMode {
  if (forced) return forced;
  const conv = (env.OPENECG_CONV ?? '').toLowerCase();
  if (conv === '' || conv === 'auto' || conv === 'measured') return 'measured';
  if (conv === 'gemm' || conv === 'xnnpack') return conv;
  throw new Error(`OPENECG_CONV must be auto, gemm or xnnpack, got '${env.OPENECG_CONV}'`);
}

/** Whether GEMM may be used at all (the kernels still check onnxruntime-node loads). */
export function gemmEnabled(): boolean {
  return kernelRouteMode() !== 'xnnpack';
}

export interface GemmRoute {
  readonly route: 'measured' | 'onnxruntime-gemm' | 'xnnpack';
  readonly threads?: number;
  readonly why?: string;
}

/** Where the work runs now, and why when not on ONNX Runtime. */
export function gemmRoute(): GemmRoute {
  const mode = kernelRouteMode();
  if (mode === 'xnnpack') return { route: 'xnnpack', why: forced ? 'switched off' : 'OPENECG_CONV=xnnpack' };
  const ort = nativeOrt();
  if (!ort) return { route: 'xnnpack', why: nativeOrtFailure() ?? 'unavailable' };
  return { route: mode === 'gemm' ? 'onnxruntime-gemm' : 'measured', threads: ort.threads };
}

/**
 * 'the route measured per shape: 12 shapes on onnxruntime-gemm (2 threads), 31 on xnnpack',
 * 'onnxruntime-gemm (forced, 2 threads)', 'xnnpack (why)'; `threadsPerWorker` for data-parallel replicas.
 */
export function describeGemmRoute(threadsPerWorker?: number): string {
  const r = gemmRoute();
  if (r.route === 'xnnpack') return `xnnpack (${r.why})`;
  const threads = threadsPerWorker !== undefined ? `${threadsPerWorker} threads per worker` : `${r.threads} threads`;
  if (r.route === 'onnxruntime-gemm') return `onnxruntime-gemm (forced, ${threads})`;
  const { gemm, xnnpack } = routeCounts();
  if (gemm + xnnpack === 0) return `the route measured per shape: onnxruntime-gemm (${threads}) or xnnpack`;
  return `the route measured per shape: ${gemm} shapes on onnxruntime-gemm (${threads}), ${xnnpack} on xnnpack`;
}
