// Per-channel sample arrays (and int16 frame buffers) that a bulk reader (the import) hands back
// once it is done with a reading, so the next record reuses them: a 12-lead 10 s record at 500 Hz
// is 480 KB of Float64Array, and allocating that per record made garbage collection the largest
// single cost of an import and kept two workers from scaling (both threads stall in the allocator and GC).

/** Arrays kept per length; beyond that a returned array is left to the garbage collector. */
const KEEP_PER_LENGTH = 48;

/** Reusable typed arrays of one kind, by length; only arrays it made may come back. */
class Pool<T extends Float64Array<ArrayBufferLike> | Int16Array<ArrayBufferLike>> {
  private readonly free = new Map<number, T[]>();
  // A reader may return views into a shared buffer (an HDF5 part, a decoded FLAC stream), and
  // reusing one of those would corrupt other records.
  private readonly ours = new WeakSet<T>();

  constructor(private readonly make: (n: number) => T) {}

  take(n: number): T {
    const reused = this.free.get(n)?.pop();
    if (reused) return reused;
    const fresh = this.make(n);
    this.ours.add(fresh);
    return fresh;
  }

  give(a: T): void {
    if (!this.ours.has(a)) return;
    let list = this.free.get(a.length);
    if (!list) this.free.set(a.length, (list = []));
    if (list.length < KEEP_PER_LENGTH && !list.includes(a)) list.push(a);
  }
}

const samples = new Pool<Float64Array>((n) => new Float64Array(n));
const frames = new Pool<Int16Array>((n) => new Int16Array(n));

/** An array of n samples, not zeroed when reused: the caller writes every element. */
export function takeSamples(n: number): Float64Array {
  return samples.take(n);
}

/** Hands a reading's arrays back; the caller must not touch them afterwards. Foreign arrays are ignored. */
export function recycleSamples(arrays: readonly Float64Array[]): void {
  for (const a of arrays) samples.give(a);
}

/** An int16 buffer of n samples for a file's frames (formats/types.ts Int16Frames), not zeroed. */
export function takeFrames(n: number): Int16Array {
  return frames.take(n);
}

/** Hands frames back once they are converted; foreign arrays are ignored. */
export function recycleFrames(a: Int16Array): void {
  frames.give(a);
}
