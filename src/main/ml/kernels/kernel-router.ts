// The route of each (op, shape) chosen by measured cost. ONNX Runtime's GEMM beats XNNPACK by
// 2-4x on full-size convolutions, but each call into it costs a fixed overhead that dominates the
// small config's 1/16-width shapes (40 small SimCLR steps: 19.7 s on GEMM, 3.9 s on XNNPACK). No
// formula predicts the crossover across machines, so the first time a shape is met both routes
// run on the real inputs and are timed (each once untimed, as that call builds the GEMM session
// and the XNNPACK operator; then alternately, the minimum of each); the cheaper one serves that
// shape from then on. A decision is pinned (docs/kernels.md, "Pinned routes"): shared by every
// replica of the process (route-share.ts: the first claim wins), taken from a run's table or the
// machine's cache before measuring, and written to the cache, so the same seed gives the same
// numbers: the two routes sum in different orders, so their results differ in the last bits.
import { isMainThread } from 'node:worker_threads';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { nativeOrt, nativeOrtThreadsSetting } from './ort-native.js';
import { forgetMachineRoutes, machineRoute, saveMachineRoutes } from './route-cache.js';
import { claimRoute, clearSharedRoutes, sharedRoute, sharedRoutes, sharedRoutesEpoch, type SharedRoute } from './route-share.js';
import type { BackendWasm } from './wasm-call.js';

export type Route = 'gemm' | 'xnnpack';

export interface RouteDecision {
  readonly route: Route;
  /** Best measured milliseconds of each route on this shape. */
  readonly gemmMs: number;
  readonly xnnpackMs: number;
}

/**
 * Timed runs of each route: the minimum of MAX_REPS, since a loaded machine preempts single calls
 * for milliseconds. One run of each is enough for calls long beside that noise (LONG_MS) whose
 * routes differ by CLEAR_RATIO: full-size shapes are where measuring costs.
 */
const MAX_REPS = 3;
const LONG_MS = 25;
const CLEAR_RATIO = 1.5;
/** GEMM must be this much faster to win: XNNPACK runs on the calling thread, so it needs no pool thread woken on a busy machine. */
export const GEMM_MARGIN = 1.1;

/** Inside an XNNPACK route: the gradients' XNNPACK routes call Conv2D, which must stay on XNNPACK. */
let inXnnpack = 0;

function xnnpackOnly(op: RoutedOp): TensorInfo {
  inXnnpack++;
  try {
    return op.xnnpack();
  } finally {
    inXnnpack--;
  }
}

/** This thread's copies of the shared decisions it used (no lock on the hot path). */
const decisions = new Map<string, SharedRoute>();
let epoch = -1;

/** This thread's decisions, by shape key (tests assert against the costs recorded here). */
export function routeDecisions(): ReadonlyMap<string, SharedRoute> {
  return decisions;
}

/** Forgets every decision, the process's and the machine cache's copy (tests measure afresh; the file stays). */
export function clearRouteDecisions(): void {
  decisions.clear();
  clearSharedRoutes();
  forgetMachineRoutes();
}

/** Shapes on each route in this process (every thread's, and those pinned from a run's table). */
export function routeCounts(): { gemm: number; xnnpack: number } {
  const all = sharedRoutes();
  let gemm = 0;
  for (const d of all.values()) if (d.route === 'gemm') gemm++;
  return { gemm, xnnpack: all.size - gemm };
}

/** Shapes of this process's table by where their route came from. */
export function routeSources(): Record<SharedRoute['source'], number> {
  const out = { measured: 0, machine: 0, run: 0 };
  for (const d of sharedRoutes().values()) out[d.source]++;
  return out;
}

export interface RoutedOp {
  readonly backend: BackendWasm;
  /** The shape's key (also the ONNX Runtime session's). */
  readonly key: string;
  readonly gemm: () => TensorInfo;
  readonly xnnpack: () => TensorInfo;
  /** Releases what the GEMM route holds for this shape (its session) when XNNPACK wins. */
  readonly dropGemm: () => void;
}

function timed(run: () => TensorInfo): [TensorInfo, number] {
  const t0 = performance.now();
  const out = run();
  return [out, performance.now() - t0];
}

/**
 * The timing context of a decision: ONNX Runtime threads per replica as set for the process's
 * replicas (the cores shared among them), the same in every thread of a data-parallel run, so all
 * replicas look up one table of the machine's cache and two runs of one layout pin the same routes.
 */
const ortThreads = () => (nativeOrt() ? nativeOrtThreadsSetting() : 0);

/** The shape's pinned route: this thread's copy, the process's table, else the machine's cache (claimed for the process). */
function pinned(key: string): SharedRoute | undefined {
  const e = sharedRoutesEpoch();
  if (e !== epoch) {
    // A run's table was pinned (or the table cleared): copies may be stale.
    decisions.clear();
    epoch = e;
  }
  let d = decisions.get(key) ?? sharedRoute(key);
  if (!d) {
    const cached = machineRoute(key, ortThreads());
    if (cached) d = claimRoute(key, cached);
  }
  if (d) decisions.set(key, d);
  return d;
}

/** Runs the op on its shape's pinned route, measuring both the first time the shape is met. */
export function runMeasured(op: RoutedOp): TensorInfo {
  if (inXnnpack > 0) return op.xnnpack();
  const known = pinned(op.key);
  if (known) return known.route === 'gemm' ? op.gemm() : xnnpackOnly(op);
  const free = (t: TensorInfo) => op.backend.disposeData(t.dataId);
  const threads = ortThreads();
  // First calls set up (the GEMM session is built and loaded, XNNPACK creates its operator): untimed.
  try {
    free(op.gemm());
  } catch {
    // A shape ONNX Runtime refuses stays on XNNPACK, which computes every shape.
    const d = decide(op, { route: 'xnnpack', gemmMs: Infinity, xnnpackMs: 0, threads, source: 'measured' });
    return d.route === 'gemm' ? op.gemm() : xnnpackOnly(op);
  }
  free(xnnpackOnly(op));
  let gemmMs = Infinity;
  let xnnpackMs = Infinity;
  let gemmOut: TensorInfo | undefined;
  let xnnOut: TensorInfo | undefined;
  for (let rep = 0; rep < MAX_REPS; rep++) {
    if (xnnOut) free(xnnOut);
    const [x, xt] = timed(() => xnnpackOnly(op));
    xnnOut = x;
    xnnpackMs = Math.min(xnnpackMs, xt);
    if (gemmOut) free(gemmOut);
    const [g, gt] = timed(op.gemm);
    gemmOut = g;
    gemmMs = Math.min(gemmMs, gt);
    const fast = Math.min(gemmMs, xnnpackMs);
    if (fast > LONG_MS && Math.max(gemmMs, xnnpackMs) > CLEAR_RATIO * fast) break;
  }
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const costs = { gemmMs: round(gemmMs), xnnpackMs: round(xnnpackMs) };
  const route: Route = costs.gemmMs * GEMM_MARGIN < costs.xnnpackMs ? 'gemm' : 'xnnpack';
  // Another replica may have claimed the shape meanwhile: its route's output is the one returned
  // (both were computed), so every replica's step used one route.
  const d = decide(op, { route, ...costs, threads, source: 'measured' });
  free(d.route === 'gemm' ? xnnOut! : gemmOut!);
  return d.route === 'gemm' ? gemmOut! : xnnOut!;
}

/** Claims the decision for the process (the first claim wins) and saves it; a shape XNNPACK won keeps no session. */
function decide(op: RoutedOp, mine: SharedRoute): SharedRoute {
  const d = claimRoute(op.key, mine);
  decisions.set(op.key, d);
  if (d.route === 'xnnpack') op.dropGemm();
  // Workers' decisions are saved by their coordinator after each step (parallel/data-parallel.ts).
  if (isMainThread) saveMachineRoutes();
  return d;
}
