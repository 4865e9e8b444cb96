#!/usr/bin/env node
// One data-parallel training step's cost where wall time says little (a shared, loaded machine):
// per step the process's CPU time (all threads: this one and the workers), system time, minor page
// faults and, at the end, the resident set. resnet18_1d fine-tuning (our AdamW, the WASM backend,
// the default kernel route) on a fixed batch, in this process, as `openecg bench train` runs it.
// Page faults matter here: first-touching fresh memory costs ~40 us per 4 KiB page on this machine
// (docs/kernels.md, "Step costs"), so a step that allocates afresh pays for it.
// Usage: npm run build && node bench/train-step.mjs [--root DIR] [--batch 32] [--workers 2] [--steps 4] [--model resnet18_1d]
//   --root: another checkout's build (dist/) to compare with, same script; run the two alternately.
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    batch: { type: 'string', default: '32' },
    workers: { type: 'string', default: '2' },
    steps: { type: 'string', default: '4' },
    model: { type: 'string', default: 'resnet18_1d' },
  },
});
const root = values.root.replace(/\/$/, '');
const batch = Number(values.batch);
const model = values.model;
const { chooseBackend } = await import(`${root}/dist/main/ml/backend.js`);
const { createModel } = await import(`${root}/dist/main/ml/models/index.js`);
const { supervisedTask } = await import(`${root}/dist/main/ml/train/task.js`);
const { Replica } = await import(`${root}/dist/main/ml/train/replica.js`);
const { Adam } = await import(`${root}/dist/main/ml/train/adam.js`);
const { DataParallelTrainer } = await import(`${root}/dist/main/ml/parallel/data-parallel.js`);
await chooseBackend({ prefer: 'wasm' });
const task = supervisedTask({ kind: 'supervised', mode: 'finetune', model, modelOptions: {}, seed: 1, normalisation: 'none', adam: {} }, createModel(model, {}));
const dp = await DataParallelTrainer.open(new Replica(task, new Adam()), Number(values.workers));
const x = Float32Array.from({ length: batch * 12 * 1000 }, (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011));
const y = Float32Array.from({ length: batch * 24 }, (_, i) => (i % 7 === 0 ? 1 : 0));
const rows = [];
const steps = Number(values.steps);
// Step 0 measures each shape's kernel route and grows memory: not counted.
for (let i = 0; i <= steps; i++) {
  const f0 = process.resourceUsage().minorPageFault;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await dp.step([x, y], batch, i, 1e-3, 100);
  const c = process.cpuUsage(c0);
  if (i > 0) rows.push({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, sys: c.system / 1000, faults: process.resourceUsage().minorPageFault - f0 });
}
const rss = Math.round(process.memoryUsage().rss / 1e6);
await dp.close();
const median = (k) => Math.round(rows.map((r) => r[k]).sort((a, b) => a - b)[rows.length >> 1]);
console.log(JSON.stringify({ root, model, batch, workers: dp.workers, load: loadavg().map((l) => Math.round(l * 10) / 10), wall_ms: median('wall'), cpu_ms: median('cpu'), sys_ms: median('sys'), faults: median('faults'), rss_mb: rss, steps: rows.map((r) => [r.wall, r.cpu, r.faults].map(Math.round)) }));
