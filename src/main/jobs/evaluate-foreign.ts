// The evaluate job for a foreign bundle (an ONNX model with its card, `openecg model import`): the
// same record selection as jobs/evaluate.ts (a local folder imported first, or the centers' test
// split, or all their records), but the records are read from their source files at the model's
// rate and length (ml/foreign/score.ts) and the metrics are per OUTPUT of the model, under the
// card's class names:
// - an output mapped to one of our 24 classes is scored against the catalog's class labels;
// - an unmapped output with a SNOMED-CT code is scored against the records' labels with that code,
//   where the catalog holds that code at all (else the records are not known to lack it);
// - any other output is listed under its name with "no labels".
// Thresholds: the card's, else 0.5; from the centers' validation split when asked.
// Records the model cannot be fed are skipped, counted and listed in the result and the log.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { Catalog } from '../catalog/index.js';
import { runImport } from '../import/pipeline.js';
import { recordRefs, labelColumns, type RecordRef } from '../experiments/data.js';
import { chooseThresholds, evaluate, type Evaluation } from '../experiments/metrics/index.js';
import { writeFileAtomic } from '../experiments/run-folder.js';
import { experimentCenters, recordsOf, splitOf } from '../experiments/selection.js';
import { CLASSES } from '../../shared/classes.js';
import { renderEvaluationReport } from '../experiments/report/index.js';
import { isForeignBundle, readForeignBundle } from '../ml/foreign/bundle.js';
import { scoreForeign, type ForeignColumn, type ForeignScores } from '../ml/foreign/score.js';
import { openForeignSession } from '../ml/foreign/session.js';
import { SourceReader } from '../ml/foreign/source.js';
import type { JobContext } from './handlers.js';
import { PARAMS } from './kinds.js';
import { jobDir } from './paths.js';

const FIXED_THRESHOLD = 0.5;

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

/**
 * The evaluate parameters plus the threshold rule: 'card' (default: the card's, else 0.5),
 * 'from-validation' (chosen on the centers' validation split), or one fixed value.
 */
const foreignParams = PARAMS.evaluate.extend({
  thresholds: z.union([z.enum(['card', 'from-validation']), z.number().finite(), z.string().regex(/^\d*\.?\d+$/).transform(Number)]).optional(),
});

function uniqueKeys(columns: readonly ForeignColumn[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c.name : `${c.name} (${n})`;
  });
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

/** Centers with a record labelled with one of the codes the model's outputs stand for: the ones that can be evaluated. */
function labelledCentersFor(catalog: Catalog, centers: readonly string[], codes: readonly string[]): string[] {
  if (!codes.length || !centers.length) return [];
  const rows = catalog.db
    .prepare(
      `SELECT DISTINCT c.name FROM labels l JOIN records r ON r.id = l.record_id JOIN centers c ON c.id = r.center_id
       WHERE l.code IN (${codes.map(() => '?').join(',')}) AND c.name IN (${centers.map(() => '?').join(',')})`,
    )
    .pluck()
    .all(...codes, ...centers) as string[];
  return centers.filter((c) => rows.includes(c));
}

const csvName = (s: string) => s.replace(/[,"\r\n]+/g, ' ').trim();

export async function runEvaluateForeignJob(rawParams: unknown, ctx: JobContext): Promise<unknown> {
  const p = foreignParams.parse(rawParams);
  const bundleDir = foreignBundleOf(ctx.workspace, p.bundle);
  if (!bundleDir) throw new Error(`${p.bundle} is not a foreign model bundle`);
  const bundle = readForeignBundle(bundleDir);
  const rule = p.thresholds ?? 'card';
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
  const catalog = Catalog.open(ctx.workspace);
  const session = await openForeignSession(bundleDir);
  try {
    const wanted = importing ? [p.center!] : (p.centers ?? experimentCenters(catalog, p.config));
    const centers = labelledCentersFor(catalog, wanted, session.mapping.flatMap((m) => (m.classIndex !== null ? CLASSES[m.classIndex].snomed : m.snomed !== null ? [m.snomed] : [])));
    if (!centers.length) throw new Error(`no records in ${wanted.join(', ')} carry a label the model's outputs stand for: nothing to score`);
    let val: RecordRef[] = [];
    let test: RecordRef[];
    if (part === 'all') {
      const ids = catalog.db
        .prepare(`SELECT r.id FROM records r JOIN centers c ON c.id = r.center_id WHERE c.name IN (${centers.map(() => '?').join(',')}) ORDER BY r.id`)
        .pluck()
        .all(...centers) as number[];
      test = recordRefs(catalog, ids);
    } else {
      const split = splitOf(catalog, p.config);
      if (rule === 'from-validation') val = recordRefs(catalog, recordsOf(catalog, split, 'val', centers, p.config.shortRecords));
      test = recordRefs(catalog, recordsOf(catalog, split, 'test', centers));
    }
    if (rule === 'from-validation' && !val.length) throw new Error(`thresholds from validation need a validation split: ${part === 'all' ? "'all' records have none" : `no validation records in ${centers.join(', ')}`}`);
    if (!test.length) throw new Error(`no ${part === 'test' ? 'test-split ' : ''}records in ${centers.join(', ')}`);
    const { card } = bundle;
    ctx.log(`foreign model ${card.name} ${card.version}: ${card.input.leads.length} leads x ${card.input.samples} samples at ${card.input.rate} Hz; engine ${session.info.engine} (${session.info.provider})`);
    const base = importing ? 0.4 : 0;
    const total = val.length + test.length;
    const batch = p.config.evaluation.batchSize;
    const source = new SourceReader(ctx.workspace, catalog);
    const started = Date.now();
    const score = async (refs: RecordRef[], offset: number): Promise<ForeignScores> =>
      scoreForeign(bundleDir, catalog, refs.map((r) => r.id), {
        batch,
        session,
        source,
        signal: ctx.signal,
        onBatch: (done) => {
          const all = offset + done;
          const rate = all / Math.max(1e-3, (Date.now() - started) / 1000);
          ctx.progress(base + ((1 - base) * all) / total, `scored ${all}/${total} records (${rate.toFixed(1)}/s, ETA ${Math.round((total - all) / Math.max(rate, 1e-6))} s)`);
        },
      });
    let valScores: ForeignScores | null = null;
    let scores: ForeignScores;
    try {
      valScores = val.length ? await score(val, 0) : null;
      scores = await score(test, val.length);
    } catch (err) {
      if (ctx.signal.aborted) return { status: 'cancelled' };
      throw err;
    }
    const skipped = [...(valScores?.skipped ?? []), ...scores.skipped];
    for (const s of skipped) ctx.log(`skipped record ${s.record} (id ${s.id}): ${s.reason}`);
    const byId = new Map(test.map((r) => [r.id, r]));
    const scored = scores.ids.map((id) => byId.get(id)!);
    if (!scored.length) throw new Error(`none of the ${test.length} records could be brought to the model's input (${skipped[0]?.reason ?? 'no reason'})`);
    const keys = uniqueKeys(scores.columns);
    const labels = columnLabels(catalog, scores.columns, scored);
    const thresholdsFrom = rule === 'from-validation' ? 'validation' : typeof rule === 'number' ? `fixed-${rule}` : card.output.thresholds ? 'card' : `fixed-${FIXED_THRESHOLD}`;
    let thresholds = scores.columns.map((_, c) => (typeof rule === 'number' ? rule : (card.output.thresholds?.[c] ?? FIXED_THRESHOLD)));
    if (valScores) {
      const vById = new Map(val.map((r) => [r.id, r]));
      const vRefs = valScores.ids.map((id) => vById.get(id)!);
      const vLabels = columnLabels(catalog, valScores.columns, vRefs);
      const chosen = chooseThresholds(vLabels.map((l) => l ?? new Uint8Array(vRefs.length)), valScores.scores).map((t) => t.threshold);
      thresholds = thresholds.map((t, c) => (vLabels[c] ? chosen[c] : t));
    }
    const columns: ForeignColumnResult[] = scores.columns.map((c, i) => ({ ...c, key: keys[i], labels: labels[i] === null ? 'none' : c.classIndex !== undefined ? 'class' : 'snomed', threshold: thresholds[i] }));
    const usable = columns.flatMap((c, i) => (labels[i] ? [i] : []));
    const options = { replicates: p.config.evaluation.bootstrap, seed: p.config.seeds[0] };
    const evaluateOn = (idx: number[]): Evaluation =>
      evaluate(
        {
          classes: usable.map((c) => keys[c]),
          labels: usable.map((c) => Uint8Array.from(idx, (i) => labels[c]![i])),
          scores: usable.map((c) => Float32Array.from(idx, (i) => scores.scores[c][i])),
          thresholds: usable.map((c) => thresholds[c]),
          patients: idx.map((i) => String(scored[i].patient)),
          paddedS: idx.map((i) => scores.paddedS[i]),
        },
        options,
      );
    const centerOf = new Map(catalog.db.prepare(`SELECT r.id, c.name FROM records r JOIN centers c ON c.id = r.center_id WHERE r.id IN (${scored.map((r) => r.id).join(',')})`).raw().all() as [number, string][]);
    const evaluation = evaluateOn(scored.map((_, i) => i));
    const perCenter = centers.map((center) => {
      const idx = scored.flatMap((r, i) => (centerOf.get(r.id) === center ? [i] : []));
      return { center, records: idx.length, evaluation: idx.length ? evaluateOn(idx) : null };
    });
    const dir = jobDir(ctx.workspace, ctx.id);
    const predictions = join(dir, 'predictions.csv');
    const header = ['record', 'patient', ...keys.map(csvName)];
    const lines = [header.join(','), ...scored.map((r, i) => [r.id, r.patient, ...scores.scores.map((s) => s[i].toPrecision(6))].join(','))];
    writeFileAtomic(predictions, lines.join('\n') + '\n');
    const report = join(dir, 'report.html');
    const engine = { engine: session.info.engine, provider: session.info.provider, reason: session.info.reason };
    writeFileAtomic(
      report,
      renderEvaluationReport({
        job: ctx.id,
        bundle: bundleDir,
        manifest: manifestOf(bundleDir),
        engine,
        centers,
        part,
        thresholdsFrom,
        evaluation,
        perCenter,
        classes: usable.map((c) => keys[c]),
        labels: usable.map((c) => labels[c]!),
        scores: usable.map((c) => scores.scores[c]),
        recordCenters: scored.map((r) => centerOf.get(r.id) ?? ''),
        createdAt: new Date().toISOString(),
      }),
    );
    ctx.log(`${scored.length} records scored, ${skipped.length} skipped; report ${report}`);
    return {
      bundle: bundleDir,
      foreign: {
        name: card.name,
        version: card.version,
        input: { rate: card.input.rate, samples: card.input.samples, leads: card.input.leads, layout: card.input.layout, units: card.input.units },
        activation: card.output.activation,
        columns,
        skipped,
        padded: scores.paddedS.filter((s) => s > 0).length,
      },
      centers,
      part,
      thresholds_from: thresholdsFrom,
      thresholds,
      evaluation,
      per_center: perCenter,
      predictions,
      report,
      engine,
    };
  } finally {
    await session.dispose();
    catalog.close();
  }
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
