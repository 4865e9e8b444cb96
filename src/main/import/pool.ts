// A pool of import worker threads (or the calling thread, for workers = 0) that loads candidates
// in batches: one message each way per batch keeps the per-record messaging cost small.
import { Worker } from 'node:worker_threads';
import type { Candidate } from '../datasets/types.js';
import { firBinary } from '../signal/fir-wasm.js';
import { loadBatch } from './load.js';
import type { FromWorker, LoadSettings, LoadResult, ToWorker, WorkerSetup } from './protocol.js';
import { compiledScript } from '../platform/app-paths.js';

/** Records per batch, and batches a worker holds at once: enough queued work to ride out the main thread's store + catalog writes. */
export const BATCH_RECORDS = 16;
const BATCHES_PER_WORKER = 6;


interface Slot {
  worker: Worker;
  pending: Map<number, { size: number; done: (r: LoadResult[]) => void }>;
}

export class LoaderPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(
    private readonly settings: LoadSettings,
    workers: number,
    private readonly siteKey: WorkerSetup['siteKey'] = null,
  ) {
    for (let i = 0; i < workers; i++) this.slots.push(this.spawn());
  }

  static create(workers: number, settings: LoadSettings, siteKey: WorkerSetup['siteKey'] = null): LoaderPool {
    return new LoaderPool(settings, Math.max(0, Math.floor(workers)), siteKey);
  }

  /** Batches worth keeping in flight to keep every worker busy. */
  get capacity(): number {
    return Math.max(1, this.slots.length) * BATCHES_PER_WORKER;
  }

  private spawn(): Slot {
    // The resampling kernel is assembled once here rather than once per worker.
    const setup: WorkerSetup = { settings: this.settings, fir: firBinary(), siteKey: this.siteKey };
    const worker = new Worker(compiledScript(import.meta.url, 'worker.js'), { workerData: setup });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'loaded') return;
      const entry = slot.pending.get(msg.id);
      if (!entry) return;
      slot.pending.delete(msg.id);
      entry.done([...msg.results]);
    });
    const fail = (why: string) => {
      // A dead worker fails what it held, and a fresh one takes its place.
      for (const { size, done } of slot.pending.values()) {
        done(Array.from({ length: size }, () => ({ ok: false, failure: { code: 'worker-crash', message: why, path: '' } }) as const));
      }
      slot.pending.clear();
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
    };
    worker.on('error', (err) => fail(`import worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`import worker exited with code ${code}`);
    });
    return slot;
  }

  /** Loads a batch; results come back in the batch's order. */
  async loadBatch(candidates: readonly Candidate[]): Promise<LoadResult[]> {
    if (this.slots.length === 0) {
      return (await loadBatch(candidates, this.settings)).results;
    }
    // The least-loaded worker keeps both cores busy even when record sizes differ.
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { size: candidates.length, done: resolve });
      slot.worker.postMessage({ type: 'load', id, candidates } satisfies ToWorker);
    });
  }

  /**
   * Ends the workers without waiting for their threads to wind down (~50 ms that bought nothing at
   * the end of every import); unreferenced, they do not hold the process open meanwhile.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) {
      s.worker.unref();
      void s.worker.terminate();
    }
    this.slots.length = 0;
  }
}
