// Calling the WASM backend's own kernels from inside our kernels. A kernel function receives and
// returns TensorInfo (no engine, no tape), so intermediates are freed by hand through Scratch.
import { getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type { BackendWasm };

/** Runs the registered WASM kernel `name` and returns its single output. */
export function wasmKernel(backend: BackendWasm, name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (!config) throw new Error(`WASM kernel ${name} is not registered`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`WASM kernel ${name} returned ${out.length} outputs, expected one`);
  return out;
}

/** Intermediate tensors of one kernel call, released together (refcounted, so aliases are safe). */
export class Scratch {
  private readonly infos: TensorInfo[] = [];
  constructor(readonly backend: BackendWasm) {}

  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const out = wasmKernel(this.backend, name, inputs, attrs);
    this.infos.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    if (perm.every((p, i) => p === i)) return x;
    // Moving axes of length 1 does not move data: a reshape is enough and costs nothing.
    const moved = perm.filter((p) => x.shape[p] !== 1);
    if (moved.every((p, i) => i === 0 || p > moved[i - 1])) return this.reshape(x, perm.map((p) => x.shape[p]));
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero-pads (before, after) per axis; negative amounts crop instead. */
  padOrCrop(x: TensorInfo, amounts: [number, number][]): TensorInfo {
    let t = x;
    if (amounts.some(([b, a]) => b < 0 || a < 0)) {
      const begin = amounts.map(([b]) => Math.max(0, -b));
      const size = amounts.map(([b, a], i) => t.shape[i] - Math.max(0, -b) - Math.max(0, -a));
      t = this.run('Slice', { x: t }, { begin, size });
    }
    if (amounts.some(([b, a]) => b > 0 || a > 0)) {
      const paddings = amounts.map(([b, a]) => [Math.max(0, b), Math.max(0, a)]);
      t = this.run('PadV2', { x: t }, { paddings, constantValue: 0 });
    }
    return t;
  }

  /** Keeps `out` alive past dispose() (the caller's result). */
  dispose(keep?: TensorInfo): void {
    for (const info of this.infos) {
      if (keep && info.dataId === keep.dataId && info === keep) continue;
      this.backend.disposeData(info.dataId);
    }
    this.infos.length = 0;
  }
}
