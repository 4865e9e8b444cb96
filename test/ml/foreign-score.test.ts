// Foreign models on catalog records (src/main/ml/foreign/score.ts): two networks made with PyTorch
// and exported by torch.onnx (500 Hz x 5000, leads in another order, uV, sigmoid, classes partly
// mapped; 400 Hz x 4096, [batch, samples, leads], softmax) are imported with their cards by the CLI
// and run on real records of a workspace read again from their source files. Their scores equal
// PyTorch's on the same records brought to the same spec (tolerance 1e-5 absolute); a record too
// short for the zero-phase filter is skipped with its reason, a short one is padded and said so.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/main/cli.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { scoreForeign } from '../../src/main/ml/foreign/score.js';
import { SourceReader } from '../../src/main/ml/foreign/source.js';
import { canonicalize } from '../../src/main/signal/canonical.js';
import { prepareModelInput } from '../../src/main/signal/model-input.js';
import { ShardStore } from '../../src/main/signal/store.js';
import type { ModelCard } from '../../src/shared/model-card.js';
import { torchMissing } from '../cluster/python.js';
import { tempDir } from '../temp.js';
import { cardA, cardB, torchScores, writeForeignModel, type NetSpec } from './foreign-models.js';
import { FOREIGN_RECORDS, SHORT_RECORD, TINY_RECORD, foreignWorkspace } from './foreign-workspace.js';

let root: string;
let workspace: string;
let catalog: Catalog;
const models: { bundle: string; card: ModelCard; net: NetSpec }[] = [];

beforeAll(async () => {
  if (torchMissing) return;
  root = tempDir('foreign-score');
  workspace = await foreignWorkspace(root);
  for (const [tag, json] of [['a', cardA()], ['b', cardB()]] as const) {
    const m = writeForeignModel(root, json, tag);
    const status = await main(['model', 'import', '--onnx', m.onnx, '--card', m.card, '--workspace', workspace]);
    expect(status).toBe(0);
    models.push({ bundle: join(workspace, 'models', m.parsed.name), card: m.parsed, net: m.net });
  }
  catalog = Catalog.open(workspace, { readonly: true });
}, 300_000);
afterAll(() => catalog?.close());

const allIds = () => catalog.db.prepare('SELECT id FROM records ORDER BY id').pluck().all() as number[];
const idOf = (record: string) => catalog.db.prepare('SELECT id FROM records WHERE record = ?').pluck().get(record) as number;

describe.skipIf(torchMissing !== null)('foreign models on catalog records', () => {
  it('reads each record from its source as its import did (gains corrected, same window)', async () => {
    const source = new SourceReader(workspace, catalog);
    const store = ShardStore.openReader(join(workspace, 'store'));
    try {
      for (const id of allIds()) {
        const d = catalog.getRecord(id)!;
        const row = store.read(d.shard!, d.offset!);
        const again = canonicalize(await source.read(d), { rate: 100, length: 1000 }).data;
        let worst = 0;
        row.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - again[i]))));
        // the store keeps int16 at 1 uV: the difference is its rounding
        expect(worst, d.record).toBeLessThan(0.002);
      }
    } finally {
      store.close();
    }
  });

  it('gives PyTorch scores in the card order, padding short records and skipping what cannot be fed', async () => {
    const ids = allIds();
    expect(ids).toHaveLength(FOREIGN_RECORDS.length + 2);
    const source = new SourceReader(workspace, catalog);
    for (const { bundle, card, net } of models) {
      const batches: number[] = [];
      const r = await scoreForeign(bundle, catalog, ids, { batch: 5, onBatch: (done, total) => batches.push(done / total) });
      expect(batches.at(-1)).toBe(1);
      expect(batches).toHaveLength(Math.ceil(ids.length / 5));
      expect(r.engine.engine).toBe('ort');
      // the tiny record cannot be zero-phase filtered (model A); model B's causal filter takes it
      const tiny = idOf(TINY_RECORD);
      if (card.input.filter?.zeroPhase) {
        expect(r.skipped).toEqual([{ id: tiny, record: TINY_RECORD, reason: expect.stringMatching(/gives 20 samples at 500 Hz; the model's zero-phase filter needs at least 28$/) }]);
      } else expect(r.skipped).toEqual([]);
      expect(r.ids).toEqual(ids.filter((id) => !r.skipped.some((s) => s.id === id)));
      const short = r.ids.indexOf(idOf(SHORT_RECORD));
      expect(r.paddedS[short]).toBeCloseTo(card.input.samples / card.input.rate - 3, 6);
      // every record shorter than the model's input is padded (model B's 10.24 s pads the 10 s records too)
      const seconds = card.input.samples / card.input.rate;
      const duration = catalog.db.prepare('SELECT duration_s FROM records WHERE id = ?').pluck();
      r.ids.forEach((id, i) => expect(r.paddedS[i], String(id)).toBeCloseTo(Math.max(0, seconds - (duration.get(id) as number)), 6));
      expect(r.paddedS.filter((p) => p > 0).length).toBeGreaterThanOrEqual(1);
      // PyTorch on the same records brought to the same spec
      const inputs = [];
      for (const id of r.ids) inputs.push(prepareModelInput(await source.read(catalog.getRecord(id)!), card.input).data);
      const per = inputs[0].length;
      const x = new Float32Array(per * inputs.length);
      inputs.forEach((d, i) => x.set(d, i * per));
      const ref = torchScores(root, net, x, inputs.length);
      let worst = 0;
      r.ids.forEach((_, i) => r.scores.forEach((col, c) => (worst = Math.max(worst, Math.abs(col[i] - ref[i * net.classes + c])))));
      expect(worst).toBeLessThanOrEqual(1e-5);
      const spread = Math.max(...r.scores.map((col) => Math.max(...col) - Math.min(...col)));
      expect(spread, 'scores differ between records').toBeGreaterThan(1e-3);
      if (card.output.activation === 'softmax') r.ids.forEach((_, i) => expect(r.scores.reduce((s, col) => s + col[i], 0)).toBeCloseTo(1, 5));
      console.log(`foreign ${card.name} (${card.input.layout}, ${card.input.rate} Hz x ${card.input.samples}): ${r.ids.length} records, ${r.skipped.length} skipped; ONNX Runtime vs PyTorch worst ${worst.toExponential(2)}`);
    }
    expect((await scoreForeign(models[0].bundle, catalog, [])).ids).toEqual([]);
  });

  it('names the columns by the card, mapped to our classes where the card says', async () => {
    const r = await scoreForeign(models[0].bundle, catalog, [idOf('A0001')]);
    expect(r.columns).toEqual([
      { output: 0, name: 'AFIB', class: 'AF', classIndex: 1, snomed: '164889003' },
      { output: 1, name: 'normal', class: 'NSR', classIndex: 20, snomed: '426783006' },
      { output: 2, name: 'myocardial infarction', snomed: '164865005' },
      { output: 3, name: 'ST elevation' },
    ]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(scoreForeign(models[0].bundle, catalog, allIds(), { signal: aborted.signal })).rejects.toThrow();
  });
});
