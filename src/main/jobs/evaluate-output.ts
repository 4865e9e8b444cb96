// The end of every evaluate job, ours and a foreign model's alike: metrics overall and per center
// (with the patient bootstrap), evaluation.json, the CSVs `openecg score` reads, records.csv and
// report.html, written to the job's folder and copied to `out` (experiments/evaluation-folder.ts).
// The columns differ only in name: our 24 classes, or a foreign model's outputs under its card's
// names, where outputs without labels are predicted (predictions.csv, thresholds.csv) but not scored.
import { join, resolve } from 'node:path';
import type { RecordRef } from '../experiments/data.js';
import { EVALUATION_FILES, labelsCsv, patientsCsv, recordsCsv, thresholdsCsv, writeEvaluationFolder, type EvaluatedRecord, type EvaluationDocument, type ThresholdsSource } from '../experiments/evaluation-folder.js';
import { evaluate, type Evaluation } from '../experiments/metrics/index.js';
import { predictionsCsv } from '../experiments/predictions-csv.js';
import { renderEvaluationReport } from '../experiments/report/index.js';
import type { JobContext } from './handlers.js';
import type { EvaluateParams } from './evaluate-select.js';
import { jobDir } from './paths.js';

export interface EvaluationOutput {
  readonly ctx: Pick<JobContext, 'id' | 'workspace' | 'log'>;
  readonly p: EvaluateParams;
  readonly bundle: string;
  readonly manifest: Record<string, unknown> | null;
  readonly model: EvaluationDocument['model'];
  readonly engine: EvaluationDocument['engine'];
  readonly centers: string[];
  readonly part: 'test' | 'all';
  /** Every column predicted (our classes, or the model's outputs), with its threshold, [column][record] scores as written. */
  readonly columns: readonly string[];
  readonly thresholds: readonly number[];
  readonly scores: readonly Float64Array[];
  /** Per column its [record] 0/1 labels; null: no labels (listed, not scored). */
  readonly labels: readonly (ArrayLike<number> | null)[];
  readonly source: ThresholdsSource;
  readonly thresholdsFrom: string;
  readonly thresholdsFile: string | null;
  /** The scored records (refs order = score order) and their descriptions. */
  readonly scored: readonly RecordRef[];
  readonly listed: readonly EvaluatedRecord[];
  /** Records that could not be scored, listed in records.csv with the reason. */
  readonly skipped?: readonly EvaluatedRecord[];
  /** Wall-clock marks (performance.now()): start of the job, of scoring, end of scoring. */
  readonly marks: { readonly t0: number; readonly tStart: number; readonly tScored: number };
  readonly scoredCount: number;
  readonly batch: number;
}

const s1 = (ms: number) => Math.round(ms / 100) / 10;

/** Computes the metrics, writes the folder(s) and returns the job's result (without the caller's own blocks). */
export function finishEvaluation(o: EvaluationOutput) {
  const { ctx, p, centers, part } = o;
  const used = o.columns.flatMap((_, c) => (o.labels[c] ? [c] : []));
  const classes = used.map((c) => o.columns[c]);
  const labels = used.map((c) => Uint8Array.from(o.labels[c]!));
  const scores = used.map((c) => o.scores[c]);
  const thresholds = used.map((c) => o.thresholds[c]);
  const options = { replicates: p.config.evaluation.bootstrap, seed: p.config.seeds[0] };
  const score = (idx: number[]): Evaluation =>
    evaluate(
      {
        classes,
        labels: labels.map((l) => Uint8Array.from(idx, (i) => l[i])),
        scores: scores.map((s) => Float64Array.from(idx, (i) => s[i])),
        thresholds,
        patients: idx.map((i) => String(o.scored[i].patient)),
        paddedS: idx.map((i) => o.listed[i].paddedS),
      },
      options,
    );
  const perCenter = centers.map((center) => {
    const idx = o.listed.flatMap((r, i) => (r.center === center ? [i] : []));
    return { center, records: idx.length, evaluation: idx.length ? score(idx) : null };
  });
  const evaluation = score(o.scored.map((_, i) => i));
  const tMetrics = performance.now();
  const dir = jobDir(ctx.workspace, ctx.id);
  const createdAt = new Date().toISOString();
  const document: EvaluationDocument = {
    format: 'openecg-evaluation',
    version: 1,
    job: ctx.id,
    workspace: resolve(ctx.workspace),
    bundle: resolve(o.bundle),
    model: o.model,
    manifest: o.manifest,
    engine: o.engine,
    centers,
    split: part,
    thresholds: { source: o.source, file: o.thresholdsFile, values: Object.fromEntries(o.columns.map((c, i) => [c, o.thresholds[i]])) },
    bootstrap: { replicates: options.replicates, seed: options.seed },
    classes,
    records: o.scored.length,
    short_records: o.listed.filter((r) => r.paddedS > 0).length,
    evaluation,
    per_center: perCenter,
    files: { ...EVALUATION_FILES },
    created_at: createdAt,
  };
  const report = renderEvaluationReport({
    job: ctx.id,
    bundle: o.bundle,
    manifest: o.manifest,
    card: o.model.card,
    engine: o.engine,
    centers,
    part,
    thresholdsFrom: o.thresholdsFrom,
    thresholds,
    thresholdsFile: o.thresholdsFile,
    evaluation,
    perCenter,
    classes,
    labels,
    scores,
    recordCenters: o.listed.map((r) => r.center),
    records: [...o.listed],
    createdAt,
  });
  const tReport = performance.now();
  const { t0, tStart, tScored } = o.marks;
  const seconds = { setup: s1(tStart - t0), scoring: s1(tScored - tStart), metrics: s1(tMetrics - tScored), report: s1(tReport - tMetrics) };
  ctx.log(`scored ${o.scoredCount} records in ${seconds.scoring} s (${(o.scoredCount / Math.max(1e-3, seconds.scoring)).toFixed(1)} records/s, batch ${o.batch}); set-up ${seconds.setup} s, metrics ${seconds.metrics} s, report ${seconds.report} s`);
  const files = {
    document: { ...document, seconds },
    predictions: predictionsCsv(o.scored, o.scores, o.columns),
    labels: labelsCsv(o.scored, labels, classes),
    thresholds: thresholdsCsv(o.thresholds, o.columns),
    patients: patientsCsv(o.listed),
    records: recordsCsv([...o.listed, ...(o.skipped ?? [])]),
    report,
  };
  writeEvaluationFolder(dir, files);
  if (p.out) writeEvaluationFolder(p.out, files);
  ctx.log(`report ${join(dir, EVALUATION_FILES.report)}${p.out ? `; outputs in ${p.out}` : ''}`);
  return {
    bundle: o.bundle,
    centers,
    part,
    thresholds_from: o.thresholdsFrom,
    thresholds: [...o.thresholds],
    evaluation,
    per_center: perCenter,
    predictions: join(dir, EVALUATION_FILES.predictions),
    report: join(dir, EVALUATION_FILES.report),
    out: p.out ?? null,
    engine: o.engine,
    seconds,
  };
}
