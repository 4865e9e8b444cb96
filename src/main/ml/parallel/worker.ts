// A data-parallel worker: its own tfjs engine and WASM backend (WASM threads do not start in
// Node, so worker_threads are how a second core gets used), a replica of the model built from the
// same seed, and the same optimiser. It computes gradients on its share of the batch and applies
// the averaged gradients the coordinator sends back, so all replicas stay identical.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../backend.js';
import { setNativeOrtThreads } from '../kernels/ort-native.js';
import { createModel, type BatchNormUpdate } from '../models/index.js';
import { Trainer, type StepGradients } from '../train-step.js';
import type { BatchStats, FromWorker, ToWorker, WorkerSetup } from './protocol.js';

const setup = workerData as WorkerSetup;
const port = parentPort!;
let pending: StepGradients | undefined;

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

async function main(): Promise<void> {
  // Before the first convolution loads ONNX Runtime: replicas share the cores rather than each taking all.
  setNativeOrtThreads(setup.gemmThreads);
  const choice = await chooseBackend({ prefer: setup.backend, env: {} });
  const model = createModel(setup.model, setup.modelOptions);
  const trainer = new Trainer(model, { learningRate: setup.learningRate });
  const shapes = [...model.params.values()].map((v) => v.shape);

  port.on('message', (msg: ToWorker) => {
    try {
      if (msg.type === 'gradients') {
        const x = tf.tensor3d(msg.x, [msg.batch, model.leads, model.samples]);
        const y = tf.tensor2d(msg.y, [msg.batch, model.classes]);
        pending = trainer.gradients(x, y);
        tf.dispose([x, y]);
        const grads = flatten([...pending.grads.values()]);
        tf.dispose([...pending.grads.values()]);
        const stats: BatchStats[] = pending.updates.map((u) => ({ mean: u.mean.dataSync() as Float32Array, variance: u.variance.dataSync() as Float32Array, count: u.count }));
        send({ type: 'gradients', loss: pending.loss, grads, stats }, [grads.buffer as ArrayBuffer]);
      } else if (msg.type === 'apply') {
        if (!pending) throw new Error('apply without gradients');
        const names = [...pending.grads.keys()];
        const grads = new Map<string, tf.Tensor>();
        let offset = 0;
        names.forEach((name, i) => {
          const size = shapes[i].reduce((a, b) => a * b, 1);
          grads.set(name, tf.tensor(msg.grads.subarray(offset, offset + size), shapes[i]));
          offset += size;
        });
        // The combined batch statistics replace this worker's own, so every replica's running
        // statistics follow the whole batch.
        const updates: BatchNormUpdate[] = pending.updates.map((u, i) => {
          u.mean.dispose();
          u.variance.dispose();
          const s = msg.stats[i];
          return { runningMean: u.runningMean, runningVar: u.runningVar, mean: tf.tensor1d(s.mean), variance: tf.tensor1d(s.variance), count: s.count };
        });
        trainer.apply({ loss: pending.loss, grads, updates });
        pending = undefined;
        send({ type: 'applied' });
      } else if (msg.type === 'infer') {
        const logits = tf.tidy(() => model.apply(tf.tensor3d(msg.x, [msg.batch, model.leads, model.samples]), { training: false }).dataSync() as Float32Array);
        send({ type: 'logits', logits }, [logits.buffer as ArrayBuffer]);
      } else if (msg.type === 'weights') {
        const all = [...model.params, ...model.buffers];
        send({ type: 'weights', names: all.map(([n]) => n), values: all.map(([, v]) => v.dataSync() as Float32Array) });
      } else if (msg.type === 'close') {
        trainer.dispose();
        model.dispose();
        port.close();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
  send({ type: 'ready', backend: choice.name });
}

function flatten(tensors: tf.Tensor[]): Float32Array {
  const total = tensors.reduce((a, t) => a + t.size, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

main().catch((err: unknown) => send({ type: 'error', message: (err as Error).stack ?? String(err) }));
