// Copying tensors' values into arrays the caller keeps. dataSync() allocates a fresh array per
// call, and on this machine first-touching fresh memory costs ~40 us per 4 KiB page: reading a
// ResNet-18's 8.7 M gradients with dataSync took ~250 ms a step where copying them into an array
// already touched takes 2 ms. On WASM we read the heap in place; other backends go through dataSync.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Writes the float32 values of `t` into `out` from `offset` on. */
export function readInto(t: tf.Tensor, out: Float32Array, offset = 0): void {
  if (t.dtype !== 'float32') throw new Error(`readInto reads float32 tensors, got ${t.dtype}`);
  if (offset + t.size > out.length) throw new RangeError(`readInto: ${t.size} values at ${offset} overflow ${out.length}`);
  const backend = tf.engine().backendName === 'wasm' ? (tf.backend() as BackendWasm) : undefined;
  // The view is used at once: a later allocation could grow (and move) the heap under it.
  const values = backend ? (backend.typedArrayFromHeap(t) as Float32Array) : (t.dataSync() as Float32Array);
  out.set(values, offset);
}

/** The tensors' values one after another in `into(total)` (or a fresh array). */
export function flattenInto(tensors: readonly tf.Tensor[], into?: (size: number) => Float32Array): Float32Array {
  const size = tensors.reduce((a, t) => a + t.size, 0);
  const out = into ? into(size) : new Float32Array(size);
  if (out.length !== size) throw new RangeError(`gradient buffer holds ${out.length} values, ${size} needed`);
  let offset = 0;
  for (const t of tensors) {
    readInto(t, out, offset);
    offset += t.size;
  }
  return out;
}

/** A provider of one reused buffer per size, on shared memory so it crosses to other threads without a copy. */
export function sharedBuffer(): (size: number) => Float32Array {
  let buffer: Float32Array | undefined;
  return (size) => {
    if (buffer?.length !== size) buffer = new Float32Array(new SharedArrayBuffer(size * 4));
    return buffer;
  };
}
