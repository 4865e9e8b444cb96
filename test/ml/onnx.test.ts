// ONNX export and the two inference engines: for resnet18_1d, resnet50_1d and vit_1d (tiny widths,
// a few training steps so BatchNorm statistics are not the defaults) and for the MAE
// encoder+decoder, ONNX Runtime on the bundle's graphs gives TensorFlow.js's outputs to 1e-4 on
// real records from ../shared.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { readBundle } from '../../src/main/ml/bundle.js';
import { openEngine, reconstructRecord } from '../../src/main/ml/infer/index.js';
import { loadMae } from '../../src/main/ml/load.js';
import type { ModelName } from '../../src/main/ml/models/index.js';
import { normalizeBatch } from '../../src/main/ml/normalize.js';
import { randomPatchMask, reconstruct } from '../../src/main/ml/ssl/index.js';
import { arraySource, labelledArraySource } from '../../src/main/ml/train/data.js';
import { trainSsl } from '../../src/main/ml/train/ssl.js';
import { trainSupervised } from '../../src/main/ml/train/supervised.js';
import { tempDir } from '../temp.js';
import { realRecords } from './real-records.js';

const N = 4;
const env = {}; // neither OPENECG_ENGINE nor OPENECG_ORT from the caller's shell
let records: Float32Array;
let x: Float32Array;
const dirs = new Map<string, string>();

const TINY: Record<ModelName, { width: number; depth: number }> = {
  resnet18_1d: { width: 0.0625, depth: 0.25 },
  resnet50_1d: { width: 0.0625, depth: 0.25 },
  vit_1d: { width: 0.0625, depth: 1 / 6 },
};

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function opTypes(file: string): string[] {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(file));
  return (model.graph?.node ?? []).map((n) => n.opType ?? '');
}

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  const real = await realRecords(N);
  records = real.data;
  x = normalizeBatch(records, N, 12, 'zscore-per-lead').data;
  const root = tempDir('ml-onnx');
  for (const model of Object.keys(TINY) as ModelName[]) {
    const run = await trainSupervised({ mode: 'finetune', model, modelOptions: TINY[model], steps: 2, batchSize: 2, seed: 3 }, labelledArraySource(records, real.labels, N));
    const dir = join(root, model);
    run.save(dir);
    run.model.dispose();
    dirs.set(model, dir);
  }
  const pre = await trainSsl({ method: 'mae', modelOptions: { width: 0.0625, depth: 1 / 12 }, steps: 2, batchSize: 2, seed: 8 }, arraySource(records, N));
  dirs.set('mae', join(root, 'mae'));
  pre.save(dirs.get('mae')!);
  pre.method.dispose();
}, 120_000);

describe('ONNX graphs in the bundle', () => {
  it('a classifier bundle lists model.onnx with its inputs, outputs and checksum; BatchNorm is folded away', () => {
    const { json } = readBundle(dirs.get('resnet18_1d')!);
    expect(json.onnx).toMatchObject({ opset: 17, producer: 'openecg', folded_batchnorm: true });
    expect(json.onnx!.graphs).toEqual([expect.objectContaining({ role: 'classifier', file: 'model.onnx', inputs: ['x'], outputs: ['logits', 'embedding'] })]);
    const file = join(dirs.get('resnet18_1d')!, 'model.onnx');
    expect(readFileSync(file).byteLength).toBe(json.onnx!.graphs[0].byte_length);
    const ops = opTypes(file);
    expect(ops).not.toContain('BatchNormalization');
    expect(ops.filter((o) => o === 'Conv').length).toBeGreaterThanOrEqual(5);
  });

  it('an MAE bundle carries the encoder and the encoder+decoder graphs', () => {
    const { json } = readBundle(dirs.get('mae')!);
    expect(json.onnx!.graphs.map((g) => [g.role, g.file, g.inputs])).toEqual([
      ['encoder', 'encoder.onnx', ['x']],
      ['mae', 'mae.onnx', ['x', 'visible']],
    ]);
    expect(existsSync(join(dirs.get('mae')!, 'mae.onnx'))).toBe(true);
  });
});

describe('ONNX Runtime equals TensorFlow.js to 1e-4 on real records', () => {
  for (const model of Object.keys(TINY) as ModelName[]) {
    it(`${model}: logits and embeddings`, async () => {
      const ort = await openEngine(dirs.get(model)!, { engine: 'ort', env });
      const tfjs = await openEngine(dirs.get(model)!, { engine: 'tfjs', env });
      expect(ort.info).toMatchObject({ engine: 'ort', provider: 'cpu', graph: 'bundle' });
      expect(tfjs.info).toMatchObject({ engine: 'tfjs', provider: 'wasm' });
      const [a, b] = [await ort.logits(x, N), await tfjs.logits(x, N)];
      expect(a.length).toBe(N * 24);
      // Logits that differ across records: the comparison is not between constants.
      expect(Math.abs(a[0] - a[24])).toBeGreaterThan(1e-4);
      expect(maxDiff(a, b)).toBeLessThan(1e-4);
      const [ea, eb] = [await ort.embeddings(x, N), await tfjs.embeddings(x, N)];
      expect(ea.length).toBe(eb.length);
      expect(maxDiff(ea, eb)).toBeLessThan(1e-4);
      // The batch dimension is dynamic: one record alone gives the same row.
      expect(maxDiff(await ort.logits(x.subarray(0, 12000), 1), a.subarray(0, 24))).toBeLessThan(1e-4);
      await ort.dispose();
      await tfjs.dispose();
    });
  }

  it('MAE: the same visible patches give the same reconstruction, and the encoder the same embedding', async () => {
    const ort = await openEngine(dirs.get('mae')!, { engine: 'ort', env });
    const tfjs = await openEngine(dirs.get('mae')!, { engine: 'tfjs', env });
    const masks = Array.from({ length: N }, (_, i) => randomPatchMask(40, 0.75, 100 + i));
    const [a, b] = [await ort.reconstruct(x, N, masks), await tfjs.reconstruct(x, N, masks)];
    expect(a.length).toBe(N * 12 * 1000);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    // Another mask changes the answer: the mask input is really used.
    const other = await ort.reconstruct(x, N, masks.map((_, i) => randomPatchMask(40, 0.75, 200 + i)));
    expect(maxDiff(a, other)).toBeGreaterThan(1e-3);
    expect(maxDiff(await ort.embeddings(x, N), await tfjs.embeddings(x, N))).toBeLessThan(1e-4);
    await expect(ort.logits(x, N)).rejects.toThrow(/no classification head/);
    // The viewer's call: one record in mV, the mask drawn from a seed as ssl/reconstruct.ts draws it.
    const record = records.subarray(12000, 24000);
    const { mae } = loadMae(dirs.get('mae')!);
    const want = reconstruct(mae, record, { seed: 5 });
    const got = await reconstructRecord(ort, record, { seed: 5 });
    mae.dispose();
    expect(got.mask).toEqual(want.mask);
    expect(got.mask.reduce((a, b) => a + b, 0)).toBe(30); // 75% of 40 patches hidden
    expect(Array.from(got.masked).filter(Number.isNaN).length).toBe(12 * 30 * 25);
    // In mV: the normalised difference times the lead's scale (well under 1 mV here).
    expect(maxDiff(got.reconstruction, want.reconstruction)).toBeLessThan(1e-4);
    await ort.dispose();
    await tfjs.dispose();
  });
});
