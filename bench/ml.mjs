#!/usr/bin/env node
// Compute-engine benchmark: `openecg bench train|infer` for resnet18_1d, resnet50_1d and vit_1d
// beside the PyTorch peer (../shared/bench/torch_peer.py) in the same run, printing our time over
// PyTorch's. Targets (issue "Compute engine"): resnet18_1d training <= 5x, inference <= 3x.
// Usage: npm run build && node bench/ml.mjs [--batch 32] [--steps 3] [--workers 2] [--models a,b] [--backend wasm]
// Needs: apt-get install -y python3-torch (the peer). Heavy: run when the machine is otherwise idle.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    models: { type: 'string', default: 'resnet18_1d,resnet50_1d,vit_1d' },
    backend: { type: 'string', default: 'auto' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const root = fileURLToPath(new URL('..', import.meta.url));
const peer = fileURLToPath(new URL('../../shared/bench/torch_peer.py', import.meta.url));
const cli = fileURLToPath(new URL('../bin/openecg.js', import.meta.url));
if (!existsSync(peer)) throw new Error(`peer not found: ${peer}`);

function ours(mode, model) {
  const args = [cli, 'bench', mode, '--model', model, '--batch', values.batch, '--steps', values.steps, '--backend', values.backend, '--workers', values.workers, '--json'];
  const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop());
}

const rows = [];
for (const model of values.models.split(',')) {
  const torchOut = execFileSync(values.python, [peer, '--batch', values.batch, '--steps', values.steps, '--models', model], { encoding: 'utf8' });
  const torch = JSON.parse(torchOut.trim().split('\n').pop());
  const train = ours('train', model);
  const infer = ours('infer', model);
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
    train_ratio: Math.round((train.msPerStep / torch.train_step_ms) * 100) / 100,
    infer_ms: infer.msPerStep,
    torch_infer_ms: torch.infer_ms,
    infer_ratio: Math.round((infer.msPerStep / torch.infer_ms) * 100) / 100,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log('\nmodel          train ms (torch)      ratio   infer ms (torch)      ratio');
for (const r of rows) {
  console.log(`${r.model.padEnd(14)} ${String(r.train_ms).padStart(8)} (${String(r.torch_train_ms).padStart(7)})  ${String(r.train_ratio).padStart(6)}x  ${String(r.infer_ms).padStart(8)} (${String(r.torch_infer_ms).padStart(7)})  ${String(r.infer_ratio).padStart(6)}x`);
}
