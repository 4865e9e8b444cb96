// Adam with decoupled weight decay (PyTorch's AdamW; weightDecay 0 is plain Adam), keyed by our
// stable parameter names rather than tfjs variable names (which carry a per-process prefix), so
// its state can be written to a checkpoint and read back into another process bit for bit.
import * as tf from '@tensorflow/tfjs-core';

export interface AdamSettings {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Decoupled decay, applied to weights of rank >= 2 only (not to biases, norms, tokens). */
  readonly weightDecay?: number;
}

export class Adam {
  /** Updates applied so far (PyTorch's state['step']). */
  step = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(settings: AdamSettings = {}) {
    this.beta1 = settings.beta1 ?? 0.9;
    this.beta2 = settings.beta2 ?? 0.999;
    this.epsilon = settings.epsilon ?? 1e-8;
    this.weightDecay = settings.weightDecay ?? 0;
  }

  /** One update of `params` with `grads` (by the same names) at learning rate lr; frees the gradients. */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    const t = this.step + 1;
    const stepSize = lr / (1 - this.beta1 ** t);
    const bc2 = Math.sqrt(1 - this.beta2 ** t);
    for (const [name, g] of grads) {
      const p = params.get(name);
      if (!p) throw new Error(`gradient for unknown parameter ${name}`);
      const m = this.slot(this.m, name, p);
      const v = this.slot(this.v, name, p);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const decayed = this.weightDecay > 0 && p.rank >= 2 ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        const denom = tf.add(tf.div(tf.sqrt(v1), bc2), this.epsilon);
        p.assign(tf.sub(decayed, tf.mul(tf.div(m1, denom), stepSize)));
      });
    }
    tf.dispose([...grads.values()]);
    this.step = t;
  }

  private slot(map: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.tidy(() => tf.variable(tf.zerosLike(like), false));
      map.set(name, s);
    }
    return s;
  }

  /** First and second moments as 'm/<name>' and 'v/<name>', in a fixed order. */
  state(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, s] of this.m) out.set(`m/${name}`, s.dataSync() as Float32Array);
    for (const [name, s] of this.v) out.set(`v/${name}`, s.dataSync() as Float32Array);
    return out;
  }

  /** Restores state() output and the step count; shapes come from the parameters. */
  load(state: ReadonlyMap<string, Float32Array>, step: number, params: ReadonlyMap<string, tf.Variable>): void {
    this.dispose();
    for (const [key, values] of state) {
      const slash = key.indexOf('/');
      const kind = key.slice(0, slash);
      const name = key.slice(slash + 1);
      const p = params.get(name);
      if ((kind !== 'm' && kind !== 'v') || !p) throw new Error(`optimizer state '${key}' matches no parameter`);
      if (values.length !== p.size) throw new Error(`optimizer state '${key}' has ${values.length} values, parameter has ${p.size}`);
      const s = tf.tidy(() => tf.variable(tf.tensor(values, p.shape, 'float32'), false));
      (kind === 'm' ? this.m : this.v).set(name, s);
    }
    this.step = step;
  }

  dispose(): void {
    for (const s of [...this.m.values(), ...this.v.values()]) s.dispose();
    this.m.clear();
    this.v.clear();
  }
}
