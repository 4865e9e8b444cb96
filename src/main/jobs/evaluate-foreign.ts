// The evaluate job for a foreign bundle (an ONNX model with its card, `openecg model import`): the
// same params, record selection (evaluate-select.ts) and evaluation folder (evaluate-output.ts) as
// jobs/evaluate.ts, but the records are read from their source files at the model's rate and length
// (ml/foreign/score.ts, resumable in evaluate-foreign-score.ts) and the columns are the OUTPUTS of
// the model, under the card's names:
// - an output mapped to one of our 24 classes is scored against the catalog's class labels;
// - an unmapped output with a SNOMED-CT code is scored against the records' labels with that code,
//   where the catalog holds that code at all (else the records are not known to lack it);
// - any other output is predicted (predictions.csv) but not scored ("no labels").
// Thresholds: the card's, else 0.5 (default); from the centers' validation split, a fixed value, or
// a file with one per output when asked. Records the model cannot be fed are skipped, counted and
// listed in the result, the log and records.csv with the reason.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mapCardClasses } from '../../shared/model-card.js';
import { CLASSES } from '../../shared/classes.js';
import { Catalog } from '../catalog/index.js';
import { recordRefs, labelColumns, type RecordRef } from '../experiments/data.js';
import { asWritten, type EvaluatedRecord } from '../experiments/evaluation-folder.js';
import { chooseThresholds } from '../experiments/metrics/index.js';
import { isForeignBundle, readForeignBundle } from '../ml/foreign/bundle.js';
import { foreignColumns, type ForeignColumn, type ForeignScores } from '../ml/foreign/score.js';
import { openForeignSession } from '../ml/foreign/session.js';
import { SourceReader } from '../ml/foreign/source.js';
import { scoreForeignResumable } from './evaluate-foreign-score.js';
import { finishEvaluation } from './evaluate-output.js';
import { FIXED_THRESHOLD, selectEvaluation, type ForeignOutputs } from './evaluate-select.js';
import { importForEvaluation } from './evaluate-import.js';
import type { JobContext } from './handlers.js';
import { PARAMS } from './kinds.js';
import { jobCheckpoints } from './paths.js';

/** The foreign bundle folder an evaluate job names (as given, or relative to the workspace), or null for ours. */
export function foreignBundleOf(workspace: string, bundle: unknown): string | null {
  if (typeof bundle !== 'string' || bundle === '') return null;
  for (const dir of [bundle, resolve(workspace, bundle)]) if (existsSync(join(dir, 'bundle.json')) && isForeignBundle(dir)) return dir;
  return null;
}

/** How an output is scored: against a class, a SNOMED-CT code's labels, or not at all. */
export interface ForeignColumnResult extends ForeignColumn {
  /** The name its metrics are listed under (the card's, made unique). */
  readonly key: string;
  readonly labels: 'class' | 'snomed' | 'none';
  readonly threshold: number;
}

/** The outputs' names as columns: CSV-safe (no comma, quote or line break) and unique. */
function uniqueKeys(columns: readonly ForeignColumn[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const name = c.name.replace(/[,"\r\n]+/g, ' ').trim() || `output ${c.output}`;
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  });
}

/** A foreign model's outputs as the selection and a thresholds file need them (column names, label codes). */
export function foreignOutputsOf(bundleDir: string): ForeignOutputs {
  const mapping = mapCardClasses(readForeignBundle(bundleDir).card);
  return { keys: uniqueKeys(foreignColumns(mapping)), codes: mapping.flatMap((m) => (m.classIndex !== null ? CLASSES[m.classIndex].snomed : m.snomed !== null ? [m.snomed] : [])) };
}

/** [column][record] 0/1 for the columns that have labels, by class bit or by SNOMED-CT code. */
function columnLabels(catalog: Catalog, columns: readonly ForeignColumn[], refs: readonly RecordRef[]): (Uint8Array | null)[] {
  const byClass = labelColumns(refs);
  const known = catalog.db.prepare('SELECT 1 FROM labels WHERE code = ? LIMIT 1').pluck();
  const has = catalog.db.prepare('SELECT 1 FROM labels WHERE record_id = ? AND code = ?').pluck();
  return columns.map((c) => {
    if (c.classIndex !== undefined) return byClass[c.classIndex];
    if (c.snomed !== undefined && known.get(c.snomed) !== undefined) return Uint8Array.from(refs, (r) => (has.get(r.id, c.snomed) !== undefined ? 1 : 0));
    return null;
  });
}

export async function runEvaluateForeignJob(rawParams: unknown, ctx: JobContext): Promise<unknown> {
  const p = PARAMS.evaluate.parse(rawParams);
  const bundleDir = foreignBundleOf(ctx.workspace, p.bundle);
  if (!bundleDir) throw new Error(`${p.bundle} is not a foreign model bundle`);
  const bundle = readForeignBundle(bundleDir);
  const outputs = foreignOutputsOf(bundleDir);
  const importing = p.folder !== undefined;
  if (importing && !(await importForEvaluation(p, ctx))) return { status: 'cancelled' };
  const t0 = performance.now();
  const catalog = Catalog.open(ctx.workspace);
  const session = await openForeignSession(bundleDir);
  try {
    const sel = selectEvaluation(catalog, p, outputs);
    const { centers, part } = sel;
    const rule = sel.thresholds;
    const val = recordRefs(catalog, sel.val);
    const test = recordRefs(catalog, sel.scored);
    const { card } = bundle;
    ctx.log(`foreign model ${card.name} ${card.version}: ${card.input.leads.length} leads x ${card.input.samples} samples at ${card.input.rate} Hz; engine ${session.info.engine} (${session.info.provider})`);
    ctx.log(`scoring ${test.length} records of ${centers.join(', ')} (${part}), thresholds ${rule.kind}${val.length ? ` on ${val.length} validation records` : ''}`);
    const base = importing ? 0.4 : 0;
    const total = val.length + test.length;
    const batch = p.config.evaluation.batchSize;
    const source = new SourceReader(ctx.workspace, catalog);
    const tStart = performance.now();
    const score = async (refs: RecordRef[], offset: number, name: string): Promise<ForeignScores> =>
      scoreForeignResumable(bundleDir, catalog, refs.map((r) => r.id), {
        batch,
        session,
        source,
        signal: ctx.signal,
        part: name,
        checkpoint: join(jobCheckpoints(ctx.workspace, ctx.id), `foreign-${name}`),
        onBatch: (done) => {
          const all = offset + done;
          const rate = done / Math.max(1e-3, (performance.now() - tStart) / 1000);
          ctx.progress(base + ((1 - base) * all) / total, `scored ${all}/${total} records (${rate.toFixed(1)}/s, ETA ${Math.round((total - all) / Math.max(rate, 1e-6))} s)`);
        },
      });
    const valScores = val.length ? await score(val, 0, 'validation') : null;
    const scores = await score(test, val.length, part);
    const tScored = performance.now();
    const skipped = [...(valScores?.skipped ?? []), ...scores.skipped];
    for (const s of skipped) ctx.log(`skipped record ${s.record} (id ${s.id}): ${s.reason}`);
    const byId = new Map(test.map((r) => [r.id, r]));
    const scored = scores.ids.map((id) => byId.get(id)!);
    if (!scored.length) throw new Error(`none of the ${test.length} records could be brought to the model's input (${skipped[0]?.reason ?? 'no reason'})`);
    const keys = outputs.keys;
    const labels = columnLabels(catalog, scores.columns, scored);
    const cardAt = (c: number) => card.output.thresholds?.[c] ?? FIXED_THRESHOLD;
    let thresholds = scores.columns.map((_, c) => (rule.kind === 'fixed' ? rule.value : rule.kind === 'given' ? rule.values[c] : cardAt(c)));
    if (valScores) {
      const vById = new Map(val.map((r) => [r.id, r]));
      const vRefs = valScores.ids.map((id) => vById.get(id)!);
      const vLabels = columnLabels(catalog, valScores.columns, vRefs);
      const chosen = chooseThresholds(vLabels.map((l) => l ?? new Uint8Array(vRefs.length)), asWritten(valScores.scores)).map((t) => t.threshold);
      thresholds = thresholds.map((t, c) => (vLabels[c] ? chosen[c] : t));
    }
    const onCard = rule.kind === 'card' && card.output.thresholds !== undefined;
    const source_ = rule.kind === 'validation' ? 'validation' : rule.kind === 'given' ? 'file' : onCard ? 'card' : 'fixed';
    const fixedValue = rule.kind === 'fixed' ? rule.value : FIXED_THRESHOLD;
    const thresholdsFrom = source_ === 'fixed' ? `fixed-${fixedValue}` : source_;
    const columns = scores.columns.map((c, i) => ({ ...c, key: keys[i], labels: labels[i] === null ? ('none' as const) : c.classIndex !== undefined ? ('class' as const) : ('snomed' as const), threshold: thresholds[i] }));
    const listed = describeScored(catalog, scored, scores.paddedS);
    const skippedRows = describeSkipped(catalog, scores.skipped);
    const manifest = manifestOf(bundleDir);
    const engine = { engine: session.info.engine, provider: session.info.provider, reason: session.info.reason };
    const result = finishEvaluation({
      ctx,
      p,
      bundle: bundleDir,
      manifest,
      model: { name: card.name, task: 'classifier (foreign model)', architecture: 'ONNX graph with a model card', card: (manifest?.card as Record<string, unknown> | undefined) ?? null },
      engine,
      centers,
      part,
      columns: keys,
      thresholds,
      scores: asWritten(scores.scores),
      labels,
      source: source_,
      thresholdsFrom,
      thresholdsFile: rule.kind === 'given' ? rule.file : null,
      scored,
      listed,
      skipped: skippedRows,
      marks: { t0, tStart, tScored },
      scoredCount: total,
      batch,
    });
    ctx.log(`${scored.length} records scored, ${skipped.length} skipped`);
    return {
      ...result,
      foreign: {
        name: card.name,
        version: card.version,
        input: { rate: card.input.rate, samples: card.input.samples, leads: card.input.leads, layout: card.input.layout, units: card.input.units },
        activation: card.output.activation,
        columns,
        skipped,
        padded: scores.paddedS.filter((s) => s > 0).length,
      },
    };
  } finally {
    await session.dispose();
    catalog.close();
  }
}

/** Center, name and the model input's zero padding of each scored record. */
function describeScored(catalog: Catalog, refs: readonly RecordRef[], paddedS: readonly number[]): EvaluatedRecord[] {
  const get = catalog.db.prepare('SELECT c.name AS center, r.record AS name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?');
  return refs.map((r, i) => {
    const row = get.get(r.id) as { center: string; name: string };
    return { id: r.id, patient: r.patient, center: row.center, name: row.name, paddedS: paddedS[i] };
  });
}

/** The records the model could not be fed, with the reason, for records.csv. */
function describeSkipped(catalog: Catalog, skipped: ForeignScores['skipped']): EvaluatedRecord[] {
  const get = catalog.db.prepare('SELECT c.name AS center, r.record AS name, r.patient_id AS patient FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id = ?');
  return skipped.map((s) => {
    const row = get.get(s.id) as { center: string; name: string; patient: number | null } | undefined;
    return { id: s.id, patient: row?.patient ?? '', center: row?.center ?? '', name: row?.name ?? s.record, paddedS: 0, skipped: s.reason };
  });
}

/** bundle.json with the card, shaped for the report's provenance table. */
function manifestOf(dir: string): Record<string, unknown> | null {
  try {
    const json = JSON.parse(readFileSync(join(dir, 'bundle.json'), 'utf8')) as Record<string, unknown> & { imported?: { created_at?: string; code_version?: string } };
    const card: unknown = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
    return { ...json, task: 'classifier (foreign model)', architecture: { name: 'ONNX graph with a model card' }, provenance: { created_at: json.imported?.created_at, code_version: json.imported?.code_version }, card };
  } catch {
    return null;
  }
}
