// The runner on Slurm as a dependency graph against the same run one trainer step at a time: the
// same tiny LODO by `openecg experiment lodo --engine slurm` (whole processes, start-up, job
// process, shard export, every sbatch job, bundle import, scoring), once with no cap (folds x
// methods side by side, probes queued with afterok) and once with `slurm.maxConcurrentSteps: 1`
// (what the runner did before: each step's job awaited before the next was submitted).
// Needs a Slurm the workstation submits to, e.g. the test cluster:
//   eval "$(scripts/slurm-up.sh)"; export SLURM_CONF; npm run build
//   node bench/slurm-graph.mjs [--workspace W] [--records 300] [--targets 2] [--steps 20] [--keep]
//   scripts/slurm-down.sh
// Prints one line per run (wall seconds, steps, load average) and the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(REPO, 'bin', 'openecg.js');
if (!existsSync(join(REPO, 'dist', 'main', 'experiments', 'run-graph.js'))) {
  process.stderr.write('bench/slurm-graph.mjs: dist/main is missing or old; run `npm run build` first\n');
  process.exit(2);
}
if (spawnSync('sinfo', ['-h'], { encoding: 'utf8' }).status !== 0) {
  process.stderr.write('bench/slurm-graph.mjs: no Slurm answers (sinfo failed); start one: eval "$(scripts/slurm-up.sh)"; export SLURM_CONF\n');
  process.exit(2);
}
const { values } = parseArgs({ options: { workspace: { type: 'string' }, records: { type: 'string' }, targets: { type: 'string' }, steps: { type: 'string' }, keep: { type: 'boolean' } } });
const scratch = mkdtempSync(join(tmpdir(), 'openecg-bench-slurm-graph-'));
const env = { ...process.env, PATH: `/usr/bin:${process.env.PATH ?? ''}`, OMP_NUM_THREADS: '1' };
const run = (args, what) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr.split('\n').slice(-8).join('\n')}`);
  return { seconds, out: r.stdout };
};
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

try {
  let ws = values.workspace;
  if (!ws) {
    ws = join(scratch, 'ws');
    process.stderr.write(`generating a demo workspace of ${values.records ?? 300} records...\n`);
    run(['demo', '--workspace', ws, '--records', values.records ?? '300', '--no-experiments', '--json'], 'openecg demo');
  }
  const catalog = JSON.parse(run(['catalog', '--workspace', ws, '--json'], 'openecg catalog').out);
  const targets = catalog.centers
    .filter((c) => Object.keys(c.per_class ?? {}).length > 0)
    .map((c) => c.center)
    .sort()
    .slice(0, Number(values.targets ?? 2));
  const steps = Number(values.steps ?? 20);
  const config = (cap) => ({
    name: `slurm-graph-${cap ?? 'all'}`,
    seeds: [1],
    targets,
    methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
    pretrain: { steps, batchSize: 8, checkpointEvery: 10 },
    downstream: { protocols: ['probe'], probe: { steps, batchSize: 8, learningRate: 0.05 }, checkpointEvery: 10 },
    evaluation: { bootstrap: 20, batchSize: 32 },
    baselines: { scratch: false, randomProbe: false },
    robustness: { enabled: false },
    slurm: { threads: 1, time: '0:30:00', pollSeconds: 1, maxConcurrentSteps: cap },
  });
  const rows = [];
  for (const cap of [null, 1]) {
    const file = join(scratch, `config-${cap ?? 'all'}.json`);
    writeFileSync(file, JSON.stringify(config(cap)));
    const before = load();
    process.stderr.write(`maxConcurrentSteps ${cap ?? 'none'}: running (load ${before})...\n`);
    const r = run(['experiment', 'lodo', '--workspace', ws, '--config', file, '--engine', 'slurm', '--json'], `experiment (maxConcurrentSteps ${cap})`);
    const doc = JSON.parse(r.out);
    rows.push({ cap, seconds: r.seconds, steps: doc.summary?.steps ?? doc.steps, load: `${before} -> ${load()}` });
    console.log(`slurm, maxConcurrentSteps ${String(cap ?? 'none').padEnd(4)} ${r.seconds.toFixed(1).padStart(7)} s  ${rows.at(-1).steps} steps  (load ${rows.at(-1).load})`);
  }
  console.log(`graph / one at a time: ${(rows[0].seconds / rows[1].seconds).toFixed(2)}x (${targets.length} targets, ${steps}-step pre-trainings and probes; cluster: ${spawnSync('sinfo', ['-h', '-o', '%D nodes, %c CPUs each'], { encoding: 'utf8' }).stdout.trim()})`);
} finally {
  if (!values.keep) rmSync(scratch, { recursive: true, force: true });
}
