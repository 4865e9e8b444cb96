// Training engines side by side: the same LODO run by `openecg experiment lodo --engine tfjs` and
// `--engine torch` (whole processes, start-up, job process, shard export, trainer launches, bundle
// import, scoring and report data included), on one workspace, one after the other.
// Run after `npm run build`:
//   node bench/engines.mjs [--workspace W] [--records 1000] [--which small,full,rates] [--engines tfjs,torch]
//                          [--targets 1] [--full-steps 30] [--full-batch 32] [--rate-steps 4] [--rate-batch 16] [--keep]
// small: the bundled small-cpu config (1/16-width networks), reduced unless --targets all: SimCLR
//   only, --targets labelled centers, robustness off (the full small-cpu LODO takes ~45 min on tfjs).
// full:  SimCLR on full-width resnet18_1d at batch --full-batch, --full-steps pre-training steps
//   per fold and a probe of the same length, w/o arm only, no baselines or robustness.
// rates: the PyTorch trainer itself on the paper config's full-size networks (SimCLR and BYOL on
//   resnet50_1d, MAE on vit_1d, probe and fine-tune on resnet50_1d): --rate-steps steps at batch
//   --rate-batch, samples/s (median of the steps after the first) from its metrics.jsonl; the
//   figures docs/cluster.md projects the paper config's wall time from.
// Prints one line per run (wall seconds, trainer steps, engine as recorded) and the torch/tfjs ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin', 'openecg.js');
if (!existsSync(join(REPO, 'dist', 'main', 'experiments', 'engines', 'torch.js'))) {
  process.stderr.write('bench/engines.mjs: dist/main is missing or old; run `npm run build` first\n');
  process.exit(2);
}
const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    records: { type: 'string' },
    which: { type: 'string' },
    engines: { type: 'string' },
    targets: { type: 'string' },
    'full-steps': { type: 'string' },
    'full-batch': { type: 'string' },
    'rate-steps': { type: 'string' },
    'rate-batch': { type: 'string' },
    keep: { type: 'boolean' },
  },
});
const scratch = mkdtempSync(join(tmpdir(), 'openecg-bench-engines-'));
const run = (args, what) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr.split('\n').slice(-8).join('\n')}`);
  return { seconds, out: r.stdout };
};
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

try {
  let ws = values.workspace;
  if (!ws) {
    ws = join(scratch, 'ws');
    process.stderr.write(`generating a demo workspace of ${values.records ?? 1000} records...\n`);
    run(['demo', '--workspace', ws, '--records', values.records ?? '1000', '--no-experiments', '--json'], 'openecg demo');
  }
  const catalog = JSON.parse(run(['catalog', '--workspace', ws, '--json'], 'openecg catalog').out);
  const labelled = catalog.centers.filter((c) => Object.keys(c.per_class ?? {}).length > 0).map((c) => c.center).sort();
  const nTargets = values.targets === 'all' ? labelled.length : Number(values.targets ?? 1);
  const targets = labelled.slice(0, nTargets);
  const small = JSON.parse(readFileSync(join(REPO, 'resources', 'experiments', 'small-cpu.json'), 'utf8'));
  const configs = {
    small: values.targets === 'all' ? small : { ...small, name: 'small-cpu-reduced', targets, methods: small.methods.filter((m) => m.method === 'simclr'), robustness: { ...small.robustness, enabled: false } },
    full: {
      ...small,
      name: 'resnet18-full-simclr',
      targets,
      methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 1, depth: 1 }],
      pretrain: { steps: Number(values['full-steps'] ?? 30), batchSize: Number(values['full-batch'] ?? 32), checkpointEvery: 0 },
      downstream: { protocols: ['probe'], probe: { steps: Number(values['full-steps'] ?? 30), batchSize: Number(values['full-batch'] ?? 32), learningRate: 0.01, schedule: 'constant' }, checkpointEvery: 0 },
      lodo: { withArm: false },
      baselines: { scratch: false, randomProbe: false },
      robustness: { ...small.robustness, enabled: false },
    },
  };
  const engines = (values.engines ?? 'tfjs,torch').split(',');
  const modes = (values.which ?? 'small,full').split(',');
  if (modes.includes('rates')) trainerRates(ws);
  for (const which of modes.filter((w) => w !== 'rates')) {
    const file = join(scratch, `${which}.json`);
    writeFileSync(file, JSON.stringify(configs[which]));
    const times = {};
    for (const engine of engines) {
      const before = load();
      const { seconds, out } = run(['experiment', 'lodo', '--workspace', ws, '--config', file, '--engine', engine, '--json'], `${which} on ${engine}`);
      const s = JSON.parse(out);
      times[engine] = seconds;
      console.log(JSON.stringify({ bench: 'engines', config: configs[which].name, targets, engine, recorded_engine: s.engine, wall_s: +seconds.toFixed(1), steps: s.steps, macro_auroc_wo: s.lodo?.map((r) => r.auroc_without), run: s.run, load_before: before, load_after: load() }));
    }
    if (times.tfjs && times.torch) console.log(JSON.stringify({ bench: 'engines', config: configs[which].name, torch_over_tfjs: +(times.torch / times.tfjs).toFixed(2) }));
  }
} finally {
  if (!values.keep) rmSync(scratch, { recursive: true, force: true });
}

/** The trainer's own samples/s per task on the paper config's networks (this machine, CPU or GPU). */
function trainerRates(ws) {
  const shards = join(scratch, 'shards');
  run(['export', '--workspace', ws, '--out', shards, '--format', 'shards', '--json'], 'openecg export --format shards');
  const config = join(REPO, 'resources', 'experiments', 'paper.json');
  const steps = values['rate-steps'] ?? '4';
  const batch = values['rate-batch'] ?? '16';
  const cluster = join(REPO, 'cluster');
  const python = process.env.OPENECG_PYTHON || '/usr/bin/python3';
  const init = {};
  for (const [name, task, method] of [['simclr-resnet50_1d', 'pretrain', 0], ['byol-resnet50_1d', 'pretrain', 1], ['mae-vit_1d', 'pretrain', 2], ['probe-resnet50_1d', 'probe', 0], ['finetune-resnet50_1d', 'finetune', 0]]) {
    const out = join(scratch, `rate-${name}`);
    const args = ['-m', 'openecg_cluster.train', '--config', config, '--shards', shards, '--out', out, '--task', task, '--method-index', String(method), '--steps', steps, '--batch-size', batch, '--checkpoint-every', '0', '--threads', String(os.availableParallelism())];
    if (task !== 'pretrain') args.push('--init', init.simclr);
    const before = load();
    const t0 = performance.now();
    const r = spawnSync(python, args, { cwd: cluster, encoding: 'utf8', env: { ...process.env, PYTHONPATH: cluster } });
    if (r.status !== 0) throw new Error(`trainer ${name} failed: ${r.stderr.split('\n').slice(-5).join('\n')}`);
    if (name.startsWith('simclr')) init.simclr = join(out, 'checkpoint.safetensors');
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rates = lines.slice(1).map((m) => m.samples_per_s).sort((a, b) => a - b);
    console.log(JSON.stringify({ bench: 'trainer-rate', run: name, batch: Number(batch), steps: lines.length, samples_per_s: rates[Math.floor(rates.length / 2)], s_per_step: lines.slice(1).map((m) => m.seconds), process_s: +((performance.now() - t0) / 1000).toFixed(1), load_before: before, load_after: load() }));
  }
}
