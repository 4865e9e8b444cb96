// The route table one process shares among its threads: a SharedArrayBuffer that this thread
// creates and hands to every data-parallel worker (parallel/protocol.ts), holding one line per
// shape. The first replica to decide a shape claims it under a lock; one that measured the same
// shape at the same moment adopts the claimed route, and since measuring left it both routes'
// outputs it returns the claimed route's, so every replica's step used the one route (no step is
// computed again, no thread waits for another's measuring). This is simpler than asking the main
// thread: kernels run synchronously, and the main thread is busy with its own share then.
import type { RouteDecision } from './kernel-router.js';

/** Where a pinned route came from: measured in this process, the machine's cache, a run's table. */
export type RouteSource = 'measured' | 'machine' | 'run';

export interface SharedRoute extends RouteDecision {
  /** ONNX Runtime intra-op threads of the thread that measured it (timings compare only at equal threads). */
  readonly threads: number;
  readonly source: RouteSource;
}

/** Header: [lock, bytes used, version (bumped on every change), epoch (bumped when routes are replaced)]; then the lines. */
const HEADER = 4;
const BYTES = 1 << 20;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let buffer = new SharedArrayBuffer(HEADER * 4 + BYTES);
let header = new Int32Array(buffer, 0, HEADER);

/** This process's table (to hand to workers). */
export function sharedRouteBuffer(): SharedArrayBuffer {
  return buffer;
}

/** A worker adopts its coordinator's table before its first kernel runs. */
export function adoptSharedRoutes(shared: SharedArrayBuffer): void {
  buffer = shared;
  header = new Int32Array(buffer, 0, HEADER);
}

function locked<T>(fn: (head: Int32Array, data: Uint8Array) => T): T {
  const head = header;
  // Critical sections are a few microseconds (no measuring inside): wait in 1 ms slices.
  while (Atomics.compareExchange(head, 0, 0, 1) !== 0) Atomics.wait(head, 0, 1, 1);
  try {
    return fn(head, new Uint8Array(buffer, HEADER * 4));
  } finally {
    Atomics.store(head, 0, 0);
    Atomics.notify(head, 0, 1);
  }
}

const line = (key: string, r: SharedRoute) => `${key}\t${r.route}\t${r.gemmMs}\t${r.xnnpackMs}\t${r.threads}\t${r.source}\n`;

function parse(head: Int32Array, data: Uint8Array): Map<string, SharedRoute> {
  const out = new Map<string, SharedRoute>();
  // A copy: TextDecoder refuses views of shared memory.
  const text = decoder.decode(data.slice(0, Atomics.load(head, 1)));
  for (const l of text.split('\n')) {
    if (!l) continue;
    const [key, route, gemmMs, xnnpackMs, threads, source] = l.split('\t');
    out.set(key, { route: route as SharedRoute['route'], gemmMs: Number(gemmMs), xnnpackMs: Number(xnnpackMs), threads: Number(threads), source: source as RouteSource });
  }
  return out;
}

function write(head: Int32Array, data: Uint8Array, all: Map<string, SharedRoute>): boolean {
  const bytes = encoder.encode([...all].map(([k, r]) => line(k, r)).join(''));
  if (bytes.length > data.length) return false;
  data.set(bytes);
  Atomics.store(head, 1, bytes.length);
  Atomics.add(head, 2, 1);
  return true;
}

/**
 * The shape's route: the one already in the table, else `mine`, claimed. A full table (1 MB, some
 * 8,000 shapes; a network meets under a hundred) claims nothing: `mine` is used unrecorded.
 */
export function claimRoute(key: string, mine: SharedRoute): SharedRoute {
  return locked((head, data) => {
    const all = parse(head, data);
    const have = all.get(key);
    if (have) return have;
    all.set(key, mine);
    write(head, data, all);
    return mine;
  });
}

/** The shape's route if some thread decided it. */
export function sharedRoute(key: string): SharedRoute | undefined {
  return locked((head, data) => parse(head, data).get(key));
}

/** Every shape decided in this process, by key. */
export function sharedRoutes(): Map<string, SharedRoute> {
  return locked(parse);
}

/** Bumped on every change: a cheap "anything new to save?". */
export function sharedRoutesVersion(): number {
  return Atomics.load(header, 2);
}

/** Bumped when routes are replaced or cleared: each thread then forgets its own copies. */
export function sharedRoutesEpoch(): number {
  return Atomics.load(header, 3);
}

/** Puts routes into the table, replacing those of the same shapes (a run's table pinned at its start). */
export function pinSharedRoutes(routes: ReadonlyMap<string, SharedRoute>): void {
  locked((head, data) => {
    const all = parse(head, data);
    for (const [k, r] of routes) all.set(k, r);
    if (!write(head, data, all)) throw new Error(`kernel route table full: ${all.size} shapes`);
    Atomics.add(head, 3, 1);
  });
}

/** Empties the table (tests measure afresh). */
export function clearSharedRoutes(): void {
  locked((head, data) => {
    write(head, data, new Map());
    Atomics.add(head, 3, 1);
  });
}
