// Import worker thread: loads and canonicalizes the batches of records the pipeline hands it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadBatch } from './load.js';
import { provideFirBinary } from '../signal/fir-wasm.js';
import { provideWorkspaceSecret } from '../datasets/site-secret.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('the import worker must run in a worker thread');
const setup = workerData as WorkerSetup;
const settings = setup.settings;
if (setup.fir) provideFirBinary(setup.fir);
if (setup.siteKey) provideWorkspaceSecret(setup.siteKey.workspace, setup.siteKey.key);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    port.close();
    return;
  }
  void (async () => {
    const { results, transfer } = await loadBatch(msg.candidates, settings);
    port.postMessage({ type: 'loaded', id: msg.id, results } satisfies FromWorker, transfer);
  })();
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
