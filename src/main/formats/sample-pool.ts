// Per-channel sample arrays that a bulk reader (the import) hands back once it is done with a
// reading, so the next record reuses them: a 12-lead 10 s record at 500 Hz is 480 KB of
// Float64Array, and allocating that per record made garbage collection the largest single cost
// of an import and kept two workers from scaling (both threads stall in the allocator and GC).

/** Arrays kept per length; beyond that a returned array is left to the garbage collector. */
const KEEP_PER_LENGTH = 48;
const free = new Map<number, Float64Array[]>();
// Only arrays this pool made may come back: a reader may return views into a shared buffer
// (an HDF5 part, a decoded FLAC stream), and reusing one of those would corrupt other records.
const ours = new WeakSet<Float64Array>();

/** An array of n samples, not zeroed when reused: the caller writes every element. */
export function takeSamples(n: number): Float64Array {
  const reused = free.get(n)?.pop();
  if (reused) return reused;
  const fresh = new Float64Array(n);
  ours.add(fresh);
  return fresh;
}

/** Hands a reading's arrays back; the caller must not touch them afterwards. Foreign arrays are ignored. */
export function recycleSamples(arrays: readonly Float64Array[]): void {
  for (const a of arrays) {
    if (!ours.has(a)) continue;
    let list = free.get(a.length);
    if (!list) free.set(a.length, (list = []));
    if (list.length < KEEP_PER_LENGTH && !list.includes(a)) list.push(a);
  }
}
