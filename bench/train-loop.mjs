#!/usr/bin/env node
// The experiment loop's step time (trainSsl / trainSupervised, what experiments, jobs and
// `openecg bench train` run): the small-cpu config's SimCLR pre-training step (ResNet-18-1D at 1/16
// width, batch 16) and full-size ResNet-18-1D steps at batch 32, on 1 replica and on one per core,
// side by side; the peer of the data-parallel loop is the same loop on this thread alone.
// Usage: npm run build && node bench/train-loop.mjs [--steps 6] [--cases small-simclr,full-simclr,full-finetune] [--workers 1,2] [--dist DIR]
// --dist times another build (e.g. an older checkout's dist/) with the same cases; `workers` is ignored by builds before the one loop.
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '6' },
    cases: { type: 'string', default: 'small-simclr,full-simclr,full-finetune' },
    workers: { type: 'string', default: `1,${availableParallelism()}` },
    dist: { type: 'string', default: fileURLToPath(new URL('../dist', import.meta.url)) },
  },
});
const ml = await import(pathToFileURL(join(resolve(values.dist), 'main/ml/index.js')).href);
const backend = await ml.chooseBackend({ prefer: 'auto' });

const CASES = {
  // resources/experiments/small-cpu.json's SimCLR method and pre-training batch.
  'small-simclr': { kind: 'ssl', batch: 16, config: { method: 'simclr', model: 'resnet18_1d', modelOptions: { width: 0.0625, depth: 0.25 }, projectorHidden: 128, projectorOut: 64, learningRate: 0.003 } },
  'full-simclr': { kind: 'ssl', batch: 32, config: { method: 'simclr', model: 'resnet18_1d' } },
  'full-finetune': { kind: 'supervised', batch: 32, config: { mode: 'finetune', model: 'resnet18_1d' } },
};

function records(n, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n * 12 * 1000);
  for (let i = 0; i < out.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2;
  }
  return out;
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const steps = Number(values.steps);
const rows = [];
for (const name of values.cases.split(',')) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name}`);
  for (const workers of values.workers.split(',').map(Number)) {
    const n = c.batch * 4;
    const times = [];
    let used = 1;
    const events = { onProgress: (e) => { times.push(e.seconds ?? c.batch / e.samplesPerSecond); used = e.workers ?? 1; } };
    const common = { steps: steps + 1, batchSize: c.batch, workers, seed: 1 };
    const t0 = performance.now();
    const run = c.kind === 'ssl'
      ? await ml.trainSsl({ ...c.config, ...common }, ml.arraySource(records(n, 1), n, 1), events)
      : await ml.trainSupervised({ ...c.config, ...common }, ml.labelledArraySource(records(n, 1), new Float32Array(n * 24).map((_, i) => (i % 7 === 0 ? 1 : 0)), n, 1), events);
    const wall = (performance.now() - t0) / 1000;
    (run.method ?? run.model).dispose();
    const ms = median(times.slice(1)) * 1000;
    rows.push({ case: name, batch: c.batch, workers: used, msPerStep: Math.round(ms), wallS: Math.round(wall * 10) / 10, load: loadavg()[0].toFixed(1) });
    process.stderr.write(`${name} batch ${c.batch}, ${used} replica(s): ${Math.round(ms)} ms/step (median of ${steps} after a warm-up; ${wall.toFixed(1)} s with start-up), load ${loadavg()[0].toFixed(1)}\n`);
  }
}
console.log(JSON.stringify({ dist: values.dist, backend: backend.name, reason: backend.reason, rows }, null, 1));
