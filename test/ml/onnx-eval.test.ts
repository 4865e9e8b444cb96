// An evaluation on a small demo workspace (records streamed from the canonical store through the
// experiments' predict(), thresholds from validation, metrics on test) gives the same metrics on
// ONNX Runtime and TensorFlow.js to 1e-4.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { labelColumns, labelledStoreSource, recordRefs, type RecordRef } from '../../src/main/experiments/data.js';
import { chooseThresholds, evaluate, type Evaluation } from '../../src/main/experiments/metrics/index.js';
import { predict } from '../../src/main/experiments/steps.js';
import { chooseBackend } from '../../src/main/ml/backend.js';
import { readBundle } from '../../src/main/ml/bundle.js';
import { trainSupervised } from '../../src/main/ml/train/supervised.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { makeDemoWorkspace } from '../../src/main/workspace/demo.js';
import { CLASSES } from '../../src/shared/classes.js';
import { tempDir } from '../temp.js';

let store: ShardStore;
let bundle: string;
let train: RecordRef[];
let val: RecordRef[];
let test: RecordRef[];

beforeAll(async () => {
  await chooseBackend({ prefer: 'wasm', env: {} });
  const ws = tempDir('ml-onnx-eval');
  await makeDemoWorkspace({ workspace: ws, records: 120, workers: 0 });
  const catalog = Catalog.open(ws, { readonly: true });
  let refs: RecordRef[];
  try {
    const ids = catalog.db.prepare('SELECT id FROM records WHERE shard IS NOT NULL ORDER BY id').pluck().all() as number[];
    refs = recordRefs(catalog, ids);
  } finally {
    catalog.close();
  }
  train = refs.filter((_, i) => i % 3 === 0);
  val = refs.filter((_, i) => i % 3 === 1);
  test = refs.filter((_, i) => i % 3 === 2);
  store = ShardStore.openReader(join(ws, 'store'));
  const run = await trainSupervised({ mode: 'finetune', model: 'resnet18_1d', modelOptions: { width: 0.0625, depth: 0.25 }, steps: 3, batchSize: 8, seed: 5 }, labelledStoreSource(store, train, 5));
  bundle = join(ws, 'classifier');
  run.save(bundle);
  run.model.dispose();
}, 120_000);

function evaluation(engine: 'ort' | 'tfjs'): { scores: Float32Array[]; result: Evaluation; batches: number } {
  let batches = 0;
  const valScores = predict(bundle, val, store, 16, () => batches++, engine);
  const scores = predict(bundle, test, store, 16, () => batches++, engine);
  const thresholds = chooseThresholds(labelColumns(val), valScores).map((t) => t.threshold);
  const result = evaluate({ classes: CLASSES.map((c) => c.abbreviation), labels: labelColumns(test), scores, thresholds, patients: test.map((r) => String(r.patient)) }, { replicates: 20, seed: 1 });
  return { scores, result, batches };
}

describe('evaluation on both engines', () => {
  it('the bundle carries its ONNX graph', () => {
    expect(readBundle(bundle).json.onnx?.graphs[0].file).toBe('model.onnx');
  });

  it('gives the same probabilities and metrics to 1e-4', () => {
    const ort = evaluation('ort');
    const tfjs = evaluation('tfjs');
    expect(ort.batches).toBe(Math.ceil(val.length / 16) + Math.ceil(test.length / 16));
    let diff = 0;
    ort.scores.forEach((s, c) => s.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - tfjs.scores[c][i])))));
    expect(diff).toBeLessThan(1e-4);
    const a = ort.result;
    const b = tfjs.result;
    expect(a.classes_averaged).toBeGreaterThan(0);
    expect(a.classes_averaged).toBe(b.classes_averaged);
    for (const key of ['macro_auroc', 'macro_auprc', 'macro_f1', 'challenge_metric'] as const) {
      const x = a[key];
      const y = b[key];
      if (x === null || y === null) {
        expect(x).toBe(y);
        continue;
      }
      expect(Math.abs(x - y)).toBeLessThan(1e-4);
    }
    expect(a.macro_auroc).not.toBeNull();
  });
});
