// Data-parallel training: this thread's replica takes the first share of every batch and
// worker_threads (each its own backend and replica) the others; the gradients of the shares'
// mean losses are averaged, weighted by share size, so the update is that of the whole batch's
// mean loss, and every replica applies the same average with the same optimiser. A loss that
// couples the batch's records (SimCLR's NT-Xent, whose negatives are the whole batch) is taken
// over all shares' embeddings here, and each share back-propagates its part of its gradient.
// BatchNorm normalises with each share's own statistics, as PyTorch's DDP without SyncBatchNorm;
// the running statistics follow the whole batch (combined exactly). One worker: this thread alone,
// the same step without any averaging.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { compiledScript } from '../../platform/app-paths.js';
import { routeDecisions } from '../kernels/kernel-router.js';
import { setNativeOrtThreads } from '../kernels/ort-native.js';
import { machineRoutesForWorkers, saveMachineRoutes } from '../kernels/route-cache.js';
import { sharedRouteBuffer } from '../kernels/route-share.js';
import { sharedBuffer } from '../tensor-read.js';
import type { Replica, ReplicaState, ShareGradients } from '../train/replica.js';
import type { BatchStats, FromWorker, ToWorker, WorkerSetup } from './protocol.js';

/** Workers run compiled JavaScript: dist/, or the build's copy when this runs from src/ (Vitest). */
export const workerScript = (): string => compiledScript(import.meta.url, 'worker.js');

/** ONNX Runtime threads each of `workers` replicas gets: the cores shared among them. */
export function gemmThreadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workers));
}

class Remote {
  private readonly waiting: ((msg: FromWorker) => void)[] = [];
  private failure: Error | undefined;
  constructor(readonly worker: Worker) {
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'error') this.fail(new Error(`data-parallel worker: ${msg.message}`));
      else this.waiting.shift()?.(msg);
    });
    worker.on('error', (err) => this.fail(err));
  }
  private fail(err: Error): void {
    this.failure = err;
    for (const w of this.waiting.splice(0)) w({ type: 'error', message: err.message });
  }
  next(): Promise<FromWorker> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push((m) => (m.type === 'error' ? reject(this.failure ?? new Error(m.message)) : resolve(m))));
  }
  request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    const reply = this.next();
    this.worker.postMessage(msg, transfer);
    return reply;
  }
  async expect<T extends FromWorker['type']>(type: T, msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<Extract<FromWorker, { type: T }>> {
    const reply = await this.request(msg, transfer);
    if (reply.type !== type) throw new Error(`data-parallel worker answered ${reply.type} to ${msg.type}`);
    return reply as Extract<FromWorker, { type: T }>;
  }
}

/** Whole-batch mean and biased variance from per-share ones (exact, by the parallel-variance rule). */
export function combineStats(parts: readonly (readonly BatchStats[])[]): BatchStats[] {
  return parts[0].map((_, layer) => {
    const shares = parts.map((p) => p[layer]);
    const count = shares.reduce((a, s) => a + s.count, 0);
    const c = shares[0].mean.length;
    const mean = new Float32Array(c);
    const variance = new Float32Array(c);
    for (let k = 0; k < c; k++) {
      let m = 0;
      for (const s of shares) m += (s.count / count) * s.mean[k];
      let v = 0;
      for (const s of shares) v += (s.count / count) * (s.variance[k] + (s.mean[k] - m) ** 2);
      mean[k] = m;
      variance[k] = v;
    }
    return { mean, variance, count };
  });
}

/** out = sum_i weights[i] * parts[i], in one pass per part (same order of additions as before: from 0). */
export function average(out: Float32Array, parts: readonly Float32Array[], weights: readonly number[]): void {
  out.fill(0);
  parts.forEach((p, i) => {
    if (p.length !== out.length) throw new RangeError(`share ${i} sent ${p.length} gradients, ${out.length} expected`);
    const w = weights[i];
    for (let j = 0; j < out.length; j++) out[j] += w * p[j];
  });
}

/** Rows [a, b) of each input array of n records. */
function rows(inputs: readonly Float32Array[], n: number, a: number, b: number): Float32Array[] {
  return inputs.map((arr) => {
    const row = arr.length / n;
    return arr.slice(a * row, b * row);
  });
}

export class DataParallelTrainer {
  /** The averaged gradient of the last data-parallel step (for checks; the next step overwrites it). */
  lastGradients: Float32Array | undefined;
  // Reused every step: this thread's share's gradients, and their average, which workers read on
  // shared memory (fresh 35 MB arrays cost ~300 ms a step to touch here, copies ~15 ms each).
  private readonly ownGradients = sharedBuffer();
  private readonly averaged = sharedBuffer();

  private constructor(readonly local: Replica, private readonly remotes: Remote[], readonly backend: string) {}

  /** `workers` replicas: `local` and workers - 1 threads that build the same task and take its state. */
  static async open(local: Replica, workers: number): Promise<DataParallelTrainer> {
    if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a whole number >= 1, got ${workers}`);
    const backend = tf.getBackend();
    if (workers === 1) return new DataParallelTrainer(local, [], backend);
    const threads = gemmThreadsPerWorker(workers);
    // This thread's replica shares the cores too (sessions it already made keep their threads).
    setNativeOrtThreads(threads);
    const setup: WorkerSetup = { task: local.task.spec, backend: backend === 'tensorflow' ? 'tensorflow' : backend === 'cpu' ? 'cpu' : 'wasm', gemmThreads: threads, routes: { shared: sharedRouteBuffer(), machine: machineRoutesForWorkers() } };
    const script = workerScript();
    const remotes = Array.from({ length: workers - 1 }, () => new Remote(new Worker(script, { workerData: setup })));
    try {
      await Promise.all(remotes.map((r) => r.next()));
      const trainer = new DataParallelTrainer(local, remotes, backend);
      await trainer.sync();
      return trainer;
    } catch (err) {
      await Promise.all(remotes.map((r) => r.worker.terminate()));
      setNativeOrtThreads(availableParallelism());
      throw err;
    }
  }

  get workers(): number {
    return this.remotes.length + 1;
  }

  /** Every worker takes this thread's weights and optimiser state (after a resume or an init bundle). */
  async sync(): Promise<void> {
    if (!this.remotes.length) return;
    const state = this.local.state();
    await Promise.all(this.remotes.map((r) => r.expect('loaded', { type: 'load', state })));
  }

  /** One optimiser step on a batch's inputs (n records' rows); returns the batch's loss. */
  async step(inputs: readonly Float32Array[], n: number, step: number, lr: number, totalSteps: number): Promise<number> {
    if (!this.remotes.length) return this.local.step(inputs, n, step, lr, totalSteps);
    const k = Math.min(this.workers, n);
    const shares = Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)] as const);
    const active = this.remotes.slice(0, k - 1);
    const share = (i: number) => ({ inputs: rows(inputs, n, shares[i][0], shares[i][1]), n: shares[i][1] - shares[i][0], step, first: shares[i][0] });
    const coupled = this.local.task.coupled;
    let parts: ShareGradients[];
    let loss: number;
    let weights: number[];
    if (coupled) {
      const embedded = active.map((r, i) => r.expect('embedded', { type: 'embed', ...share(i + 1) }));
      const own = share(0);
      const mine = this.local.embed(own.inputs, own.n, own);
      const all = [mine, ...(await Promise.all(embedded)).map((m) => m.parts)];
      const { value, dz } = this.coupledLoss(all, shares);
      const grads = active.map((r, i) => r.expect('gradients', { type: 'coupled', dz: dz[i + 1] }));
      parts = [this.local.coupledGradients(own.inputs, own.n, own, dz[0], this.ownGradients), ...(await Promise.all(grads))];
      loss = value;
      // Each share's gradient is already its part of the whole loss's.
      weights = shares.map(() => 1);
    } else {
      const grads = active.map((r, i) => r.expect('gradients', { type: 'gradients', ...share(i + 1) }));
      const own = share(0);
      parts = [this.local.gradients(own.inputs, own.n, own, this.ownGradients), ...(await Promise.all(grads))];
      weights = shares.map(([a, b]) => (b - a) / n);
      loss = parts.reduce((s, p, i) => s + weights[i] * p.loss, 0);
    }
    const names = parts[0].names;
    const avg = this.averaged(parts[0].grads.length);
    average(avg, parts.map((p) => p.grads), weights);
    const stats = parts[0].stats.length ? combineStats(parts.map((p) => p.stats)) : [];
    this.lastGradients = avg;
    const applied = this.remotes.map((r) => r.expect('applied', { type: 'apply', grads: avg, names, stats, lr, step, totalSteps }));
    this.local.apply(avg, names, stats, lr, step, totalSteps);
    await Promise.all(applied);
    // Routes the workers measured in this step join the machine's cache (a no-op when none).
    saveMachineRoutes();
    return loss;
  }

  /** The coupled loss over every share's embeddings (per view, in record order) and its gradient per share and view. */
  private coupledLoss(all: Float32Array[][], shares: readonly (readonly [number, number])[]): { value: number; dz: Float32Array[][] } {
    const coupled = this.local.task.coupled!;
    const views = all[0].length;
    const width = all[0][0].length / (shares[0][1] - shares[0][0]);
    return tf.tidy(() => {
      const whole = Array.from({ length: views }, (_, v) => tf.concat(all.map((s, i) => tf.tensor2d(s[v], [shares[i][1] - shares[i][0], width])), 0) as tf.Tensor2D);
      const { value, grads } = tf.valueAndGrads((...z: tf.Tensor[]) => coupled.loss(z as tf.Tensor2D[]))(whole);
      const dz = shares.map(([a, b]) => grads.map((g) => tf.slice(g, [a, 0], [b - a, width]).dataSync() as Float32Array));
      return { value: value.dataSync()[0], dz };
    });
  }

  /** Logits [batch, classes] of the task's model (inference mode), each replica taking a share. */
  async infer(x: Float32Array, batch: number): Promise<Float32Array> {
    const model = this.local.task.model;
    const k = Math.min(this.workers, batch);
    const xRow = x.length / batch;
    const shares = Array.from({ length: k }, (_, i) => [Math.floor((i * batch) / k), Math.floor(((i + 1) * batch) / k)] as const);
    const replies = shares.slice(1).map(([a, b], i) => {
      const xs = x.slice(a * xRow, b * xRow);
      return this.remotes[i].expect('logits', { type: 'infer', x: xs, batch: b - a }, [xs.buffer]);
    });
    const [a0, b0] = shares[0];
    const own = tf.tidy(() => model.apply(tf.tensor3d(x.subarray(a0 * xRow, b0 * xRow), [b0 - a0, model.leads, model.samples]), { training: false }).dataSync() as Float32Array);
    const parts = [own, ...(await Promise.all(replies)).map((m) => m.logits)];
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    saveMachineRoutes();
    return out;
  }

  /** The state of every worker thread's replica (for checks that they equal this thread's). */
  async remoteStates(): Promise<ReplicaState[]> {
    return Promise.all(this.remotes.map(async (r) => (await r.expect('state', { type: 'state' })).state));
  }

  /** The route each replica's kernels used per shape (this thread's first), for checks that they agree. */
  async replicaRoutes(): Promise<Map<string, 'gemm' | 'xnnpack'>[]> {
    const own = new Map([...routeDecisions()].map(([k, d]) => [k, d.route] as const));
    const remote = await Promise.all(this.remotes.map(async (r) => new Map((await r.expect('routes', { type: 'routes' })).routes)));
    return [own, ...remote];
  }

  async close(): Promise<void> {
    if (!this.remotes.length) return;
    await Promise.all(this.remotes.map((r) => r.worker.terminate()));
    setNativeOrtThreads(availableParallelism());
  }
}
