// Import worker thread: loads and canonicalizes the batches of records the pipeline hands it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCandidate } from './load.js';
import type { CanonicalSettings, FromWorker, LoadResult, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('the import worker must run in a worker thread');
const settings = workerData as CanonicalSettings;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  void (async () => {
    const results: LoadResult[] = [];
    for (const c of msg.candidates) results.push(await loadCandidate(c, settings));
    // The canonical buffers move to the main thread instead of being copied.
    const transfer = results.flatMap((r) => (r.ok ? [r.record.data.buffer as ArrayBuffer] : []));
    port.postMessage({ type: 'loaded', id: msg.id, results } satisfies FromWorker, transfer);
  })();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
