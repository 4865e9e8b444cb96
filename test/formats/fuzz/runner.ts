// Runs fuzz reads in a worker thread with a time limit per read: a read that hangs (or kills its
// thread) is a finding, and a fresh worker takes the next mutant.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface Outcome {
  readonly ok: boolean;
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly sigLen?: number;
  readonly totalLen?: number;
  readonly channels?: number;
  readonly shapeOk?: boolean;
  /** Samples the reading holds, over all channels. */
  readonly values?: number;
}

export type Verdict = { readonly read: Outcome; readonly load?: Outcome; readonly ms: number; readonly rss: number } | { readonly died: string };

const DIST = fileURLToPath(new URL('../../../dist', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./worker.mjs', import.meta.url));

export class FuzzRunner {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 0;

  constructor(private readonly timeoutMs: number) {
    if (!existsSync(`${DIST}/main/formats/index.js`)) throw new Error(`the fuzz reads through the build: run \`npm run build\` (missing ${DIST}/main/formats/index.js)`);
  }

  private start(): Promise<void> {
    const worker = new Worker(SCRIPT, { workerData: { dist: DIST }, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return this.ready;
  }

  /** Reads `path` (and loads `load` through the import's adapter path when given) in the worker. */
  async run(path: string, load?: string): Promise<Verdict> {
    if (!this.worker) await this.start();
    else await this.ready;
    const worker = this.worker as Worker;
    const id = this.nextId++;
    return new Promise<Verdict>((resolve) => {
      const done = (v: Verdict) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(v);
      };
      const restart = (why: string) => {
        this.worker = null;
        void worker.terminate();
        done({ died: why });
      };
      const onMessage = (msg: { id: number } & Verdict) => {
        if (msg.id === id) done(msg);
      };
      const onError = (err: Error) => restart(`worker failed: ${err.message.split('\n')[0]}`);
      const onExit = (code: number) => restart(`worker exited with code ${code}`);
      const timer = setTimeout(() => restart(`no answer within ${this.timeoutMs} ms (hang)`), this.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, path, load });
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }
}
