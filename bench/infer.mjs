#!/usr/bin/env node
// Inference benchmark (issue 11): `openecg bench infer` on ONNX Runtime and on TensorFlow.js for
// resnet18_1d, resnet50_1d and vit_1d, beside the PyTorch peer (../shared/bench/torch_peer.py), in
// one run, with ratios against the targets at batch 32: ONNX Runtime <= 1.2x PyTorch's time for
// the ResNets, <= 0.5x for vit_1d. With --workspace, also the end-to-end evaluation throughput
// (`openecg bench eval`, target >= 80% of the bare inference rate) on that workspace's records.
// Usage: npm run build && node bench/infer.mjs [--batch 32] [--steps 5] [--models a,b] [--workspace /tmp/demo10k]
// Needs: apt-get install -y python3-torch (the peer). Heavy: run when the machine is otherwise idle.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '5' },
    models: { type: 'string', default: 'resnet18_1d,resnet50_1d,vit_1d' },
    backend: { type: 'string', default: 'auto' },
    threads: { type: 'string', default: '2' },
    python: { type: 'string', default: '/usr/bin/python3' },
    workspace: { type: 'string' },
    'eval-model': { type: 'string', default: 'resnet18_1d' },
  },
});
const TARGETS = { resnet18_1d: 1.2, resnet50_1d: 1.2, vit_1d: 0.5 };
const root = fileURLToPath(new URL('..', import.meta.url));
const peer = fileURLToPath(new URL('../../shared/bench/torch_peer.py', import.meta.url));
const cli = fileURLToPath(new URL('../bin/openecg.js', import.meta.url));
if (!existsSync(peer)) throw new Error(`peer not found: ${peer}`);

const lastJson = (out) => JSON.parse(out.trim().split('\n').pop());
function ours(engine, model) {
  const args = [cli, 'bench', 'infer', '--engine', engine, '--model', model, '--batch', values.batch, '--steps', values.steps, '--backend', values.backend, '--json'];
  if (engine === 'ort') args.push('--threads', values.threads);
  return lastJson(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
}
const round = (v) => Math.round(v * 100) / 100;

const rows = [];
for (const model of values.models.split(',')) {
  const torch = lastJson(execFileSync(values.python, [peer, '--batch', values.batch, '--steps', values.steps, '--threads', values.threads, '--models', model], { encoding: 'utf8' }));
  const ort = ours('ort', model);
  const tfjs = ours('tfjs', model);
  const target = TARGETS[model];
  const row = {
    model,
    batch: Number(values.batch),
    params: ort.params,
    params_equal_peer: ort.params === torch.params,
    ort_ms: ort.msPerStep,
    ort_provider: ort.provider,
    tfjs_ms: tfjs.msPerStep,
    tfjs_backend: tfjs.backend,
    torch_ms: torch.infer_ms,
    ort_ratio: round(ort.msPerStep / torch.infer_ms),
    tfjs_ratio: round(tfjs.msPerStep / torch.infer_ms),
    target,
    meets_target: ort.msPerStep / torch.infer_ms <= target,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
console.log('\nmodel          ORT ms   tfjs ms  torch ms   ORT/torch  tfjs/torch  target');
for (const r of rows) {
  console.log(`${r.model.padEnd(14)} ${String(r.ort_ms).padStart(6)}  ${String(r.tfjs_ms).padStart(8)}  ${String(r.torch_ms).padStart(8)}  ${String(r.ort_ratio).padStart(9)}x  ${String(r.tfjs_ratio).padStart(9)}x  <= ${r.target}x ${r.meets_target ? 'ok' : 'MISSED'}`);
}
if (values.workspace) {
  const args = [cli, 'bench', 'eval', '--workspace', values.workspace, '--model', values['eval-model'], '--engine', 'ort', '--batch', values.batch, '--json'];
  const e = lastJson(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  console.log(JSON.stringify(e));
  console.log(`\nevaluation end to end: ${e.end_to_end.records} records in ${(e.end_to_end.total_ms / 1000).toFixed(1)} s, ${e.end_to_end.records_per_s} records/s vs bare ${e.bare_records_per_s} records/s = ${Math.round(e.ratio * 100)}% (target >= 80%) ${e.meets_target ? 'ok' : 'MISSED'}`);
}
