// The worker behind SyncClassifier (sync.ts): opens a bundle on ONNX Runtime and answers logits
// requests. Each reply is posted on the shared port and then signalled through the shared flag,
// which the calling thread waits on with Atomics.wait and reads with receiveMessageOnPort.
import { workerData, type MessagePort } from 'node:worker_threads';
import type { InferenceEngine } from './engine.js';
import { openEngine } from './open.js';

export interface SyncSetup {
  readonly bundle: string;
  readonly port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: [0] counts replies posted. */
  readonly flag: SharedArrayBuffer;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly threads?: number;
  readonly providers?: readonly string[];
  readonly reason: string;
}

export type SyncRequest = { readonly kind: 'logits'; readonly x: Float32Array; readonly n: number };
export type SyncReply =
  | { readonly kind: 'ready'; readonly info: InferenceEngine['info']; readonly classes: number }
  | { readonly kind: 'logits'; readonly values: Float32Array }
  | { readonly kind: 'error'; readonly message: string };

const setup = workerData as SyncSetup | undefined;
if (setup?.port) {
  const flag = new Int32Array(setup.flag);
  const reply = (r: SyncReply, transfer: ArrayBuffer[] = []) => {
    setup.port.postMessage(r, transfer);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  let engine: InferenceEngine | undefined;
  // Requests are answered strictly in order: the caller collects them in order.
  let queue = Promise.resolve();
  setup.port.on('message', (req: SyncRequest) => {
    queue = queue.then(async () => {
      try {
        const values = await engine!.logits(req.x, req.n);
        reply({ kind: 'logits', values }, [values.buffer as ArrayBuffer]);
      } catch (err) {
        reply({ kind: 'error', message: (err as Error).message });
      }
    });
  });
  openEngine(setup.bundle, { engine: 'ort', env: setup.env, threads: setup.threads, providers: setup.providers })
    .then((e) => {
      engine = e;
      reply({ kind: 'ready', info: { ...e.info, reason: setup.reason }, classes: e.classes });
    })
    .catch((err: Error) => reply({ kind: 'error', message: err.message }));
}
