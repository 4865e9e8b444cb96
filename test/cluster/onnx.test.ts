// Cluster bundles carry torch.onnx graphs: the trainer (cluster/openecg_cluster) trains a tiny
// classifier and a tiny MAE on a shard export of the demo workspace and writes torch.onnx graphs
// beside its final checkpoint; `bundle import --torch` copies them into the bundle (producer
// "torch.onnx <version>"), and ONNX Runtime through our engine gives the PyTorch network's
// outputs and the TensorFlow.js engine's to 1e-4 on real records from ../shared.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { exportShards } from '../../src/main/experiments/export/shards.js';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { readBundle } from '../../src/main/ml/bundle.js';
import { openEngine } from '../../src/main/ml/infer/index.js';
import { normalizeBatch } from '../../src/main/ml/normalize.js';
import { readSafeTensors, writeSafeTensors } from '../../src/main/ml/safetensors.js';
import { randomPatchMask, type PatchMask } from '../../src/main/ml/ssl/index.js';
import { importTorchCheckpoint, torchOnnxBeside } from '../../src/main/ml/torch-weights.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { realRecords } from '../ml/real-records.js';
import { tempDir } from '../temp.js';
import { python, torchMissing } from './python.js';

const N = 4;
const env = {}; // neither OPENECG_ENGINE nor OPENECG_ORT from the caller's shell
const TINY = {
  name: 'onnx-test',
  seeds: [4],
  methods: [{ method: 'mae', backbone: 'vit_1d', width: 0.0625, depth: 0.1667, learningRate: 0.003 }],
  pretrain: { steps: 2, batchSize: 4 },
  downstream: { protocols: ['finetune'], finetune: { steps: 3, batchSize: 4, learningRate: 0.01 } },
};

let x: Float32Array;
let classifierRun: string;
let maeRun: string;
let root: string;

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The PyTorch network of a checkpoint on `inputs` (tests/peer_outputs.py, eval mode). */
function torchOutputs(checkpoint: string, inputs: Map<string, { shape: number[]; values: Float32Array }>, tag: string): Map<string, Float32Array> {
  const dir = join(root, `peer-${tag}`);
  mkdirSync(dir, { recursive: true });
  writeSafeTensors(join(dir, 'input.safetensors'), inputs);
  python(['tests/peer_outputs.py', checkpoint, join(dir, 'input.safetensors'), join(dir, 'out.safetensors'), join(dir, 'state.safetensors')]);
  return new Map([...readSafeTensors(join(dir, 'out.safetensors')).tensors].map(([k, v]) => [k, v.values]));
}

function opTypes(file: string): string[] {
  return (onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph?.node ?? []).map((n) => n.opType ?? '');
}

beforeAll(async () => {
  if (torchMissing) return;
  await chooseBackend({ prefer: 'wasm', env: {} });
  const real = await realRecords(N);
  x = normalizeBatch(real.data, N, 12, 'zscore-per-lead').data;
  root = tempDir('cluster-onnx');
  const ws = await demoWorkspace('cluster-onnx');
  const shards = join(root, 'shards');
  exportShards(ws, shards, { shardSize: 64 });
  const config = join(root, 'tiny.json');
  writeFileSync(config, JSON.stringify(TINY));
  const train = (out: string, extra: string[]) => python(['-m', 'openecg_cluster.train', '--config', config, '--shards', shards, '--out', out, '--threads', '1', ...extra], {}, 180_000);
  maeRun = join(root, 'mae');
  classifierRun = join(root, 'classifier');
  // The classifier fine-tunes a resnet18_1d from scratch (no --init): the finetune budget with method 0's sizes swapped.
  const clsConfig = join(root, 'cls.json');
  writeFileSync(clsConfig, JSON.stringify({ ...TINY, methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25 }] }));
  train(maeRun, ['--task', 'pretrain']);
  python(['-m', 'openecg_cluster.train', '--config', clsConfig, '--shards', shards, '--out', classifierRun, '--threads', '1', '--task', 'finetune', '--checkpoint-every', '1'], {}, 180_000);
}, 300_000);

describe.skipIf(torchMissing !== null)('torch.onnx graphs in cluster bundles', () => {
  it('the trainer writes model.onnx and onnx.json beside its final checkpoint; import copies them', async () => {
    const side = JSON.parse(readFileSync(join(classifierRun, 'onnx.json'), 'utf8')) as { producer: string; step: number; graphs: { role: string; file: string }[] };
    expect(side.producer).toMatch(/^torch\.onnx \d+\.\d+/);
    expect(side.step).toBe(3);
    expect(side.graphs.map((g) => [g.role, g.file])).toEqual([['classifier', 'model.onnx']]);
    const bundle = join(root, 'cls-bundle');
    importTorchCheckpoint(join(classifierRun, 'checkpoint.safetensors'), bundle);
    const { json } = readBundle(bundle);
    expect(json.onnx).toMatchObject({ producer: side.producer, opset: 17, folded_batchnorm: true });
    expect(json.onnx!.graphs).toEqual([expect.objectContaining({ role: 'classifier', file: 'model.onnx', inputs: ['x'], outputs: ['logits', 'embedding'] })]);
    expect(readFileSync(join(bundle, 'model.onnx')).equals(readFileSync(join(classifierRun, 'model.onnx')))).toBe(true);
    // torch's exporter folded every BatchNorm into its convolution in eval mode.
    const ops = opTypes(join(bundle, 'model.onnx'));
    expect(ops).not.toContain('BatchNormalization');
    expect(ops.filter((o) => o === 'Conv').length).toBeGreaterThanOrEqual(5);
  });

  it('ONNX Runtime on the torch.onnx graph gives PyTorch\'s and TensorFlow.js\'s logits to 1e-4 on real records', async () => {
    const bundle = join(root, 'cls-bundle-2');
    importTorchCheckpoint(join(classifierRun, 'checkpoint.safetensors'), bundle);
    const torch = torchOutputs(join(classifierRun, 'checkpoint.safetensors'), new Map([['x', { shape: [N, 12, 1000], values: x }]]), 'cls');
    const ort = await openEngine(bundle, { engine: 'ort', env });
    const tfjs = await openEngine(bundle, { engine: 'tfjs', env });
    expect(ort.info).toMatchObject({ engine: 'ort', graph: 'bundle' });
    const [a, b] = [await ort.logits(x, N), await tfjs.logits(x, N)];
    expect(maxDiff(a, torch.get('logits')!)).toBeLessThan(1e-4);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    expect(maxDiff(await ort.embeddings(x, N), torch.get('embedding')!)).toBeLessThan(1e-4);
    // A batch size other than the exporter's example (2): the batch axis is symbolic.
    expect(maxDiff(await ort.logits(x.subarray(0, 12000), 1), a.subarray(0, 24))).toBeLessThan(1e-5);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(1e-3);
    await ort.dispose();
    await tfjs.dispose();
  });

  it('MAE: encoder.onnx and mae.onnx from torch.onnx reconstruct as PyTorch and TensorFlow.js do', async () => {
    const bundle = join(root, 'mae-bundle');
    importTorchCheckpoint(join(maeRun, 'checkpoint.safetensors'), bundle);
    const { json } = readBundle(bundle);
    expect(json.onnx!.producer).toMatch(/^torch\.onnx /);
    expect(json.onnx!.graphs.map((g) => [g.role, g.file, g.inputs])).toEqual([
      ['encoder', 'encoder.onnx', ['x']],
      ['mae', 'mae.onnx', ['x', 'visible']],
    ]);
    const masks: PatchMask[] = Array.from({ length: N }, (_, i) => randomPatchMask(40, 0.75, 300 + i));
    const torch = torchOutputs(
      join(maeRun, 'checkpoint.safetensors'),
      new Map([
        ['x', { shape: [N, 12, 1000], values: x }],
        ['order', { shape: [N, 40], values: Float32Array.from(masks.flatMap((m) => Array.from(m.order))) }],
        ['hidden', { shape: [N, 40], values: Float32Array.from(masks.flatMap((m) => Array.from(m.mask))) }],
      ]),
      'mae',
    );
    const ort = await openEngine(bundle, { engine: 'ort', env });
    const tfjs = await openEngine(bundle, { engine: 'tfjs', env });
    const [a, b] = [await ort.reconstruct(x, N, masks), await tfjs.reconstruct(x, N, masks)];
    expect(maxDiff(a, torch.get('reconstruction')!)).toBeLessThan(1e-4);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    expect(maxDiff(await ort.embeddings(x, N), torch.get('embedding')!)).toBeLessThan(1e-4);
    await ort.dispose();
    await tfjs.dispose();
  });

  it('--onnx ours exports our graph; graphs written for another checkpoint are refused', () => {
    const ours = join(root, 'cls-ours');
    importTorchCheckpoint(join(classifierRun, 'checkpoint.safetensors'), ours, { onnx: 'ours' });
    expect(readBundle(ours).json.onnx).toMatchObject({ producer: 'openecg', folded_batchnorm: true });
    // The final checkpoint's onnx.json beside an earlier step's weights: a stale graph, not used.
    const stale = join(root, 'stale');
    mkdirSync(stale);
    const steps = join(classifierRun, 'checkpoints');
    const older = readSafeTensors(join(steps, 'step-00000002', 'model.safetensors'));
    writeSafeTensors(join(stale, 'checkpoint.safetensors'), older.tensors, older.metadata);
    for (const f of ['onnx.json', 'model.onnx']) copyFileSync(join(classifierRun, f), join(stale, f));
    const arch = readBundle(ours).json.architecture;
    const found = torchOnnxBeside(join(stale, 'checkpoint.safetensors'), 'classifier', arch);
    expect(found).toEqual({ reason: expect.stringContaining('another checkpoint') });
    expect(torchOnnxBeside(join(classifierRun, 'checkpoint.safetensors'), 'classifier', arch)).toHaveProperty('onnx.producer', expect.stringMatching(/^torch\.onnx /));
  });
});
