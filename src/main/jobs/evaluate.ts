// The evaluate job: score a classifier bundle on this workspace's records, overall and per center.
// Two flows: the centers' test split with thresholds chosen on their validation split (the
// experiments' rule), or, for a hospital site with a model made elsewhere, a local folder imported
// first (the usual adapters, as `center`) and all its records scored at thresholds 0.5 (no local
// validation split exists to choose them on; the bundle's own run thresholds are not known here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES } from '../../shared/classes.js';
import { Catalog } from '../catalog/index.js';
import { runImport } from '../import/pipeline.js';
import { chooseBackend, classifyBatches, probabilityColumns, type EngineInfo } from '../ml/index.js';
import { ShardStore } from '../signal/store.js';
import { labelColumns, recordRefs, type RecordRef } from '../experiments/data.js';
import { chooseThresholds, evaluate } from '../experiments/metrics/index.js';
import { predictionsCsv } from '../experiments/predictions-csv.js';
import { writeFileAtomic } from '../experiments/run-folder.js';
import { experimentCenters, labelledCenters, recordsOf, splitOf } from '../experiments/selection.js';
import { renderEvaluationReport } from '../experiments/report/index.js';
import { foreignBundleOf, runEvaluateForeignJob } from './evaluate-foreign.js';
import type { JobContext } from './handlers.js';
import { PARAMS } from './kinds.js';
import { jobDir } from './paths.js';

const FIXED_THRESHOLD = 0.5;

/** Every stored record of the centers, ascending id. */
function allRecords(catalog: Catalog, centers: readonly string[]): number[] {
  if (!centers.length) return [];
  return catalog.db
    .prepare(`SELECT r.id FROM records r JOIN centers c ON c.id = r.center_id WHERE r.shard IS NOT NULL AND c.name IN (${centers.map(() => '?').join(',')}) ORDER BY r.id`)
    .pluck()
    .all(...centers) as number[];
}

export async function runEvaluateJob(rawParams: unknown, ctx: JobContext): Promise<unknown> {
  // A model made elsewhere (ONNX + card) reads records from their source files: evaluate-foreign.ts.
  if (foreignBundleOf(ctx.workspace, (rawParams as { bundle?: unknown } | null)?.bundle)) return runEvaluateForeignJob(rawParams, ctx);
  const p = PARAMS.evaluate.parse(rawParams);
  const importing = p.folder !== undefined;
  if (importing) {
    if (!p.center) throw new Error('an evaluation of a local folder needs the center name its records get');
    ctx.log(`importing ${p.folder} as center ${p.center}`);
    const s = await runImport(
      { folder: p.folder!, workspace: ctx.workspace, dataset: p.dataset, center: p.center, signal: ctx.signal, workers: 0 },
      { progress: (q) => ctx.progress(q.total ? (0.4 * q.done) / q.total : 0, `import ${q.done}/${q.total} records`), phase: (ph, d) => ctx.log(`${ph}: ${d}`), notice: (t) => ctx.log(t) },
    );
    ctx.log(`import ${s.status}: ${s.imported} imported, ${s.skipped} skipped, ${s.failed} failed`);
    if (s.status === 'cancelled' || ctx.signal.aborted) return { status: 'cancelled' };
  }
  const part = p.part ?? (importing ? 'all' : 'test');
  await chooseBackend({ prefer: p.config.backend });
  const catalog = Catalog.open(ctx.workspace);
  let centers: string[];
  let val: RecordRef[] = [];
  let test: RecordRef[];
  try {
    const wanted = importing ? [p.center!] : (p.centers ?? experimentCenters(catalog, p.config));
    centers = labelledCenters(catalog, wanted);
    if (!centers.length) throw new Error(`no labelled records in ${wanted.join(', ')}: nothing to score`);
    if (part === 'all') test = recordRefs(catalog, allRecords(catalog, centers));
    else {
      const split = splitOf(catalog, p.config);
      val = recordRefs(catalog, recordsOf(catalog, split, 'val', centers, p.config.shortRecords));
      test = recordRefs(catalog, recordsOf(catalog, split, 'test', centers));
    }
  } finally {
    catalog.close();
  }
  if (!test.length) throw new Error(`no ${part === 'test' ? 'test-split ' : ''}records in ${centers.join(', ')}`);
  const base = importing ? 0.4 : 0;
  const store = ShardStore.openReader(join(ctx.workspace, 'store'));
  try {
    const batch = p.config.evaluation.batchSize;
    const total = Math.ceil(val.length / batch) + Math.ceil(test.length / batch);
    let done = 0;
    const tick = () => ctx.progress(base + ((1 - base) * ++done) / Math.max(1, total), `scored ${Math.min(done * batch, val.length + test.length)} records`);
    let engine: EngineInfo | null = null;
    const onEngine = (info: EngineInfo) => (engine = info);
    const valScores = val.length ? scoreRecords(p.bundle, val, store, batch, tick, onEngine) : null;
    const scores = scoreRecords(p.bundle, test, store, batch, tick, onEngine);
    const thresholds = valScores ? chooseThresholds(labelColumns(val), valScores).map((t) => t.threshold) : CLASSES.map(() => FIXED_THRESHOLD);
    const classes = CLASSES.map((c) => c.abbreviation);
    const options = { replicates: p.config.evaluation.bootstrap, seed: p.config.seeds[0] };
    const score = (refs: RecordRef[], idx: number[]) =>
      evaluate({ classes, labels: labelColumns(refs), scores: scores.map((s) => Float32Array.from(idx, (i) => s[i])), thresholds, patients: refs.map((r) => String(r.patient)), paddedS: refs.map((r) => r.paddedS) }, options);
    const centerOf = centerMap(ctx.workspace, test);
    const perCenter = centers.map((center) => {
      const idx = test.flatMap((r, i) => (centerOf.get(r.id) === center ? [i] : []));
      return { center, records: idx.length, evaluation: idx.length ? score(idx.map((i) => test[i]), idx) : null };
    });
    const predictions = join(jobDir(ctx.workspace, ctx.id), 'predictions.csv');
    writeFileAtomic(predictions, predictionsCsv(test, scores, classes));
    const evaluation = score(test, test.map((_, i) => i));
    const thresholdsFrom = valScores ? 'validation' : 'fixed-0.5';
    const used = engine as EngineInfo | null;
    const report = join(jobDir(ctx.workspace, ctx.id), 'report.html');
    writeFileAtomic(
      report,
      renderEvaluationReport({
        job: ctx.id,
        bundle: p.bundle,
        manifest: readManifest(p.bundle),
        engine: used ? { engine: used.engine, provider: used.provider, reason: used.reason } : null,
        centers,
        part,
        thresholdsFrom,
        evaluation,
        perCenter,
        classes,
        labels: labelColumns(test),
        scores,
        recordCenters: test.map((r) => centerOf.get(r.id) ?? ''),
        createdAt: new Date().toISOString(),
      }),
    );
    ctx.log(`report ${report}`);
    return {
      bundle: p.bundle,
      centers,
      part,
      thresholds_from: thresholdsFrom,
      thresholds,
      evaluation,
      per_center: perCenter,
      predictions,
      report,
      engine: used ? { engine: used.engine, provider: used.provider, reason: used.reason } : null,
    };
  } finally {
    store.close();
  }
}

/** Probabilities [class][record], as experiments/steps.ts predict() computes them, also telling which engine ran. */
function scoreRecords(bundle: string, refs: readonly RecordRef[], store: ShardStore, batch: number, onBatch: () => void, onEngine: (info: EngineInfo) => void): Float32Array[] {
  const logits = classifyBatches(bundle, refs.length, batch, (from, to) => store.readMany(refs.slice(from, to)), { onBatch, onEngine });
  return probabilityColumns(logits, refs.length, CLASSES.length);
}

/** The bundle's bundle.json for the report's provenance; null (and a note in the report) if unreadable. */
function readManifest(bundle: string): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(readFileSync(join(bundle, 'bundle.json'), 'utf8'));
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function centerMap(workspace: string, refs: readonly RecordRef[]): Map<number, string> {
  const catalog = Catalog.open(workspace, { readonly: true });
  try {
    const get = catalog.db.prepare('SELECT c.name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?').pluck();
    return new Map(refs.map((r) => [r.id, get.get(r.id) as string]));
  } finally {
    catalog.close();
  }
}
