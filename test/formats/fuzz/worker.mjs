// Fuzz worker: reads one mutant at a time through the public reading entry (readRecord) and, for
// WFDB records, the import's adapter load path (loadBatch), and says how each ended. Runs the
// build (dist/), like the import's workers under Vitest: a worker thread cannot load TypeScript.
import { parentPort, workerData } from 'node:worker_threads';

const { dist } = workerData;
const { readRecord, FormatError } = await import(`${dist}/main/formats/index.js`);
const { loadBatch } = await import(`${dist}/main/import/load.js`);
const SETTINGS = { rate: 100, length: 1000, window: 'cleanest', dtype: 'int16' };

function failure(err) {
  return {
    ok: false,
    name: err instanceof FormatError ? 'FormatError' : (err?.constructor?.name ?? typeof err),
    code: typeof err?.code === 'string' ? err.code : '',
    message: String(err?.message ?? err),
  };
}

async function read(path) {
  try {
    const r = await readRecord(path);
    const shapeOk = r.signals.length === r.channels.length && r.signals.every((s) => s.length === r.sigLen);
    const values = r.signals.reduce((n, s) => n + s.length, 0);
    return { ok: true, sigLen: r.sigLen, totalLen: r.totalLen, channels: r.channels.length, shapeOk, values };
  } catch (err) {
    return failure(err);
  }
}

async function load(path) {
  try {
    const { results } = await loadBatch([{ key: 'fuzz', adapter: 'wfdb', path }], SETTINGS);
    const r = results[0];
    if (r.ok) return { ok: true, sigLen: r.record.sigLen, totalLen: r.record.sigLen, channels: r.record.leads.length, shapeOk: true, values: 0 };
    return { ok: false, name: r.failure.code === 'error' || r.failure.code.startsWith('ERR_') ? 'Error' : 'FormatError', code: r.failure.code, message: r.failure.message };
  } catch (err) {
    return failure(err);
  }
}

parentPort.on('message', async (msg) => {
  if (msg.type === 'stop') return parentPort.close();
  const started = performance.now();
  const out = { id: msg.id, read: await read(msg.path) };
  if (msg.load) out.load = await load(msg.load);
  out.ms = performance.now() - started;
  out.rss = process.memoryUsage().rss;
  parentPort.postMessage(out);
});
parentPort.postMessage({ type: 'ready' });
