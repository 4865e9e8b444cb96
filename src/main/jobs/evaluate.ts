// The evaluate job: score a classifier bundle on this workspace's records, overall and per center.
// Two flows: the centers' test split with thresholds chosen on their validation split (the
// experiments' rule), or, for a hospital site with a model made elsewhere, a local folder imported
// first (the usual adapters, as `center`) and all its records scored at thresholds 0.5 (no local
// validation split exists to choose them on; the bundle's own run thresholds are not known here).
// `openecg evaluate` may also give thresholds (a fixed value or one per class) and an output folder.
// Everything is written to the job's folder (and copied to `out`): see experiments/evaluation-folder.ts.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CLASSES } from '../../shared/classes.js';
import { Catalog } from '../catalog/index.js';
import type { EngineInfo } from '../ml/index.js';
import { ShardStore } from '../signal/store.js';
import { labelColumns, recordRefs, type RecordRef } from '../experiments/data.js';
import { asWritten, type EvaluatedRecord, type EvaluationDocument } from '../experiments/evaluation-folder.js';
import { chooseThresholds } from '../experiments/metrics/index.js';
import { finishEvaluation } from './evaluate-output.js';
import { openClassifier, scoreRecords } from './evaluate-score.js';
import { selectEvaluation, type EvaluationSelection } from './evaluate-select.js';
import { foreignBundleOf, runEvaluateForeignJob } from './evaluate-foreign.js';
import { importForEvaluation } from './evaluate-import.js';
import type { JobContext } from './handlers.js';
import { PARAMS } from './kinds.js';
import { jobCheckpoints } from './paths.js';

export async function runEvaluateJob(rawParams: unknown, ctx: JobContext): Promise<unknown> {
  // A model made elsewhere (ONNX + card) reads records from their source files: evaluate-foreign.ts.
  if (foreignBundleOf(ctx.workspace, (rawParams as { bundle?: unknown } | null)?.bundle)) return runEvaluateForeignJob(rawParams, ctx);
  const p = PARAMS.evaluate.parse(rawParams);
  const importing = p.folder !== undefined;
  if (importing && !(await importForEvaluation(p, ctx))) return { status: 'cancelled' };
  const t0 = performance.now();
  const catalog = Catalog.open(ctx.workspace);
  let sel: EvaluationSelection;
  let val: RecordRef[];
  let test: RecordRef[];
  let listed: EvaluatedRecord[];
  try {
    sel = selectEvaluation(catalog, p);
    val = recordRefs(catalog, sel.val);
    test = recordRefs(catalog, sel.scored);
    listed = describeRecords(catalog, test);
  } finally {
    catalog.close();
  }
  const { centers, part } = sel;
  ctx.log(`scoring ${test.length} records of ${centers.join(', ')} (${part}), thresholds ${sel.thresholds.kind}${val.length ? ` on ${val.length} validation records` : ''}`);
  const base = importing ? 0.4 : 0;
  const store = ShardStore.openReader(join(ctx.workspace, 'store'));
  const tStart = performance.now();
  try {
    const batch = p.config.evaluation.batchSize;
    const total = val.length + test.length;
    const tick = (before: number) => (done: number) => ctx.progress(base + ((1 - base) * (before + done)) / Math.max(1, total), `scored ${before + done}/${total} records`);
    let engine: EngineInfo | null = null;
    const onEngine = (info: EngineInfo) => (engine = info);
    const checkpoint = (name: string) => join(jobCheckpoints(ctx.workspace, ctx.id), `scores-${name}`);
    // One classifier (one engine session) for both parts.
    const classifier = await openClassifier(p.bundle, p.config.inference, p.config.backend);
    let valScores: Float32Array[] | null;
    let scores: Float64Array[];
    try {
      valScores = val.length ? await scoreRecords(classifier, p.bundle, val, store, batch, { signal: ctx.signal, onBatch: tick(0), onEngine, checkpoint: checkpoint('val'), part: 'validation' }) : null;
      scores = asWritten(await scoreRecords(classifier, p.bundle, test, store, batch, { signal: ctx.signal, onBatch: tick(val.length), onEngine, checkpoint: checkpoint(part), part }));
    } finally {
      classifier.dispose();
    }
    const tScored = performance.now();
    const classes = CLASSES.map((c) => c.abbreviation);
    const rule = sel.thresholds;
    if (rule.kind === 'card') throw new Error("thresholds 'card' apply to a foreign model only");
    const thresholds = rule.kind === 'validation' ? chooseThresholds(labelColumns(val), asWritten(valScores!)).map((t) => t.threshold) : rule.kind === 'fixed' ? classes.map(() => rule.value) : [...rule.values];
    const used = engine as EngineInfo | null;
    const engineInfo = used ? { engine: used.engine, provider: used.provider, reason: used.reason, ...(used.threads ? { threads: used.threads } : {}) } : null;
    const manifest = readJsonObject(join(p.bundle, 'bundle.json'));
    return finishEvaluation({
      ctx,
      p,
      bundle: p.bundle,
      manifest,
      model: modelIdentity(p.bundle, manifest),
      engine: engineInfo,
      centers,
      part,
      columns: classes,
      thresholds,
      scores,
      labels: labelColumns(test),
      source: rule.kind === 'validation' ? 'validation' : rule.kind === 'fixed' ? 'fixed' : 'file',
      thresholdsFrom: rule.kind === 'validation' ? 'validation' : rule.kind === 'fixed' ? `fixed-${rule.value}` : 'file',
      thresholdsFile: rule.kind === 'given' ? rule.file : null,
      scored: test,
      listed,
      marks: { t0, tStart, tScored },
      scoredCount: total,
      batch,
    });
  } finally {
    store.close();
  }
}

/** A JSON object file; null (and a note in the report) if unreadable. */
export function readJsonObject(path: string): Record<string, unknown> | null {
  try {
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Name, task and architecture from bundle.json; a foreign model's card (card.json beside it) when there is one. */
export function modelIdentity(bundle: string, manifest: Record<string, unknown> | null): EvaluationDocument['model'] {
  const card = existsSync(join(bundle, 'card.json')) ? readJsonObject(join(bundle, 'card.json')) : null;
  const arch = manifest?.architecture as { name?: unknown } | undefined;
  const cardName = typeof card?.name === 'string' ? card.name : null;
  return { name: cardName ?? basename(resolve(bundle)), task: typeof manifest?.task === 'string' ? manifest.task : null, architecture: typeof arch?.name === 'string' ? arch.name : null, card };
}

/** Center, name and padding of each scored record (records.csv, the per-center split). */
function describeRecords(catalog: Catalog, refs: readonly RecordRef[]): EvaluatedRecord[] {
  const get = catalog.db.prepare('SELECT c.name AS center, r.record AS name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?');
  return refs.map((r) => {
    const row = get.get(r.id) as { center: string; name: string };
    return { id: r.id, patient: r.patient, center: row.center, name: row.name, paddedS: r.paddedS };
  });
}
