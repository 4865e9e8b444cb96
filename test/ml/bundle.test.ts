// The model bundle: save -> load gives the same logits (classifier) and the same reconstruction
// (MAE); bundle.json carries architecture, preprocessing, classes and provenance; a missing,
// damaged or mismatched bundle is refused with an error that says what is wrong.
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { BundleError, readBundle } from '../../src/main/ml/bundle.js';
import { loadClassifier, loadMae } from '../../src/main/ml/load.js';
import { normalizeBatch } from '../../src/main/ml/normalize.js';
import { reconstruct, type MaeModel } from '../../src/main/ml/ssl/index.js';
import { arraySource, labelledArraySource } from '../../src/main/ml/train/data.js';
import { trainSsl } from '../../src/main/ml/train/ssl.js';
import { trainSupervised } from '../../src/main/ml/train/supervised.js';
import { CLASSES } from '../../src/shared/classes.js';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { tempDir } from '../temp.js';
import { realRecords } from './real-records.js';

let records: Float32Array;
let labels: Float32Array;
let classifierDir: string;
let maeDir: string;
let wantLogits: Float32Array;
let mae: MaeModel;

function expectBundleError(f: () => unknown, kind: BundleError['kind'], message: RegExp): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).kind).toBe(kind);
    expect((err as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a BundleError');
}

function copyBundle(from: string): string {
  const to = tempDir('ml-bundle-copy');
  for (const f of ['bundle.json', 'weights.bin']) writeFileSync(join(to, f), readFileSync(join(from, f)));
  return to;
}

function editJson(dir: string, edit: (j: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(join(dir, 'bundle.json'), JSON.stringify(json));
}

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  ({ data: records, labels } = await realRecords(4));
  const root = tempDir('ml-bundle');
  const run = await trainSupervised(
    { mode: 'finetune', model: 'resnet18_1d', modelOptions: { width: 0.0625, depth: 0.25 }, steps: 3, batchSize: 2, seed: 6, dataSnapshot: 'test-snapshot-1' },
    labelledArraySource(records, labels, 4),
  );
  classifierDir = join(root, 'classifier');
  run.save(classifierDir);
  const x = normalizeBatch(records, 4, 12, 'zscore-per-lead').data;
  wantLogits = tf.tidy(() => run.model.apply(tf.tensor3d(x, [4, 12, 1000]), { training: false }).dataSync() as Float32Array);
  run.model.dispose();
  const pre = await trainSsl({ method: 'mae', modelOptions: { width: 0.0625, depth: 1 / 12 }, steps: 2, batchSize: 2, seed: 8 }, arraySource(records, 4));
  maeDir = join(root, 'mae');
  pre.save(maeDir);
  mae = pre.method as MaeModel;
});

afterAll(() => {
  mae?.dispose();
});

describe('round trip', () => {
  it('a classifier bundle gives the same logits after loading', () => {
    const loaded = loadClassifier(classifierDir);
    const got = loaded.logits(records, 4);
    expect(got.length).toBe(4 * 24);
    got.forEach((v, i) => expect(v).toBeCloseTo(wantLogits[i], 5));
    loaded.dispose();
  });

  it('bundle.json describes the model, its input, the classes and where it came from', () => {
    const { json } = readBundle(classifierDir);
    expect(json.format).toBe('openecg-model-bundle');
    expect(json.version).toBe(1);
    expect(json.task).toBe('classifier');
    expect(json.architecture).toEqual({ name: 'resnet18_1d', options: { leads: 12, samples: 1000, classes: 24, width: 0.0625, depth: 0.25, seed: 6 } });
    expect(json.preprocessing).toEqual({ rate: 100, length: 1000, leads: [...STANDARD_LEADS], units: 'mV', normalisation: 'zscore-per-lead' });
    expect(json.classes.map((c) => c.abbreviation)).toEqual(CLASSES.map((c) => c.abbreviation));
    expect(json.classes[4].snomed).toEqual(['713427006', '59118001']);
    expect(json.provenance.backend).toBe('wasm');
    expect(json.provenance.seed).toBe(6);
    expect(json.provenance.data_snapshot).toBe('test-snapshot-1');
    expect(json.provenance.training).toMatchObject({ mode: 'finetune', steps: 3, batchSize: 2 });
    expect(Date.parse(json.provenance.created_at)).toBeGreaterThan(Date.parse('2024-01-01'));
    expect(json.provenance.code_version.length).toBeGreaterThan(0);
    const total = json.weights.tensors.reduce((s, t) => s + 4 * t.shape.reduce((a, b) => a * b, 1), 0);
    expect(json.weights.byte_length).toBe(total);
    expect(readFileSync(join(classifierDir, 'weights.bin')).length).toBe(total);
    expect(json.training_state).toBeUndefined();
  });

  it('an MAE bundle reconstructs a record exactly as the trained model did', () => {
    const record = records.subarray(12000, 24000);
    const want = reconstruct(mae, record, { seed: 5 });
    const { mae: loaded } = loadMae(maeDir);
    const got = reconstruct(loaded, record, { seed: 5 });
    loaded.dispose();
    expect(got.mask).toEqual(want.mask);
    got.reconstruction.forEach((v, i) => expect(v).toBeCloseTo(want.reconstruction[i], 4));
    // 30 of 40 patches of 25 samples hidden; those are NaN in `masked`, the rest is the record.
    expect(got.mask.length).toBe(40);
    expect(got.mask.reduce((s, v) => s + v, 0)).toBe(30);
    for (let l = 0; l < 12; l++) {
      for (let i = 0; i < 1000; i++) {
        const v = got.masked[l * 1000 + i];
        if (got.mask[Math.floor(i / 25)]) expect(Number.isNaN(v)).toBe(true);
        else expect(v).toBe(record[l * 1000 + i]);
      }
    }
    expect(got.reconstruction.every(Number.isFinite)).toBe(true);
  });
});

describe('refusing bad bundles', () => {
  it('missing folder, missing bundle.json, missing weights', () => {
    expectBundleError(() => readBundle(join(tmpdir(), 'no-such-bundle-xyz')), 'missing', /no model bundle at/);
    const empty = tempDir('ml-empty');
    expectBundleError(() => readBundle(empty), 'missing', /not a model bundle: it has no bundle\.json/);
    const d = copyBundle(classifierDir);
    rmSync(join(d, 'weights.bin'));
    expectBundleError(() => readBundle(d), 'missing', /weights file weights\.bin is missing/);
  });

  it('damaged files: bad JSON, truncated or altered weights', () => {
    const a = copyBundle(classifierDir);
    writeFileSync(join(a, 'bundle.json'), '{"format": "openecg-model-bundle", ');
    expectBundleError(() => readBundle(a), 'corrupt', /not valid JSON/);
    const b = copyBundle(classifierDir);
    truncateSync(join(b, 'weights.bin'), 1000);
    expectBundleError(() => readBundle(b), 'corrupt', /1000 bytes, bundle\.json says/);
    const c = copyBundle(classifierDir);
    const w = readFileSync(join(c, 'weights.bin'));
    w[123] ^= 0xff;
    writeFileSync(join(c, 'weights.bin'), w);
    expectBundleError(() => readBundle(c), 'corrupt', /SHA-256 .* differs/);
  });

  it('invalid or mismatched descriptions', () => {
    const a = copyBundle(classifierDir);
    editJson(a, (j) => delete j.preprocessing);
    expectBundleError(() => readBundle(a), 'invalid', /preprocessing/);
    const b = copyBundle(classifierDir);
    editJson(b, (j) => (j.architecture = { ...(j.architecture as object), name: 'resnet99' }));
    expectBundleError(() => readBundle(b), 'invalid', /architecture\.name/);
    const c = copyBundle(classifierDir);
    editJson(c, (j) => (j.version = 2));
    expectBundleError(() => readBundle(c), 'mismatch', /version 2, this program reads version 1/);
    const d = copyBundle(classifierDir);
    editJson(d, (j) => ((j.architecture as { options: { width: number } }).options.width = 0.125));
    expectBundleError(() => loadClassifier(d), 'mismatch', /does not fit the model: .*bundle \[\d+,\d+,\d+\], model \[\d+,\d+,\d+\]/);
    expectBundleError(() => loadClassifier(maeDir), 'mismatch', /pretrain-mae bundle, not a classifier/);
    expectBundleError(() => loadMae(classifierDir), 'mismatch', /not a pre-training bundle/);
  });
});
