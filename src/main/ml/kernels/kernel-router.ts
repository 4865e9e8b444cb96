// The route of each (op, shape) chosen by measured cost. ONNX Runtime's GEMM beats XNNPACK by
// 2-4x on full-size convolutions, but each call into it costs a fixed overhead that dominates the
// small config's 1/16-width shapes (40 small SimCLR steps: 19.7 s on GEMM, 3.9 s on XNNPACK). No
// formula predicts the crossover across machines, so the first time a shape is met both routes
// run on the real inputs and are timed (each once untimed, as that call builds the GEMM session
// and the XNNPACK operator; then alternately, the minimum of each); the cheaper one serves that
// shape for the rest of the process. Decisions live per thread (each data-parallel worker measures its own, its cores being
// shared differently); workers broadcast theirs so the main thread can report the counts.
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import type { TensorInfo } from '@tensorflow/tfjs-core';
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

const decisions = new Map<string, RouteDecision>();
/** Decisions data-parallel workers reported (main thread only), by worker and shape. */
const reported = new Map<string, RouteDecision>();

const CHANNEL = 'openecg-kernel-routes';
let channel: BroadcastChannel | undefined;

function broadcast(key: string, d: RouteDecision): void {
  if (isMainThread) return;
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    (channel as unknown as { unref(): void }).unref();
  }
  channel.postMessage({ key, ...d });
}

function listen(): void {
  if (!isMainThread || channel) return;
  channel = new BroadcastChannel(CHANNEL);
  (channel as unknown as { unref(): void }).unref(); // never keeps the process alive
  channel.onmessage = (event) => {
    const m = (event as MessageEvent).data as { key?: unknown; route?: unknown; gemmMs?: unknown; xnnpackMs?: unknown };
    if (typeof m.key === 'string' && (m.route === 'gemm' || m.route === 'xnnpack') && typeof m.gemmMs === 'number' && typeof m.xnnpackMs === 'number') {
      reported.set(m.key, { route: m.route, gemmMs: m.gemmMs, xnnpackMs: m.xnnpackMs });
    }
  };
}
listen();

/** This thread's decisions, by shape key (tests assert against the costs recorded here). */
export function routeDecisions(): ReadonlyMap<string, RouteDecision> {
  return decisions;
}

/** Forgets every decision (tests measure afresh). */
export function clearRouteDecisions(): void {
  decisions.clear();
  reported.clear();
}

/** Shapes on each route, over this thread's decisions and those workers reported (this thread's first). */
export function routeCounts(): { gemm: number; xnnpack: number } {
  const all = new Map([...reported, ...decisions]);
  let gemm = 0;
  for (const d of all.values()) if (d.route === 'gemm') gemm++;
  return { gemm, xnnpack: all.size - gemm };
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

/** Runs the op on its shape's measured route, measuring both the first time the shape is met. */
export function runMeasured(op: RoutedOp): TensorInfo {
  if (inXnnpack > 0) return op.xnnpack();
  const known = decisions.get(op.key);
  if (known) return known.route === 'gemm' ? op.gemm() : xnnpackOnly(op);
  const free = (t: TensorInfo) => op.backend.disposeData(t.dataId);
  // First calls set up (the GEMM session is built and loaded, XNNPACK creates its operator): untimed.
  try {
    free(op.gemm());
  } catch {
    // A shape ONNX Runtime refuses stays on XNNPACK, which computes every shape.
    return decide(op, { route: 'xnnpack', gemmMs: Infinity, xnnpackMs: 0 }, xnnpackOnly(op));
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
  if (route === 'gemm') {
    free(xnnOut!);
    return decide(op, { route, ...costs }, gemmOut!);
  }
  free(gemmOut!);
  return decide(op, { route, ...costs }, xnnOut!);
}

/** Records the decision (and tells the main thread); a shape XNNPACK won keeps no session. */
function decide(op: RoutedOp, decision: RouteDecision, out: TensorInfo): TensorInfo {
  decisions.set(op.key, decision);
  broadcast(op.key, decision);
  if (decision.route === 'xnnpack') op.dropGemm();
  return out;
}
