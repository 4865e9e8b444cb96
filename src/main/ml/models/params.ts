// Trainable weights and running statistics of a functional model, created with PyTorch's default
// initialisation (so learning rates and results transfer) from a seeded generator.
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32 } from '../../../shared/random.js';

/** Deterministic uniform numbers: same seed, same initial weights, any backend. */
export const seededUniform = mulberry32;

let instances = 0;

export class ParamStore {
  /** Trained by the optimiser. */
  readonly params = new Map<string, tf.Variable>();
  /** Updated by the forward pass in training mode (BatchNorm running mean and variance). */
  readonly buffers = new Map<string, tf.Variable>();
  private readonly rand: () => number;
  // tfjs variable names are global: a per-store prefix lets several models coexist.
  private readonly prefix = `m${++instances}/`;

  constructor(seed: number) {
    this.rand = seededUniform(seed);
  }

  private add(map: Map<string, tf.Variable>, name: string, values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
    if (this.params.has(name) || this.buffers.has(name)) throw new Error(`duplicate parameter ${name}`);
    const initial = tf.tensor(values, shape, 'float32');
    const v = tf.variable(initial, trainable, this.prefix + name);
    initial.dispose();
    map.set(name, v);
    return v;
  }

  /** U(-bound, bound): PyTorch's kaiming_uniform(a=sqrt(5)) for conv/linear weights is bound = 1/sqrt(fan_in). */
  uniform(name: string, shape: number[], bound: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (2 * this.rand() - 1) * bound;
    return this.add(this.params, name, values, shape, true);
  }

  /** Normal(0, std) by Box-Muller (ViT position embedding). */
  normal(name: string, shape: number[], std: number): tf.Variable {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = Math.max(this.rand(), 1e-12);
      values[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand());
    }
    return this.add(this.params, name, values, shape, true);
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
    return this.add(this.params, name, values, shape, true);
  }

  buffer(name: string, shape: number[], value: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
    return this.add(this.buffers, name, values, shape, false);
  }

  dispose(): void {
    for (const v of [...this.params.values(), ...this.buffers.values()]) v.dispose();
    this.params.clear();
    this.buffers.clear();
  }
}

/** Number of trainable values, as PyTorch's sum(p.numel() for p in model.parameters()). */
export function countParameters(params: ReadonlyMap<string, tf.Variable>): number {
  let n = 0;
  for (const v of params.values()) n += v.size;
  return n;
}
