// Training engines side by side: the same LODO run by `openecg experiment lodo --engine tfjs` and
// `--engine torch` (whole processes, start-up, job process, shard export, trainer launches, bundle
// import, scoring and report data included), on one workspace, one after the other.
// Run after `npm run build`:
//   node bench/engines.mjs [--workspace W] [--records 1000] [--which small,full] [--engines tfjs,torch]
//                          [--targets 1] [--full-steps 30] [--full-batch 32] [--keep]
// small: the bundled small-cpu config (1/16-width networks), reduced unless --targets all: SimCLR
//   only, --targets labelled centers, robustness off (the full small-cpu LODO takes ~45 min on tfjs).
// full:  SimCLR on full-width resnet18_1d at batch --full-batch, --full-steps pre-training steps
//   per fold and a probe of the same length, w/o arm only, no baselines or robustness.
// Prints one line per run (wall seconds, trainer steps, engine as recorded) and the torch/tfjs ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
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
  for (const which of (values.which ?? 'small,full').split(',')) {
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
