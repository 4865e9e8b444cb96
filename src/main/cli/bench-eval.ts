// `openecg bench eval --workspace W [--bundle B | --model M] [--engine auto|ort|tfjs] [--batch B] [--records N] [--json]`:
// evaluation throughput end to end, as an evaluation job does it (records streamed from the
// canonical store in batches through predict(), the next batch read while the engine computes,
// then thresholds and metrics), beside the bare inference rate of the same engine and batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import { labelColumns, recordRefs } from '../experiments/data.js';
import { chooseThresholds, evaluate } from '../experiments/metrics/index.js';
import { predict } from '../experiments/steps.js';
import { chooseBackend } from '../ml/backend.js';
import { runBench, saveBenchClassifier } from '../ml/bench.js';
import { readBundle } from '../ml/bundle.js';
import type { EngineInfo } from '../ml/infer/engine.js';
import { openSyncClassifier } from '../ml/infer/sync.js';
import { parseEnginePreference } from '../ml/infer/open.js';
import { isModelName, type ModelName } from '../ml/models/index.js';
import { ShardStore } from '../signal/store.js';
import { CLASSES } from '../../shared/classes.js';
import { intOption, parseCommandArgs, printJson, UsageError } from './command.js';

export const BENCH_EVAL_USAGE = `usage: openecg bench eval --workspace <dir> [--bundle <classifier bundle> | --model resnet18_1d|resnet50_1d|vit_1d]
                         [--engine auto|ort|tfjs] [--batch B] [--records N] [--steps N] [--json]`;

export async function runBenchEval(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { workspace: { type: 'string' }, bundle: { type: 'string' }, model: { type: 'string' }, engine: { type: 'string' }, batch: { type: 'string' }, records: { type: 'string' }, steps: { type: 'string' }, json: { type: 'boolean' } },
    false,
  );
  if (!values.workspace) throw new UsageError(`--workspace is required\n${BENCH_EVAL_USAGE}`);
  let engine;
  try {
    engine = parseEnginePreference(values.engine) ?? 'auto';
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const model = values.model ?? 'resnet18_1d';
  if (!isModelName(model)) throw new UsageError(`unknown model '${model}'`);
  const batch = intOption(values.batch, 'batch', 32)!;
  await chooseBackend({ prefer: 'auto' });
  const tmp = values.bundle ? undefined : mkdtempSync(join(tmpdir(), 'openecg-bench-eval-'));
  const bundle = values.bundle ?? join(tmp!, 'classifier');
  try {
    if (tmp) saveBenchClassifier(bundle, model as ModelName);
    const arch = readBundle(bundle).json.architecture;
    const catalog = Catalog.open(values.workspace, { readonly: true });
    let refs;
    try {
      const ids = catalog.db.prepare('SELECT id FROM records WHERE shard IS NOT NULL ORDER BY id').pluck().all() as number[];
      refs = recordRefs(catalog, ids.slice(0, intOption(values.records, 'records') ?? ids.length));
    } finally {
      catalog.close();
    }
    const store = ShardStore.openReader(join(values.workspace, 'store'));
    let info: EngineInfo | undefined;
    const steps = intOption(values.steps, 'steps', 5);
    // The bare rate is timed before and after the end-to-end pass and averaged, so a machine
    // whose load changes during the run does not tilt the ratio.
    const bareRun = (engineName: EngineInfo['engine']) => runBench({ mode: 'infer', model: arch.name, batch, steps, engine: engineName, width: arch.options.width, depth: arch.options.depth });
    const bare: Awaited<ReturnType<typeof bareRun>>[] = [];
    let e2e;
    try {
      // Which engine predict() gets: the same resolution, reported.
      const probe = openSyncClassifier(bundle, { engine });
      info = probe.info;
      probe.dispose();
      bare.push(await bareRun(info.engine));
      const t0 = performance.now();
      const scores = predict(bundle, refs, store, batch, undefined, info.engine);
      const tInfer = performance.now();
      const labels = labelColumns(refs);
      const thresholds = chooseThresholds(labels, scores).map((t) => t.threshold);
      const result = evaluate({ classes: CLASSES.map((c) => c.abbreviation), labels, scores, thresholds, patients: refs.map((r) => String(r.patient)) }, { replicates: 0 });
      const total = performance.now() - t0;
      e2e = { records: refs.length, total_ms: Math.round(total), predict_ms: Math.round(tInfer - t0), metrics_ms: Math.round(total - (tInfer - t0)), records_per_s: Math.round((refs.length / total) * 1e4) / 10, macro_auroc: result.macro_auroc };
    } finally {
      store.close();
    }
    bare.push(await bareRun(info.engine));
    const bareMs = (bare[0].msPerStep + bare[1].msPerStep) / 2;
    const bareRate = Math.round((batch / bareMs) * 10000) / 10;
    const ratio = Math.round((e2e.records_per_s / bareRate) * 1000) / 1000;
    const out = { model: arch.name, batch, engine: info.engine, provider: info.provider, reason: info.reason, end_to_end: e2e, bare_records_per_s: bareRate, bare_ms_per_batch: Math.round(bareMs * 10) / 10, bare_ms_before_after: bare.map((b) => b.msPerStep), ratio, target: 0.8, meets_target: ratio >= 0.8 };
    if (values.json) printJson(out);
    else process.stdout.write(`${arch.name} on ${info.engine} (${info.provider}), batch ${batch}: ${e2e.records} records end to end in ${(e2e.total_ms / 1000).toFixed(1)} s = ${e2e.records_per_s} records/s; bare inference ${bareRate} records/s; ratio ${ratio} (target >= 0.8)\n`);
    return 0;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
