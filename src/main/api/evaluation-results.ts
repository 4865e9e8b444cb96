// `results.evaluation`: an evaluate job's result (src/main/jobs/evaluate.ts) shaped for the view:
// overall and per-center macro metrics and the per-class table.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError, type EvaluationResults, type EvaluationView } from '../../shared/api.js';
import type { Evaluation } from '../experiments/metrics/index.js';
import { job, jobDir, type JobRow } from '../jobs/index.js';

interface EvaluateResult {
  bundle?: string;
  centers?: string[];
  part?: string;
  thresholds_from?: string;
  evaluation?: Evaluation;
  per_center?: { center: string; records: number; evaluation: Evaluation | null }[];
}

const interval = (i: { low: number; high: number } | null | undefined) => (i ? { low: i.low, high: i.high } : null);

export function evaluationView(e: Evaluation): EvaluationView {
  return {
    records: e.records,
    patients: e.patients,
    shortRecords: e.short_records ?? null,
    macroAuroc: e.macro_auroc,
    macroAuprc: e.macro_auprc,
    macroF1: e.macro_f1,
    challenge: e.challenge_metric ?? null,
    ciAuroc: interval(e.ci?.macro_auroc),
    perClass: Object.entries(e.per_class).map(([abbreviation, c]) =>
      c.present
        ? { abbreviation, present: true, auroc: c.auroc, auprc: c.auprc, f1: c.f1, sensitivity: c.sensitivity, specificity: c.specificity, threshold: c.threshold, positives: c.positives, negatives: c.negatives }
        : { abbreviation, present: false, auroc: null, auprc: null, f1: null, sensitivity: null, specificity: null, threshold: c.threshold, positives: c.positives, negatives: c.negatives },
    ),
  };
}

export function evaluationResults(workspace: string, id: number): EvaluationResults {
  let row: JobRow;
  try {
    row = job(workspace, id);
  } catch (err) {
    throw new ApiError('not-found', (err as Error).message);
  }
  // A demo-models job scores its classifier on the test split as its last stage: the same shape.
  if (row.kind !== 'evaluate' && row.kind !== 'demo-models') throw new ApiError('invalid-input', `job ${id} is a ${row.kind} job, not an evaluation`);
  const r = (row.result ?? {}) as EvaluateResult;
  const params = row.params as { bundle?: string; centers?: string[]; center?: string };
  const report = join(jobDir(workspace, id), 'report.html');
  return {
    job: id,
    state: row.state,
    bundle: r.bundle ?? params.bundle ?? null,
    centers: r.centers ?? params.centers ?? (params.center ? [params.center] : []),
    part: r.part ?? '',
    thresholdsFrom: r.thresholds_from ?? '',
    overall: r.evaluation ? evaluationView(r.evaluation) : null,
    perCenter: (r.per_center ?? []).filter((c) => c.evaluation).map((c) => ({ center: c.center, ...evaluationView(c.evaluation!) })),
    report: existsSync(report) ? report : null,
  };
}
