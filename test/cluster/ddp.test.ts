// The trainer (cluster/openecg_cluster) on a small shard export of the demo workspace, with
// gloo on CPUs: a 2-rank step equals a 1-rank step over the same global batch (SimCLR with its
// negatives gathered from both ranks, and fine-tuning), a 2-rank run's loss falls, and a run
// killed mid-way resumes to the same weights as one never interrupted.
// The equivalence runs use --float64: Adam's first step moves every weight by about lr x sign(g),
// so in float32 a weight whose gradient is within rounding of 0 (a bias before BatchNorm, a conv
// weight whose terms cancel) may move either way, by 2 lr, in one run and not the other. In
// float64 the same code, batches and collectives agree to 1e-9.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { readSafeTensors } from '../../src/main/ml/safetensors.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { CLUSTER_DIR, PYTHON, python, torchMissing } from './python.js';

let shards: string;
let config: string;

const TINY = {
  name: 'ddp-test',
  seeds: [3],
  methods: [
    { method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, learningRate: 0.003, options: { projectorHidden: 32, projectorOut: 16 } },
    { method: 'mae', backbone: 'vit_1d', width: 0.0625, depth: 0.1667, learningRate: 0.003 },
  ],
  pretrain: { steps: 6, batchSize: 8, checkpointEvery: 2 },
  downstream: { protocols: ['finetune'], finetune: { steps: 4, batchSize: 8, learningRate: 0.003 } },
};

beforeAll(async () => {
  if (torchMissing) return;
  const ws = await demoWorkspace('cluster-ddp');
  shards = tempDir('cluster-shards');
  exportShards(ws, shards, { shardSize: 48 });
  config = join(tempDir('cluster-config'), 'tiny.json');
  writeFileSync(config, JSON.stringify(TINY));
}, 120_000);

const base = (out: string, extra: string[]) => ['-m', 'openecg_cluster.train', '--config', config, '--shards', shards, '--out', out, '--threads', '1', ...extra];

/** Both ranks of a gloo job started with the env:// variables, as torchrun would. */
async function twoRanks(out: string, extra: string[]): Promise<void> {
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const runs = [0, 1].map(
    (rank) =>
      new Promise<void>((resolve, reject) => {
        const env = { ...process.env, PYTHONPATH: CLUSTER_DIR, OMP_NUM_THREADS: '1', MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2', RANK: String(rank), LOCAL_RANK: String(rank) };
        const p = spawn(PYTHON, base(out, extra), { cwd: CLUSTER_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rank ${rank} exited ${code}:\n${err}`))));
      }),
  );
  await Promise.all(runs);
}

const weights = (run: string) => readSafeTensors(join(run, 'checkpoint.safetensors')).tensors;
const losses = (run: string) => JSON.parse(readFileSync(join(run, 'losses.json'), 'utf8')) as number[];

/** Largest difference over every tensor except those named in `except`, and which tensor it was. */
function largestDiff(a: ReturnType<typeof weights>, b: ReturnType<typeof weights>, except: RegExp = /$^/): { diff: number; name: string; compared: number } {
  let diff = 0;
  let name = '';
  let compared = 0;
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, t] of a) {
    if (except.test(k)) continue;
    compared++;
    const u = b.get(k)!.values;
    for (let i = 0; i < t.values.length; i++) {
      const d = Math.abs(t.values[i] - u[i]);
      if (d > diff) [diff, name] = [d, k];
    }
  }
  return { diff, name, compared };
}

describe.skipIf(torchMissing !== null)('PyTorch DDP trainer on a shard export (gloo, CPU)', () => {
  it('SimCLR: the first step of 2 ranks equals 1 rank with the same global batch', async () => {
    const one = join(tempDir('ddp-one'), 'run');
    const two = join(tempDir('ddp-two'), 'run');
    python(base(one, ['--steps', '1', '--float64']));
    await twoRanks(two, ['--steps', '1', '--float64']);
    expect(Math.abs(losses(one)[0] - losses(two)[0])).toBeLessThan(1e-5);
    const d = largestDiff(weights(one), weights(two));
    expect(d.compared).toBeGreaterThan(40);
    expect(d.diff, d.name).toBeLessThan(1e-5);
  }, 90_000);

  it('fine-tuning: the first step of 2 ranks equals 1 rank', async () => {
    const one = join(tempDir('ddp-ft-one'), 'run');
    const two = join(tempDir('ddp-ft-two'), 'run');
    python(base(one, ['--task', 'finetune', '--steps', '1', '--float64']));
    await twoRanks(two, ['--task', 'finetune', '--steps', '1', '--float64']);
    expect(Math.abs(losses(one)[0] - losses(two)[0])).toBeLessThan(1e-5);
    const d = largestDiff(weights(one), weights(two));
    expect(d.diff, d.name).toBeLessThan(1e-5);
    // The step did move the weights (the initial ones are the seeded constructor's): equality is
    // not both runs standing still.
    const init = join(tempDir('ddp-ft-init'), 'init.safetensors');
    python(['-c', `import torch\nfrom openecg_cluster.models import create_model\nfrom openecg_cluster.safetensors_io import save_file\ntorch.manual_seed(3)\nm = create_model('resnet18_1d', width=0.0625, depth=0.25)\nsave_file({k: v for k, v in m.state_dict().items() if v.is_floating_point()}, '${init}')`]);
    expect(largestDiff(weights(one), readSafeTensors(init).tensors, /running_/).diff).toBeGreaterThan(1e-3);
  }, 120_000);

  it('a 2-rank MAE run: loss falls, metrics per step', async () => {
    const run = join(tempDir('ddp-mae'), 'run');
    await twoRanks(run, ['--method-index', '1', '--steps', '8', '--batch-size', '16']);
    const l = losses(run);
    expect(l.length).toBe(8);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(l.slice(-3))).toBeLessThan(mean(l.slice(0, 3)));
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((s) => JSON.parse(s) as { step: number; world_size: number; loss: number });
    expect(lines.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines.every((m) => m.world_size === 2)).toBe(true);
  }, 90_000);

  it('killed after step 3, resumed from the step-2 checkpoint: the same losses and weights as an uninterrupted run', () => {
    const whole = join(tempDir('ddp-whole'), 'run');
    const cut = join(tempDir('ddp-cut'), 'run');
    python(base(whole, []));
    expect(() => python(base(cut, ['--kill-after', '3']))).toThrow(/SIGKILL/);
    expect(readSafeTensors(join(cut, 'checkpoint.safetensors')).metadata.step).toBe('2');
    python(base(cut, []));
    expect(losses(cut)).toEqual(losses(whole));
    expect(largestDiff(weights(whole), weights(cut)).diff).toBe(0);
    expect(JSON.parse(readFileSync(join(cut, 'run.json'), 'utf8')).resumed_from).toBe(2);
  }, 90_000);
});
