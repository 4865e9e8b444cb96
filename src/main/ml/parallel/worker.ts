// A data-parallel worker: its own tfjs engine and WASM backend (WASM threads do not start in
// Node, so worker_threads are how a second core gets used) and a replica of the training task with
// the same optimiser. It computes gradients on its share of each batch and applies the averaged
// gradients the coordinator sends back, so all replicas stay identical.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../backend.js';
import { routeDecisions } from '../kernels/kernel-router.js';
import { setNativeOrtThreads } from '../kernels/ort-native.js';
import { adoptMachineRoutes } from '../kernels/route-cache.js';
import { adoptSharedRoutes } from '../kernels/route-share.js';
import { sharedBuffer } from '../tensor-read.js';
import { Adam } from '../train/adam.js';
import { Replica } from '../train/replica.js';
import { buildTask } from '../train/task.js';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function main(): Promise<void> {
  // Before the first convolution loads ONNX Runtime: replicas share the cores rather than each taking all.
  setNativeOrtThreads(setup.gemmThreads);
  // Before the first kernel: the coordinator's route table, so every replica takes one route per shape.
  adoptSharedRoutes(setup.routes.shared);
  adoptMachineRoutes(setup.routes.machine);
  const choice = await chooseBackend({ prefer: setup.backend, env: {} });
  const replica = new Replica(buildTask(setup.task), new Adam(setup.task.adam));
  // Gradients go to the coordinator on shared memory, one buffer for every step: no copy, no
  // fresh pages (the coordinator reads it before it sends 'apply'; it is written again only after).
  const grads = sharedBuffer();
  let share: { inputs: Float32Array[]; n: number; step: number; first: number } | undefined;

  port.on('message', (msg: ToWorker) => {
    try {
      switch (msg.type) {
        case 'load':
          replica.load(msg.state);
          return send({ type: 'loaded' });
        case 'gradients': {
          return send({ type: 'gradients', ...replica.gradients(msg.inputs, msg.n, msg, grads) });
        }
        case 'embed':
          share = msg;
          return send({ type: 'embedded', parts: replica.embed(msg.inputs, msg.n, msg) });
        case 'coupled': {
          if (!share) throw new Error('coupled gradients without embeddings');
          const g = replica.coupledGradients(share.inputs, share.n, share, msg.dz, grads);
          share = undefined;
          return send({ type: 'gradients', ...g });
        }
        case 'apply':
          replica.apply(msg.grads, msg.names, msg.stats, msg.lr, msg.step, msg.totalSteps);
          return send({ type: 'applied' });
        case 'infer': {
          const model = replica.task.model;
          const logits = tf.tidy(() => model.apply(tf.tensor3d(msg.x, [msg.batch, model.leads, model.samples]), { training: false }).dataSync() as Float32Array);
          return send({ type: 'logits', logits }, [logits.buffer as ArrayBuffer]);
        }
        case 'state':
          return send({ type: 'state', state: replica.state() });
        case 'routes':
          return send({ type: 'routes', routes: [...routeDecisions()].map(([k, d]) => [k, d.route]) });
        case 'close':
          replica.dispose();
          port.close();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
  send({ type: 'ready', backend: choice.name });
}

main().catch((err: unknown) => send({ type: 'error', message: (err as Error).stack ?? String(err) }));
