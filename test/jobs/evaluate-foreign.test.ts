// The evaluate job on a foreign bundle (jobs/evaluate-foreign.ts): a PyTorch model exported by
// torch.onnx, imported with its card, scored on real records read from their source files. Its
// metrics are per output under the card's names: outputs mapped to our classes against the class
// labels, an unmapped output with a SNOMED-CT code against that code's labels, an output with
// neither listed with "no labels"; thresholds from the card; the record too short for the model
// skipped and listed. AUROCs are checked against the labels in the records' own headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluationResults } from '../../src/main/api/evaluation-results.js';
import { main } from '../../src/main/cli.js';
import { Catalog, finishJob } from '../../src/main/catalog/index.js';
import type { Evaluation, PresentClass } from '../../src/main/experiments/metrics/index.js';
import { runEvaluateJob } from '../../src/main/jobs/evaluate.js';
import { submitJob } from '../../src/main/jobs/index.js';
import { jobCheckpoints } from '../../src/main/jobs/paths.js';
import { inspectConfig } from '../api/model-fixtures.js';
import { CINC } from '../api/fixtures.js';
import { torchMissing } from '../cluster/python.js';
import { cardA, writeForeignModel } from '../ml/foreign-models.js';
import { FOREIGN_RECORDS, TINY_RECORD, foreignWorkspace } from '../ml/foreign-workspace.js';
import { tempDir } from '../temp.js';

interface Result {
  bundle: string;
  foreign: { name: string; columns: { key: string; name: string; class?: string; snomed?: string; labels: string; threshold: number }[]; skipped: { id: number; record: string; reason: string }[]; padded: number };
  thresholds_from: string;
  thresholds: number[];
  evaluation: Evaluation;
  per_center: { center: string; records: number; evaluation: Evaluation | null }[];
  predictions: string;
  report: string;
}

let workspace: string;
let bundle: string;
let id: number;
let result: Result;
const progress: string[] = [];
const log: string[] = [];
const CENTERS = ['CPSC', 'Chapman-Shaoxing', 'Georgia', 'PTB-XL', 'PTB', 'generated'];

beforeAll(async () => {
  if (torchMissing) return;
  const root = tempDir('evaluate-foreign');
  workspace = await foreignWorkspace(root);
  const m = writeForeignModel(root, cardA(), 'a');
  expect(await main(['model', 'import', '--onnx', m.onnx, '--card', m.card, '--workspace', workspace])).toBe(0);
  bundle = join('models', m.parsed.name);
  const params = { config: inspectConfig(), bundle, centers: CENTERS, part: 'all' as const };
  id = submitJob(workspace, 'evaluate', params);
  result = (await runEvaluateJob(params, { workspace, id, signal: new AbortController().signal, progress: (_f, msg) => msg && progress.push(msg), log: (l) => log.push(l) })) as Result;
  // as the job runner leaves it (jobs/runner.ts)
  const catalog = Catalog.open(workspace);
  finishJob(catalog, id, { state: 'done', result });
  catalog.close();
}, 300_000);

/** AUROC by counting pairs (ties half): independent of the metrics module. */
function pairAuroc(labels: number[], scores: number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((l, i) => {
    if (!l) return;
    labels.forEach((m, j) => {
      if (m) return;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

const dxOf = (record: string): string[] => {
  const path = FOREIGN_RECORDS.find((r) => r.endsWith(`/${record}`));
  if (!path) return ['426783006']; // the generated records' header says normal sinus rhythm
  const line = readFileSync(join(CINC, `${path}.hea`), 'utf8').split('\n').find((l) => /^#\s*Dx/.test(l))!;
  return line.replace(/^#\s*Dx:\s*/, '').trim().split(',');
};

describe.skipIf(torchMissing !== null)('evaluate job on a foreign bundle', () => {
  it('scores each output under its card name, by class, by SNOMED-CT code or not at all', () => {
    expect(result.foreign.name).toBe('resnet-a');
    expect(result.foreign.columns.map((c) => [c.key, c.labels, c.threshold])).toEqual([
      ['AFIB', 'class', 0.5],
      ['normal', 'class', 0.4],
      ['myocardial infarction', 'snomed', 0.5],
      ['ST elevation', 'none', 0.5],
    ]);
    expect(result.thresholds_from).toBe('card');
    expect(Object.keys(result.evaluation.per_class)).toEqual(['AFIB', 'normal', 'myocardial infarction']);
    expect(result.foreign.skipped.map((s) => s.record)).toEqual([TINY_RECORD]);
    expect(log.some((l) => l.startsWith(`skipped record ${TINY_RECORD}`))).toBe(true);
    expect(result.evaluation.records).toBe(FOREIGN_RECORDS.length + 1);
    expect(result.evaluation.short_records).toBe(1);
    expect(progress.at(-1)).toMatch(/^scored 18\/18 records \(.*\/s, ETA 0 s\)$/);

    // predictions.csv under the card's names; AUROC against the headers' own #Dx codes
    const [head, ...rows] = readFileSync(result.predictions, 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(head).toEqual(['record', 'patient', 'AFIB', 'normal', 'myocardial infarction', 'ST elevation']);
    const names = new Map(rows.map((r) => [Number(r[0]), r]));
    const catalog = Catalog.open(workspace, { readonly: true });
    const recordName = (rid: number) => catalog.getRecord(rid)!.record;
    expect(names.size).toBe(17);
    for (const [column, code] of [['AFIB', '164889003'], ['normal', '426783006'], ['myocardial infarction', '164865005']] as const) {
      const c = head.indexOf(column);
      const ids = [...names.keys()];
      const labels = ids.map((rid) => (dxOf(recordName(rid)).includes(code) ? 1 : 0));
      const scores = ids.map((rid) => Number(names.get(rid)![c]));
      const got = result.evaluation.per_class[column] as PresentClass;
      expect(got.present, column).toBe(true);
      expect(got.positives, column).toBe(labels.filter(Boolean).length);
      expect(got.auroc, column).toBeCloseTo(pairAuroc(labels, scores), 4);
    }
    catalog.close();
  });

  it('gives per-center metrics and a report and results view with the card names', () => {
    expect(result.per_center.map((c) => [c.center, c.records])).toEqual([
      ['CPSC', 5],
      ['Chapman-Shaoxing', 3],
      ['Georgia', 3],
      ['PTB', 1],
      ['PTB-XL', 4],
      ['generated', 1],
    ].sort((a, b) => CENTERS.indexOf(a[0] as string) - CENTERS.indexOf(b[0] as string)));
    const page = readFileSync(result.report, 'utf8');
    expect(page).toContain('data-class="myocardial infarction"');
    expect(page).toMatch(/the model card(&#39;|')s/);
    expect(page).not.toContain('data-class="ST elevation"');
    const view = evaluationResults(workspace, id);
    expect(view.overall?.perClass.map((c) => c.abbreviation)).toEqual(['AFIB', 'normal', 'myocardial infarction']);
  });

  it("chooses thresholds on the centers' validation split like our bundles' job, the unlabelled output keeping the card's", async () => {
    const params = { config: inspectConfig(), bundle, centers: CENTERS, part: 'all' as const, thresholds: 'from-validation' };
    const r = (await runEvaluateJob(params, { workspace, id, signal: new AbortController().signal, progress: () => {}, log: () => {} })) as Result;
    expect(r.thresholds_from).toBe('validation');
    expect(r.foreign.columns.find((c) => c.key === 'ST elevation')!.threshold).toBe(0.5);
    expect(r.thresholds).toHaveLength(4);
    const bad = { ...params, thresholds: [0.5, 0.5] };
    await expect(runEvaluateJob(bad, { workspace, id, signal: new AbortController().signal, progress: () => {}, log: () => {} })).rejects.toThrow(/2 thresholds given for 4 of the model's outputs/);
  });

  it('stops at a cancel with the records scored so far kept, and a resume gives the same evaluation', async () => {
    const config = inspectConfig();
    const params = { config: { ...config, evaluation: { ...config.evaluation, batchSize: 2 } }, bundle, centers: CENTERS, part: 'all' as const };
    const again = submitJob(workspace, 'evaluate', params);
    const stop = new AbortController();
    const seen: string[] = [];
    const run = runEvaluateJob(params, { workspace, id: again, signal: stop.signal, progress: (_f, msg) => { if (msg) seen.push(msg); if (msg?.startsWith('scored 8/')) stop.abort(); }, log: () => {} });
    await expect(run).rejects.toThrow(/stopped on request/);
    const kept = JSON.parse(readFileSync(join(jobCheckpoints(workspace, again), 'foreign-all.json'), 'utf8')) as { done: number };
    expect(kept.done).toBe(8);
    const resumed: string[] = [];
    const r = (await runEvaluateJob(params, { workspace, id: again, signal: new AbortController().signal, progress: (_f, msg) => msg && resumed.push(msg), log: () => {} })) as Result;
    expect(resumed[0]).toMatch(/^scored 8\/18 records/);
    expect(r.evaluation.per_class).toEqual(result.evaluation.per_class);
    expect(r.foreign.skipped).toEqual(result.foreign.skipped);
  });
});
