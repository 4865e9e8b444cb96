// `openecg cluster plan` and the way back: the run folder's torchrun.sh, started as an
// administrator would (here 1 node x 2 CPU ranks over gloo, torchrun with --redirects 1 --tee 1),
// trains from a shard export, and `bundle import --torch` turns its checkpoint into a bundle the
// workstation loads; `bundle export --torch` writes the reverse.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeClusterPlan } from '../../src/main/cli/cluster.js';
import { runBundleTorch } from '../../src/main/cli/bundle-torch.js';
import { configPath } from '../../src/main/experiments/bundled.js';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { readBundle } from '../../src/main/ml/bundle.js';
import { loadPretrained } from '../../src/main/ml/load.js';
import { readSafeTensors } from '../../src/main/ml/safetensors.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { torchMissing } from './python.js';

const TINY = {
  name: 'plan-test',
  seeds: [1],
  methods: [{ method: 'byol', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
  pretrain: { steps: 3, batchSize: 8, checkpointEvery: 0 },
  downstream: { protocols: ['probe'], probe: { steps: 2, batchSize: 8 }, finetune: { steps: 2, batchSize: 8 } },
};

describe('cluster plan', () => {
  it('writes config, trainer, torchrun.sh, job.sbatch and README for 2 x 8 GPUs', () => {
    const run = tempDir('plan');
    const plan = writeClusterPlan({ config: configPath('small-cpu')!, shards: '/scratch/openecg/shards', out: run, nodes: 2, gpusPerNode: 8, task: 'pretrain', workers: 6, methodIndex: 0, time: '24:00:00' });
    expect(plan.worldSize).toBe(16);
    expect(plan.methods.map((m) => m.method)).toEqual(['simclr', 'byol', 'mae']);
    const torchrun = readFileSync(join(run, 'torchrun.sh'), 'utf8');
    expect(torchrun).toContain('torchrun --nnodes 2 --nproc_per_node 8');
    expect(torchrun).toContain('--redirects 1 --tee 1');
    expect(torchrun).toContain('--shards "/scratch/openecg/shards"');
    const sbatch = readFileSync(join(run, 'job.sbatch'), 'utf8');
    expect(sbatch).toContain('#SBATCH --nodes=2');
    expect(sbatch).toContain('#SBATCH --gpus-per-node=8');
    expect(sbatch).toContain('#SBATCH --cpus-per-task=56');
    expect(readFileSync(join(run, 'README.md'), 'utf8')).toContain('METHOD_INDEX=2: mae on vit_1d');
    expect(JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')).name).toBe('small-cpu');
    expect(existsSync(join(run, 'openecg_cluster', 'train.py'))).toBe(true);
  });

  it('refuses a batch that does not split over the GPUs', () => {
    expect(() => writeClusterPlan({ config: configPath('small-cpu')!, shards: '/s', out: tempDir('plan-bad'), nodes: 3, gpusPerNode: 8, task: 'pretrain', workers: 0, methodIndex: 0, time: '1:00:00' })).toThrow(/does not split over 24 GPUs/);
  });
});

describe.skipIf(torchMissing !== null)('planned run on this machine and back to a bundle', () => {
  let shards: string;
  beforeAll(async () => {
    if (torchMissing) return;
    const ws = await demoWorkspace('cluster-plan');
    shards = tempDir('plan-shards');
    exportShards(ws, shards, { shardSize: 100 });
  }, 120_000);

  it('torchrun.sh (2 CPU ranks) -> checkpoint.safetensors -> bundle import -> bundle export', async () => {
    const dir = tempDir('plan-run');
    const config = join(dir, 'tiny.json');
    writeFileSync(config, JSON.stringify(TINY));
    const run = join(dir, 'run');
    writeClusterPlan({ config, shards, out: run, nodes: 1, gpusPerNode: 2, task: 'pretrain', workers: 0, methodIndex: 0, time: '1:00:00' });
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const r = spawnSync('sh', [join(run, 'torchrun.sh')], { cwd: run, encoding: 'utf8', env: { ...process.env, MASTER_PORT: port, OMP_NUM_THREADS: '1', PATH: `/usr/bin:${process.env.PATH}` }, timeout: 120_000 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = join(run, 'out', 'pretrain-m0');
    const metrics = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(metrics.length).toBe(3);
    const ckpt = join(out, 'checkpoint.safetensors');
    expect(readSafeTensors(ckpt).metadata.task).toBe('pretrain-byol');
    const bundle = join(dir, 'bundle');
    expect(await runBundleTorch('import', ['--torch', ckpt, '--out', bundle, '--arch', 'resnet18_1d', '--json'])).toBe(0);
    const loaded = readBundle(bundle);
    expect(loaded.json.task).toBe('pretrain-byol');
    expect(loaded.json.architecture.options.width).toBe(0.0625);
    expect([...loaded.weights.keys()].some((k) => k.startsWith('target.encoder.'))).toBe(true);
    const pre = loadPretrained(bundle);
    pre.method.dispose();
    await expect(runBundleTorch('import', ['--torch', ckpt, '--out', join(dir, 'b2'), '--arch', 'vit_1d'])).rejects.toThrow(/holds a resnet18_1d/);
    const back = join(dir, 'back.safetensors');
    expect(await runBundleTorch('export', ['--torch', bundle, '--out', back])).toBe(0);
    const a = readSafeTensors(ckpt).tensors;
    const b = readSafeTensors(back).tensors;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, t] of a) expect(Array.from(b.get(k)!.values), k).toEqual(Array.from(t.values));
  }, 180_000);
});
