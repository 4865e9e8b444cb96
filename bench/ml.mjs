#!/usr/bin/env node
// Compute-engine benchmark, timing the commands users run (`openecg bench train|infer`, one process
// each, its wall time reported beside the step time as start-up + warm-up):
//  - full size, batch 32: resnet18_1d, resnet50_1d, vit_1d on TensorFlow.js (default kernel route)
//    beside the PyTorch peer (../shared/bench/torch_peer.py), train and inference, with ratios;
//  - the small config's 1/16-width networks at batch 16 (resources/experiments/small-cpu.json:
//    resnet18_1d w=0.0625 d=0.25 as SimCLR/BYOL use it, vit_1d w=0.0625 d=0.1667 for MAE) on the
//    default route (measured per shape), forced GEMM (OPENECG_CONV=gemm) and forced XNNPACK
//    (OPENECG_CONV=xnnpack), beside PyTorch on the repository's own networks (bench/torch_small.py;
//    the peer builds full-size shapes only).
// Targets (issue 21): resnet18_1d train <= 2x PyTorch; the small step no slower than the faster
// forced route. The machine's load average is printed with the figures.
// Usage: npm run build && node bench/ml.mjs [--only full|small] [--batch 32] [--small-batch 16] [--steps 3]
//        [--workers 2] [--small-workers 1] [--models a,b] [--backend auto]
// Needs: apt-get install -y python3-torch (the peers). Heavy: run when the machine is otherwise idle.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    batch: { type: 'string', default: '32' },
    'small-batch': { type: 'string', default: '16' },
    steps: { type: 'string', default: '3' },
    'small-steps': { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    // Experiments train the small networks on one thread today (train/ssl.ts).
    'small-workers': { type: 'string', default: '1' },
    models: { type: 'string', default: 'resnet18_1d,resnet50_1d,vit_1d' },
    backend: { type: 'string', default: 'auto' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
if (values.only && values.only !== 'full' && values.only !== 'small') throw new Error(`--only must be full or small, got '${values.only}'`);
const root = fileURLToPath(new URL('..', import.meta.url));
const peer = fileURLToPath(new URL('../../shared/bench/torch_peer.py', import.meta.url));
const smallPeer = fileURLToPath(new URL('./torch_small.py', import.meta.url));
const cli = fileURLToPath(new URL('../bin/openecg.js', import.meta.url));
if (!existsSync(peer)) throw new Error(`peer not found: ${peer}`);

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const lastJson = (out) => JSON.parse(out.trim().split('\n').pop());

/** One `openecg bench` process: its JSON, and its wall time in seconds. */
function ours(mode, model, { batch, steps, workers, width, depth, route } = {}) {
  const args = [cli, 'bench', mode, '--model', model, '--batch', batch, '--steps', steps, '--backend', values.backend, '--workers', workers, '--json'];
  if (width) args.push('--width', String(width), '--depth', String(depth));
  const env = { ...process.env };
  delete env.OPENECG_CONV;
  if (route) env.OPENECG_CONV = route;
  const t0 = performance.now();
  const out = execFileSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  const r = lastJson(out);
  // Start-up (Node, modules, backend) and the warm-up step: the wall time less the timed steps.
  return { ...r, wall_s: Math.round(wall * 100) / 100, startup_s: Math.round((wall - r.timesMs.reduce((a, b) => a + b, 0) / 1000) * 100) / 100 };
}

const ratio = (a, b) => Math.round((a / b) * 100) / 100;

const full = [];
if (values.only !== 'small') {
  for (const model of values.models.split(',')) {
    const torch = lastJson(execFileSync(values.python, [peer, '--batch', values.batch, '--steps', values.steps, '--models', model], { encoding: 'utf8' }));
    const opts = { batch: values.batch, steps: values.steps, workers: values.workers };
    const train = ours('train', model, opts);
    const infer = ours('infer', model, opts);
    const row = {
      model,
      batch: Number(values.batch),
      backend: train.backend,
      workers: train.workers,
      gemm: train.gemm ?? null,
      params: train.params,
      params_equal_peer: train.params === torch.params,
      train_ms: train.msPerStep,
      torch_train_ms: torch.train_step_ms,
      train_ratio: ratio(train.msPerStep, torch.train_step_ms),
      train_startup_s: train.startup_s,
      infer_ms: infer.msPerStep,
      torch_infer_ms: torch.infer_ms,
      infer_ratio: ratio(infer.msPerStep, torch.infer_ms),
      load: load(),
    };
    full.push(row);
    console.log(JSON.stringify(row));
  }
}

const SMALL = [
  { model: 'resnet18_1d', width: 0.0625, depth: 0.25, use: 'SimCLR/BYOL' },
  { model: 'vit_1d', width: 0.0625, depth: 0.1667, use: 'MAE' },
];
const small = [];
if (values.only !== 'full') {
  for (const s of SMALL) {
    const batch = values['small-batch'];
    const torch = lastJson(execFileSync(values.python, [smallPeer, '--model', s.model, '--width', String(s.width), '--depth', String(s.depth), '--batch', batch, '--steps', values['small-steps']], { encoding: 'utf8' }));
    const opts = { batch, steps: values['small-steps'], workers: values['small-workers'], width: s.width, depth: s.depth };
    const auto = ours('train', s.model, opts);
    const gemm = ours('train', s.model, { ...opts, route: 'gemm' });
    const xnnpack = ours('train', s.model, { ...opts, route: 'xnnpack' });
    const best = Math.min(gemm.msPerStep, xnnpack.msPerStep);
    const row = {
      model: s.model,
      width: s.width,
      depth: s.depth,
      use: s.use,
      batch: Number(batch),
      workers: auto.workers,
      params: auto.params,
      params_equal_peer: auto.params === torch.params,
      route: auto.gemm ?? null,
      train_ms: auto.msPerStep,
      gemm_ms: gemm.msPerStep,
      xnnpack_ms: xnnpack.msPerStep,
      vs_faster_forced: ratio(auto.msPerStep, best),
      torch_train_ms: torch.train_step_ms,
      train_ratio: ratio(auto.msPerStep, torch.train_step_ms),
      startup_s: { default: auto.startup_s, gemm: gemm.startup_s, xnnpack: xnnpack.startup_s },
      load: load(),
    };
    small.push(row);
    console.log(JSON.stringify(row));
  }
}

if (full.length) {
  console.log('\nfull size    batch  train ms (torch)      ratio  start-up s   infer ms (torch)      ratio   load');
  for (const r of full) {
    console.log(`${r.model.padEnd(12)} ${String(r.batch).padStart(5)}  ${String(r.train_ms).padStart(8)} (${String(r.torch_train_ms).padStart(7)})  ${String(r.train_ratio).padStart(6)}x  ${String(r.train_startup_s).padStart(10)}  ${String(r.infer_ms).padStart(8)} (${String(r.torch_infer_ms).padStart(7)})  ${String(r.infer_ratio).padStart(6)}x   ${r.load}`);
  }
}
if (small.length) {
  console.log('\nsmall config          batch  default ms  gemm ms  xnnpack ms  vs faster  torch ms  ratio   start-up s  load');
  for (const r of small) {
    console.log(`${`${r.model} w=${r.width} d=${r.depth}`.padEnd(21)} ${String(r.batch).padStart(5)}  ${String(r.train_ms).padStart(10)}  ${String(r.gemm_ms).padStart(7)}  ${String(r.xnnpack_ms).padStart(10)}  ${String(r.vs_faster_forced).padStart(8)}x  ${String(r.torch_train_ms).padStart(8)}  ${String(r.train_ratio).padStart(5)}x  ${String(r.startup_s.default).padStart(10)}  ${r.load}`);
    console.log(`${''.padEnd(28)}${r.route}`);
  }
}
