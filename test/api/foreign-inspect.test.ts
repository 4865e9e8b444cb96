// Inspection of foreign models through the Workstation API: a model made with PyTorch (torch.onnx,
// 500 Hz x 5000, leads in another order, uV, sigmoid) and one in [batch, samples, leads] layout
// with softmax, imported with their cards. models.list shows them with the card's classes;
// inspect.predict gives the card's outputs under their names (scores equal the batch scorer's),
// the 12 leads at the model's rate, and an occlusion saliency at the model's rate that equals the
// probability drop of re-scoring the occluded input; inspect.errors reviews an evaluate job of it.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { main } from '../../src/main/cli.js';
import { Catalog, finishJob } from '../../src/main/catalog/index.js';
import { runEvaluateJob } from '../../src/main/jobs/evaluate.js';
import { submitJob } from '../../src/main/jobs/index.js';
import { scoreForeign } from '../../src/main/ml/foreign/score.js';
import { openForeignSession } from '../../src/main/ml/foreign/session.js';
import { SourceReader } from '../../src/main/ml/foreign/source.js';
import { prepareModelInput } from '../../src/main/signal/model-input.js';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { torchMissing } from '../cluster/python.js';
import { cardA, cardB, writeForeignModel } from '../ml/foreign-models.js';
import { TINY_RECORD, foreignWorkspace } from '../ml/foreign-workspace.js';
import { tempDir } from '../temp.js';
import { inspectConfig } from './model-fixtures.js';

let workspace: string;
let api: WorkstationApi;
const bundles: string[] = [];

beforeAll(async () => {
  if (torchMissing) return;
  const root = tempDir('foreign-inspect');
  workspace = await foreignWorkspace(root);
  for (const [tag, json] of [['a', cardA()], ['b', cardB()]] as const) {
    const m = writeForeignModel(root, json, tag);
    expect(await main(['model', 'import', '--onnx', m.onnx, '--card', m.card, '--workspace', workspace])).toBe(0);
    bundles.push(join('models', m.parsed.name));
  }
  api = createWorkstationApi({ workspace });
}, 300_000);
afterAll(() => api?.close());

async function idOf(record: string): Promise<number> {
  const catalog = Catalog.open(workspace, { readonly: true });
  try {
    return catalog.db.prepare('SELECT id FROM records WHERE record = ?').pluck().get(record) as number;
  } finally {
    catalog.close();
  }
}

/** The model's input of a record and its direct scores, outside the API. */
async function direct(bundle: string, id: number) {
  const session = await openForeignSession(join(workspace, bundle));
  const catalog = Catalog.open(workspace, { readonly: true });
  const x = prepareModelInput(await new SourceReader(workspace, catalog).read(catalog.getRecord(id)!), session.card.input);
  catalog.close();
  return { session, x };
}

describe.skipIf(torchMissing !== null)('foreign models in the inspection views', () => {
  it('lists foreign bundles with their card classes', async () => {
    const { models } = await api.call('models.list', {});
    const foreign = models.filter((m) => m.foreign);
    // models/ in name order
    expect(foreign.map((m) => [m.path, m.task, m.architecture, m.foreign!.name, m.foreign!.rate, m.foreign!.classes.map((c) => c.abbreviation)])).toEqual([
      [bundles[1], 'classifier', 'onnx', 'nlc-b', 400, ['NSR', 'AF', null, null]],
      [bundles[0], 'classifier', 'onnx', 'resnet-a', 500, ['AF', 'NSR', null, null]],
    ]);
  });

  it('predicts with the card names and labels, the scores of the batch scorer, the leads at the model rate', async () => {
    const id = await idOf('A0003'); // CPSC, atrial fibrillation
    const p = await api.call('inspect.predict', { id, bundle: bundles[0] });
    expect(p.classes.map((c) => [c.abbreviation, c.mapped, c.threshold, c.label])).toEqual([
      ['AFIB', 'AF', 0.5, true],
      ['normal', 'NSR', 0.4, false],
      ['myocardial infarction', null, 0.5, false], // the catalog holds the code (PTB, PTB-XL): known absent here
      ['ST elevation', null, 0.5, null], // no code: unknown
    ]);
    expect(p.thresholdsFrom).toBe('card');
    expect(p.fs).toBe(500);
    expect(p.leads.map((l) => l.samples.length)).toEqual(STANDARD_LEADS.map(() => 5000));
    expect(p.foreign).toMatchObject({ name: 'resnet-a', rate: 500, samples: 5000, paddedSamples: 0 });
    const catalog = Catalog.open(workspace, { readonly: true });
    const batch = await scoreForeign(join(workspace, bundles[0]), catalog, [id]);
    catalog.close();
    p.classes.forEach((c, i) => expect(c.probability).toBeCloseTo(batch.scores[i][0], 6));
    await expect(api.call('inspect.predict', { id: await idOf(TINY_RECORD), bundle: bundles[0] })).rejects.toThrow(/tiny40ms cannot be brought to resnet-a's input: .*zero-phase filter needs at least 28/);
    await expect(api.call('inspect.predict', { id, bundle: bundles[0], saliency: { classIndex: 4 } })).rejects.toThrow(/the model has 4 outputs/);
  });

  it('occlusion saliency at the model rate equals the drop of re-scoring the occluded input (NCL and NLC)', async () => {
    const id = await idOf('JS00001');
    for (const [k, bundle] of bundles.entries()) {
      const cls = 1;
      // window and stride in 100 Hz samples: 100 = 1 s = 500 samples at 500 Hz, 400 at 400 Hz
      const p = await api.call('inspect.predict', { id, bundle, saliency: { classIndex: cls, window: 100, stride: 100, baseline: 0 } });
      const s = p.saliency!;
      const { session, x } = await direct(bundle, id);
      const { rate, samples, leads, layout } = session.card.input;
      expect(s.window).toBe(rate);
      expect(s.forwards).toBe(leads.length * Math.ceil(samples / rate) + 1);
      // lead II, its third window: occlude it in the model's own layout and score again
      const lead = leads.indexOf('II');
      const occluded = Float32Array.from(x.data);
      for (let t = 2 * rate; t < 3 * rate; t++) occluded[layout === 'NCL' ? lead * samples + t : t * leads.length + lead] = 0;
      const base = (await session.run(x.data, 1))[cls];
      const drop = base - (await session.run(occluded, 1))[cls];
      await session.dispose();
      const shown = s.leads[STANDARD_LEADS.indexOf('II')];
      expect(shown[2 * rate + 10], `model ${k}`).toBeCloseTo(drop, 5);
      expect(Math.abs(drop), `model ${k}: the occlusion changes the score`).toBeGreaterThan(1e-7);
      if (k === 1) expect(s.leads[STANDARD_LEADS.indexOf('III')].every((v) => v === 0)).toBe(true); // model B takes no lead III
    }
  });

  it('reviews the errors of an evaluation of a foreign model, per card output', async () => {
    const params = { config: inspectConfig(), bundle: bundles[0], centers: ['CPSC', 'Chapman-Shaoxing', 'Georgia', 'PTB-XL', 'PTB'], part: 'all' as const };
    const job = submitJob(workspace, 'evaluate', params);
    const result = (await runEvaluateJob(params, { workspace, id: job, signal: new AbortController().signal, progress: () => {}, log: () => {} })) as { evaluation: { per_class: Record<string, { positives: number; negatives: number }> } };
    const catalog = Catalog.open(workspace);
    finishJob(catalog, job, { state: 'done', result });
    catalog.close();
    for (const [c, name] of [[0, 'AFIB'], [2, 'myocardial infarction']] as const) {
      const r = await api.call('inspect.errors', { job, classIndex: c });
      expect(r.className).toBe(name);
      const { positives, negatives } = result.evaluation.per_class[name];
      expect(r.counts.tp + r.counts.fn).toBe(positives);
      expect(r.counts.fp + r.counts.tn).toBe(negatives);
      for (const e of r.falsePositives) expect(e.probability).toBeGreaterThanOrEqual(r.threshold);
      for (const e of r.falseNegatives) expect(e.probability).toBeLessThan(r.threshold);
    }
    const none = await api.call('inspect.errors', { job, classIndex: 3 });
    expect(none.note).toMatch(/'ST elevation' has no labels/);
    expect(none.classes).toEqual(['AFIB', 'normal', 'myocardial infarction', 'ST elevation']);
    expect(none.falsePositives.length + none.falseNegatives.length + none.counts.tp + none.counts.tn).toBe(0);
    await expect(api.call('inspect.errors', { job, classIndex: 4 })).rejects.toThrow(/the evaluation has 4 classes/);
    await expect(api.call('inspect.errors', { job, run: 'job-1', step: 'x', classIndex: 0 } as never)).rejects.toThrow();
  });
});
