// Data-parallel training over worker_threads: the batch is split between workers, each computes
// gradients of the mean loss on its share, the coordinator averages them weighted by share size
// (so the result is the gradient of the whole batch's mean loss) and every worker applies the
// same average. BatchNorm normalises with each worker's own statistics, as PyTorch's DDP without
// SyncBatchNorm: the step then equals a single process accumulating gradients over the same
// sub-batches; models without BatchNorm (vit_1d) get exactly the whole-batch gradient. Running
// statistics are combined exactly (mean and variance of the whole batch).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ModelName, ModelOptions } from '../models/index.js';
import type { BatchStats, FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { compiledScript } from '../../platform/app-paths.js';

export interface DataParallelOptions {
  readonly model: ModelName;
  readonly modelOptions?: ModelOptions;
  readonly workers: number;
  readonly learningRate?: number;
  readonly backend?: WorkerSetup['backend'];
}

/** Workers run compiled JavaScript: dist/, or the build's copy when this runs from src/ (Vitest). */
export const workerScript = (): string => compiledScript(import.meta.url, 'worker.js');

/** ONNX Runtime threads each of `workers` replicas gets: the cores shared among them. */
export function gemmThreadsPerWorker(workers: number): number {
  return Math.max(1, Math.floor(availableParallelism() / workers));
}

class Replica {
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
  async request(msg: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    const reply = this.next();
    this.worker.postMessage(msg, transfer);
    return reply;
  }
}

/** Whole-batch mean and biased variance from per-share ones (exact, by the parallel-variance rule). */
export function combineStats(parts: readonly BatchStats[][]): BatchStats[] {
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

export class DataParallelTrainer {
  /** The averaged gradient of the last step, flat in model.params order (for checks). */
  lastGradients: Float32Array | undefined;

  private constructor(private readonly replicas: Replica[], readonly backend: string, private readonly setup: WorkerSetup) {}

  static async create(options: DataParallelOptions): Promise<DataParallelTrainer> {
    if (options.workers < 1) throw new Error('need at least one worker');
    const setup: WorkerSetup = { model: options.model, modelOptions: options.modelOptions ?? {}, learningRate: options.learningRate ?? 1e-3, backend: options.backend ?? 'wasm', gemmThreads: gemmThreadsPerWorker(options.workers) };
    const script = workerScript();
    const replicas = Array.from({ length: options.workers }, () => new Replica(new Worker(script, { workerData: setup })));
    try {
      const ready = await Promise.all(replicas.map((r) => r.next()));
      const backend = ready[0].type === 'ready' ? ready[0].backend : 'unknown';
      return new DataParallelTrainer(replicas, backend, setup);
    } catch (err) {
      await Promise.all(replicas.map((r) => r.worker.terminate()));
      throw err;
    }
  }

  get workers(): number {
    return this.replicas.length;
  }

  /** One step on x [batch, leads, samples] and y [batch, classes] (row-major); returns the batch's mean loss. */
  async step(x: Float32Array, y: Float32Array, batch: number): Promise<number> {
    const n = this.replicas.length;
    if (batch < n) throw new Error(`batch ${batch} is smaller than the ${n} workers`);
    const xRow = x.length / batch;
    const yRow = y.length / batch;
    const shares = this.replicas.map((_, i) => [Math.floor((i * batch) / n), Math.floor(((i + 1) * batch) / n)] as const);
    const replies = await Promise.all(
      this.replicas.map((r, i) => {
        const [a, b] = shares[i];
        const xs = x.slice(a * xRow, b * xRow);
        const ys = y.slice(a * yRow, b * yRow);
        return r.request({ type: 'gradients', x: xs, y: ys, batch: b - a }, [xs.buffer, ys.buffer]);
      }),
    );
    const grads = replies.map((m) => (m.type === 'gradients' ? m : undefined));
    if (grads.some((g) => !g)) throw new Error('unexpected reply from a data-parallel worker');
    const weights = shares.map(([a, b]) => (b - a) / batch);
    const avg = new Float32Array(grads[0]!.grads.length);
    let loss = 0;
    grads.forEach((g, i) => {
      const w = weights[i];
      const src = g!.grads;
      for (let k = 0; k < avg.length; k++) avg[k] += w * src[k];
      loss += w * g!.loss;
    });
    const stats = combineStats(grads.map((g) => g!.stats));
    this.lastGradients = avg;
    await Promise.all(this.replicas.map((r) => r.request({ type: 'apply', grads: avg, stats })));
    return loss;
  }

  /** Logits [batch, classes] of the replicas' model (inference mode) on x, each worker taking a share of the batch. */
  async infer(x: Float32Array, batch: number): Promise<Float32Array> {
    const n = Math.min(this.replicas.length, batch);
    const xRow = x.length / batch;
    const shares = Array.from({ length: n }, (_, i) => [Math.floor((i * batch) / n), Math.floor(((i + 1) * batch) / n)] as const);
    const replies = await Promise.all(
      shares.map(([a, b], i) => {
        const xs = x.slice(a * xRow, b * xRow);
        return this.replicas[i].request({ type: 'infer', x: xs, batch: b - a }, [xs.buffer]);
      }),
    );
    const parts = replies.map((m) => {
      if (m.type !== 'logits') throw new Error('unexpected reply from a data-parallel worker');
      return m.logits;
    });
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  /** Trainable weights and running statistics of worker `index` (all replicas are equal). */
  async weights(index = 0): Promise<Map<string, Float32Array>> {
    const msg = await this.replicas[index].request({ type: 'weights' });
    if (msg.type !== 'weights') throw new Error('unexpected reply from a data-parallel worker');
    return new Map(msg.names.map((n, i) => [n, msg.values[i]]));
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }

  get model(): ModelName {
    return this.setup.model;
  }
}
