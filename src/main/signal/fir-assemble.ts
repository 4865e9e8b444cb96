// WebAssembly text -> binary with the `wabt` package, synchronously. wabt only offers an async
// factory, but the kernel is needed inside synchronous code (resampleInto, once per worker at first
// use), so a short-lived worker thread assembles it while this thread waits on a shared flag.
// Costs ~0.1 s once per process; no binary is committed, the .wat is the source.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// CommonJS, run by the worker: assemble, copy the bytes into the shared buffer, raise the flag.
const ASSEMBLER = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.shared, 0, 2);
const bytes = new Uint8Array(workerData.shared, 8);
const done = (code, data) => {
  const n = Math.min(data.length, bytes.length);
  bytes.set(data.subarray(0, n));
  state[1] = code === 1 && n < data.length ? -1 : n;
  Atomics.store(state, 0, code);
  Atomics.notify(state, 0);
};
const fail = (err) => done(2, Buffer.from(String((err && err.message) || err)));
try {
  require(workerData.wabt)()
    .then((wabt) => {
      const mod = wabt.parseWat(workerData.name, workerData.text, workerData.features);
      try {
        mod.validate();
        done(1, mod.toBinary({}).buffer);
      } finally {
        mod.destroy();
      }
    })
    .catch(fail);
} catch (err) {
  fail(err);
}
`;

const MAX_BINARY = 1 << 20;
const TIMEOUT_MS = 30_000;

/**
 * The binary of the WebAssembly text `text` (features as wabt names them, e.g. { simd: true }).
 * Blocks the calling thread until a worker has assembled it; throws with wabt's message on errors.
 */
export function assembleWat(name: string, text: string, features: Record<string, boolean> = {}): Uint8Array {
  const shared = new SharedArrayBuffer(8 + MAX_BINARY);
  const state = new Int32Array(shared, 0, 2);
  const wabt = createRequire(import.meta.url).resolve('wabt');
  const worker = new Worker(ASSEMBLER, { eval: true, workerData: { shared, wabt, name, text, features } });
  worker.unref();
  try {
    if (Atomics.wait(state, 0, 0, TIMEOUT_MS) === 'timed-out') throw new Error(`assembling ${name} took over ${TIMEOUT_MS / 1000} s`);
    const n = state[1];
    const data = new Uint8Array(shared, 8, Math.max(0, n)).slice();
    if (state[0] === 2) throw new Error(`cannot assemble ${name}: ${Buffer.from(data).toString('utf8')}`);
    if (n < 0) throw new Error(`${name} assembles to over ${MAX_BINARY} bytes`);
    return data;
  } finally {
    void worker.terminate();
  }
}
