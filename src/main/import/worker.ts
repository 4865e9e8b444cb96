// Import worker thread: loads and canonicalizes the records the pipeline hands it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCandidate } from './load.js';
import type { CanonicalSettings, FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('the import worker must run in a worker thread');
const settings = workerData as CanonicalSettings;

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  void loadCandidate(msg.candidate, settings).then((result) => {
    const reply: FromWorker = result.ok
      ? { type: 'loaded', id: msg.id, record: result.record }
      : { type: 'failed', id: msg.id, failure: result.failure };
    // The canonical buffer moves to the main thread instead of being copied.
    port.postMessage(reply, result.ok ? [result.record.data.buffer as ArrayBuffer] : []);
  });
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
