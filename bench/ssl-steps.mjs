#!/usr/bin/env node
// Pre-training steps of the small config (resources/experiments/small-cpu.json: SimCLR on
// ResNet-18-1D at 1/16 width, depth 0.25, batch 16) through trainSsl, the function experiment jobs
// call, on random records held in memory; prints the wall time of the steps, the process's thread
// count (/proc/self/status, sampled) and the load average. The before/after figure of the kernel
// route and ONNX Runtime thread settings (docs/kernels.md).
// Usage: npm run build && node bench/ssl-steps.mjs [--steps 40] [--method simclr|byol|mae] [--json]
//   OPENECG_ORT=off / OPENECG_CONV=xnnpack|gemm force a kernel route.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '40' },
    method: { type: 'string', default: 'simclr' },
    records: { type: 'string', default: '256' },
    json: { type: 'boolean', default: false },
  },
});
const started = performance.now();
const dist = new URL('../dist/main/ml/', import.meta.url);
const { chooseBackend } = await import(new URL('backend.js', dist).href);
const { trainSsl } = await import(new URL('train/ssl.js', dist).href);
const { arraySource } = await import(new URL('train/data.js', dist).href);
const { describeGemmRoute } = await import(new URL('kernels/gemm-route.js', dist).href);

const small = JSON.parse(readFileSync(new URL('../resources/experiments/small-cpu.json', import.meta.url), 'utf8'));
const m = small.methods.find((x) => x.method === values.method);
if (!m) throw new Error(`small-cpu.json has no method '${values.method}'`);

const threads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
/** Threads of this process in state R (running or runnable) now. */
const runnable = () => {
  let n = 0;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      if (/^\d+ \(.*\) R/.test(readFileSync(`/proc/self/task/${t}/stat`, 'utf8'))) n++;
    } catch {
      // the thread ended meanwhile
    }
  }
  return n;
};
let maxThreads = threads();
const runnableSamples = [];
const sample = () => {
  maxThreads = Math.max(maxThreads, threads());
  runnableSamples.push(runnable());
};

const backend = await chooseBackend({ prefer: 'auto' });
const count = Number(values.records);
const records = new Float32Array(count * 12 * 1000);
let s = 12345;
for (let i = 0; i < records.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  records[i] = (s / 2 ** 32 - 0.5) * 2;
}
const steps = Number(values.steps);
const t0 = performance.now();
let stepThreads = 0;
const run = await trainSsl(
  { method: m.method, model: m.backbone, modelOptions: { width: m.width, depth: m.depth }, ...m.options, steps, batchSize: small.pretrain.batchSize, learningRate: m.learningRate, schedule: 'cosine', seed: 1 },
  arraySource(records, count, 1),
  {
    // Sampled between steps (the kernels run synchronously on this thread, so a timer would not fire during a step).
    onProgress: () => {
      stepThreads = Math.max(stepThreads, threads());
      sample();
    },
  },
);
const seconds = (performance.now() - t0) / 1000;
run.method.dispose?.();
const result = {
  method: m.method,
  backbone: m.backbone,
  width: m.width,
  depth: m.depth,
  batch: small.pretrain.batchSize,
  steps,
  backend: backend.name,
  gemm: backend.name === 'wasm' ? describeGemmRoute() : null,
  seconds: Math.round(seconds * 100) / 100,
  msPerStep: Math.round((seconds / steps) * 10000) / 10,
  startupSeconds: Math.round((t0 - started) / 10) / 100,
  threadsMax: Math.max(maxThreads, stepThreads),
  threadsEnd: threads(),
  runnableMean: Math.round((runnableSamples.reduce((a, b) => a + b, 0) / Math.max(1, runnableSamples.length)) * 10) / 10,
  runnableMax: Math.max(0, ...runnableSamples),
  loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  finalLoss: run.losses.at(-1),
};
if (values.json) console.log(JSON.stringify(result));
else console.log(`${result.method} ${result.backbone} w=${result.width} d=${result.depth} batch ${result.batch}: ${steps} steps in ${result.seconds} s (${result.msPerStep} ms/step) on ${result.backend}${result.gemm ? ` [${result.gemm}]` : ''}; threads max ${result.threadsMax}, at end ${result.threadsEnd}, runnable between steps mean ${result.runnableMean} max ${result.runnableMax}; load ${result.loadavg.join(' ')}`);
process.exit(0);
