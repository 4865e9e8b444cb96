// The trainer's speed-ups keep its results: a probe long enough to see its records once runs on
// their frozen embeddings computed once, with the same losses and head as a probe that runs the
// encoder on every step's batch; RUN/checkpoint.safetensors is the newest step's weights (one file,
// hard-linked), and short epochs do not each write a checkpoint.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { readSafeTensors } from '../../src/main/ml/safetensors.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { python, torchMissing } from './python.js';

let shards: string;
let config: string;
let trainRows: number;

const TINY = {
  name: 'probe-cache-test',
  seeds: [5],
  methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25 }],
  pretrain: { steps: 2, batchSize: 8 },
  downstream: { protocols: ['probe'], probe: { steps: 4, batchSize: 64, learningRate: 0.05 } },
};

beforeAll(async () => {
  if (torchMissing) return;
  const ws = await demoWorkspace('cluster-probe-cache');
  shards = tempDir('probe-cache-shards');
  exportShards(ws, shards, { shardSize: 96 });
  const index = JSON.parse(readFileSync(join(shards, 'index.json'), 'utf8')) as { records: { split: (string | null)[] } };
  trainRows = index.records.split.filter((p) => p === 'train').length;
  config = join(tempDir('probe-cache-config'), 'tiny.json');
  writeFileSync(config, JSON.stringify(TINY));
}, 120_000);

describe.skipIf(torchMissing)('probe on cached features', () => {
  it('the same losses and head as running the encoder every step; one checkpoint for short epochs', () => {
    // Just over one epoch at batch 64: the cache applies (steps x batch >= records).
    const steps = Math.ceil(trainRows / 64) + 2;
    const run = (tag: string, extra: string[]) => {
      const out = join(tempDir(`probe-cache-${tag}`), 'run');
      const stdout = python(['-m', 'openecg_cluster.train', '--config', config, '--shards', shards, '--out', out, '--task', 'probe', '--steps', String(steps), '--threads', '1', ...extra], {}, 300_000);
      return { out, stdout };
    };
    const cached = run('cached', []);
    const plain = run('plain', ['--no-probe-cache']);
    expect(cached.stdout).toMatch(new RegExp(`probe features of ${trainRows} records`));
    expect(plain.stdout).not.toMatch(/probe features/);
    const losses = (out: string) => JSON.parse(readFileSync(join(out, 'losses.json'), 'utf8')) as number[];
    expect(losses(cached.out)).toHaveLength(steps);
    expect(losses(cached.out)).toEqual(losses(plain.out));
    const a = readSafeTensors(join(cached.out, 'checkpoint.safetensors')).tensors;
    const b = readSafeTensors(join(plain.out, 'checkpoint.safetensors')).tensors;
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, t] of a) expect([...t.values], name).toEqual([...b.get(name)!.values]);

    // The epoch ended inside the run (a second after the start): only the last step's checkpoint.
    const dirs = readdirSync(join(cached.out, 'checkpoints')).filter((d) => d.startsWith('step-'));
    expect(dirs).toEqual([`step-${String(steps).padStart(8, '0')}`]);
    const newest = statSync(join(cached.out, 'checkpoints', dirs[0], 'model.safetensors'));
    expect(statSync(join(cached.out, 'checkpoint.safetensors')).ino).toBe(newest.ino);
  }, 600_000);
});
