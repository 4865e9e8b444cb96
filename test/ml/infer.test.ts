// Engine choice: ONNX Runtime when it loads, TensorFlow.js when the loader refuses (OPENECG_ORT=off
// reproduces a machine without it), OPENECG_ENGINE over the setting, a forced engine that cannot
// start is an error. Bundles written without ONNX get their graph generated on load or by
// addOnnxToBundle. The synchronous path of predict() gives the same logits on both engines.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { addOnnxToBundle, readBundle, saveBundle } from '../../src/main/ml/bundle.js';
import { classifyBatches, openEngine, parseEnginePreference, probeEngine } from '../../src/main/ml/infer/index.js';
import { normalizeBatch } from '../../src/main/ml/normalize.js';
import { labelledArraySource } from '../../src/main/ml/train/data.js';
import { trainSupervised } from '../../src/main/ml/train/supervised.js';
import { tempDir } from '../temp.js';
import { realRecords } from './real-records.js';

const N = 5;
let records: Float32Array;
let x: Float32Array;
let dir: string;
let oldDir: string;
let oldDir2: string;

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  const real = await realRecords(N);
  records = real.data;
  x = normalizeBatch(records, N, 12, 'zscore-per-lead').data;
  const root = tempDir('ml-infer');
  const run = await trainSupervised({ mode: 'finetune', model: 'resnet18_1d', modelOptions: { width: 0.0625, depth: 0.25 }, steps: 2, batchSize: 2, seed: 4 }, labelledArraySource(records, real.labels, N));
  dir = join(root, 'with-onnx');
  run.save(dir);
  // A bundle as written before ONNX: same weights and bundle.json, no graph.
  const b = readBundle(dir);
  const { format: _f, version: _v, weights: _w, training_state: _t, onnx: _o, ...meta } = b.json;
  oldDir = join(root, 'without-onnx');
  saveBundle(oldDir, meta, b.weights, undefined, { onnx: false });
  oldDir2 = join(root, 'without-onnx-2');
  saveBundle(oldDir2, meta, b.weights, undefined, { onnx: false });
  run.model.dispose();
}, 60_000);

describe('engine choice', () => {
  it('auto takes ONNX Runtime when it loads, on the CPU provider with one thread per core', async () => {
    const e = await openEngine(dir, { env: {} });
    expect(e.info.engine).toBe('ort');
    expect(e.info.provider).toBe('cpu');
    expect(e.info.threads).toBeGreaterThanOrEqual(1);
    expect(e.info.reason).toBe('first engine in order of preference');
    await e.dispose();
  });

  it('falls back to TensorFlow.js when the ONNX Runtime loader refuses, and says why', async () => {
    const e = await openEngine(dir, { env: { OPENECG_ORT: 'off' } });
    expect(e.info.engine).toBe('tfjs');
    expect(e.info.provider).toBe('wasm');
    expect(e.info.reason).toMatch(/ONNX Runtime unavailable \(onnxruntime-node refused: OPENECG_ORT=off\); TensorFlow.js fallback/);
    const want = await (await openEngine(dir, { engine: 'ort', env: {} })).logits(x, N);
    expect(maxDiff(await e.logits(x, N), want)).toBeLessThan(1e-4);
    await e.dispose();
  });

  it('probeEngine tells what a run would use, without a bundle', async () => {
    expect(await probeEngine({ env: {} })).toEqual({ engine: 'ort', provider: 'cpu', reason: 'first engine in order of preference' });
    expect(await probeEngine({ env: { OPENECG_ORT: 'off' } })).toMatchObject({ engine: 'tfjs', provider: 'wasm', reason: expect.stringMatching(/OPENECG_ORT=off/) });
  });

  it('a forced ONNX Runtime that cannot load is an error, not a silent fallback', async () => {
    await expect(openEngine(dir, { engine: 'ort', env: { OPENECG_ORT: 'off' } })).rejects.toThrow(/inference engine 'ort' forced by setting 'ort', but ONNX Runtime failed: onnxruntime-node refused/);
  });

  it('OPENECG_ENGINE wins over the setting', async () => {
    const e = await openEngine(dir, { engine: 'ort', env: { OPENECG_ENGINE: 'tfjs' } });
    expect(e.info).toMatchObject({ engine: 'tfjs', reason: 'forced by OPENECG_ENGINE=tfjs' });
    await e.dispose();
    expect(() => parseEnginePreference('gpu')).toThrow(/unknown inference engine 'gpu'/);
    expect(parseEnginePreference('ORT')).toBe('ort');
  });
});

describe('bundles without ONNX', () => {
  it('get their graph generated on load, then written by addOnnxToBundle', async () => {
    expect(readBundle(oldDir).json.onnx).toBeUndefined();
    expect(existsSync(join(oldDir, 'model.onnx'))).toBe(false);
    const generated = await openEngine(oldDir, { engine: 'ort', env: {} });
    expect(generated.info.graph).toBe('generated');
    const want = await (await openEngine(dir, { engine: 'ort', env: {} })).logits(x, N);
    expect(maxDiff(await generated.logits(x, N), want)).toBe(0);
    await generated.dispose();

    const onnx = addOnnxToBundle(oldDir);
    expect(onnx?.graphs.map((g) => g.file)).toEqual(['model.onnx']);
    expect(readBundle(oldDir).json.onnx?.graphs[0].sha256).toBe(readBundle(dir).json.onnx?.graphs[0].sha256);
    const stored = await openEngine(oldDir, { engine: 'ort', env: {} });
    expect(stored.info.graph).toBe('bundle');
    await stored.dispose();
  });
});

describe('openecg bundle onnx', () => {
  it('writes the graph into a bundle without one, and leaves one that has it alone', async () => {
    const { bundleCommand } = await import('../../src/main/cli/bundle.js');
    const write = process.stdout.write;
    const lines: string[] = [];
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      expect(await bundleCommand.run(['onnx', oldDir2, '--json'])).toBe(0);
      expect(await bundleCommand.run(['onnx', oldDir2, '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const [first, second] = lines.map((l) => JSON.parse(l) as { written: boolean; onnx: { graphs: { file: string; sha256: string }[] } });
    expect(first.written).toBe(true);
    expect(second.written).toBe(false);
    expect(first.onnx.graphs[0].file).toBe('model.onnx');
    expect(readBundle(oldDir2).json.onnx?.graphs[0].sha256).toBe(first.onnx.graphs[0].sha256);
    await expect(bundleCommand.run(['frobnicate'])).rejects.toThrow(/expected a subcommand \(onnx, import, export\)/);
  });
});

describe('synchronous batched classification (predict)', () => {
  const read = (from: number, to: number) => records.slice(from * 12000, to * 12000);

  it('gives the same logits on ONNX Runtime (worker thread) and TensorFlow.js, over uneven batches', () => {
    const engines: string[] = [];
    const ort = classifyBatches(dir, N, 2, read, { engine: 'ort', env: {}, onEngine: (i) => engines.push(`${i.engine}/${i.provider}`) });
    const tfjs = classifyBatches(dir, N, 2, read, { engine: 'tfjs', env: {}, onEngine: (i) => engines.push(`${i.engine}/${i.provider}`) });
    expect(engines).toEqual(['ort/cpu', 'tfjs/wasm']);
    expect(ort.length).toBe(N * 24);
    expect(maxDiff(ort, tfjs)).toBeLessThan(1e-4);
    expect(Math.abs(ort[0] - ort[24])).toBeGreaterThan(1e-4);
  });

  it('falls back to TensorFlow.js in this thread when the worker cannot load ONNX Runtime', () => {
    let reason = '';
    const got = classifyBatches(dir, N, 3, read, { env: { OPENECG_ORT: 'off' }, onEngine: (i) => (reason = `${i.engine}: ${i.reason}`) });
    expect(reason).toMatch(/^tfjs: ONNX Runtime unavailable \(inference engine|^tfjs: ONNX Runtime unavailable \(onnxruntime-node refused/);
    expect(got.length).toBe(N * 24);
  });
});
