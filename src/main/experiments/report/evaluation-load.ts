// `openecg report --evaluation DIR`: the evaluation report rendered again from an evaluation folder
// (experiments/evaluation-folder.ts): evaluation.json checked with zod, the scores from
// predictions.csv, the labels from labels.csv and the records from records.csv, each checked against
// the others, so a page is never drawn from files that do not belong together.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from '../../datasets/csv.js';
import { EVALUATION_FILES, evaluationDocumentSchema, type EvaluationDocument } from '../evaluation-folder.js';
import { parsePredictionsCsv, PredictionsCsvError } from '../predictions-csv.js';
import { writeFileAtomic } from '../run-folder.js';
import { renderEvaluationReport, type EvaluationReportModel } from './evaluation.js';
import type { ScoredRecordRow } from './evaluation-sections.js';

export class EvaluationLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationLoadError';
  }
}

function read(dir: string, file: string): string {
  const path = join(dir, file);
  if (!existsSync(path)) throw new EvaluationLoadError(`${dir} has no ${file}: not an evaluation folder (openecg evaluate --out writes one)`);
  return readFileSync(path, 'utf8');
}

function loadDocument(dir: string): EvaluationDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(read(dir, EVALUATION_FILES.json));
  } catch (err) {
    if (err instanceof EvaluationLoadError) throw err;
    throw new EvaluationLoadError(`${join(dir, EVALUATION_FILES.json)} is not JSON: ${(err as Error).message}`);
  }
  const r = evaluationDocumentSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new EvaluationLoadError(`${join(dir, EVALUATION_FILES.json)}: ${first.path.join('.') || '(top)'}: ${first.message}`);
  }
  return r.data as unknown as EvaluationDocument;
}

/** [class][record] 0/1 of labels.csv, in the order of `records`. */
function loadLabels(dir: string, classes: readonly string[], records: readonly number[]): Uint8Array[] {
  const file = join(dir, EVALUATION_FILES.labels);
  const [head, ...rows] = parseCsv(read(dir, EVALUATION_FILES.labels));
  if (!head || head[0] !== 'record') throw new EvaluationLoadError(`${file}: the first column must be 'record'`);
  const at = classes.map((c) => head.indexOf(c));
  const missing = classes.filter((_, i) => at[i] < 0);
  if (missing.length) throw new EvaluationLoadError(`${file} lacks the column of ${missing.join(', ')}`);
  const row = new Map(rows.map((r) => [Number(r[0]), r]));
  return classes.map((_, c) =>
    Uint8Array.from(records, (id) => {
      const r = row.get(id);
      if (!r) throw new EvaluationLoadError(`${file} has no row for record ${id} of predictions.csv`);
      return r[at[c]] === '1' ? 1 : 0;
    }),
  );
}

function loadRecords(dir: string, records: readonly number[]): ScoredRecordRow[] {
  const file = join(dir, EVALUATION_FILES.records);
  const [head, ...rows] = parseCsv(read(dir, EVALUATION_FILES.records));
  const col = (n: string) => {
    const i = head?.indexOf(n) ?? -1;
    if (i < 0) throw new EvaluationLoadError(`${file} lacks the column ${n}`);
    return i;
  };
  const [id, patient, center, nameAt, padded] = ['record', 'patient', 'center', 'name', 'padded_s'].map(col);
  const byId = new Map(rows.map((r) => [Number(r[id]), r]));
  return records.map((rid) => {
    const r = byId.get(rid);
    if (!r) throw new EvaluationLoadError(`${file} has no row for record ${rid} of predictions.csv`);
    return { id: rid, patient: r[patient], center: r[center], name: r[nameAt], paddedS: Number(r[padded]) || 0 };
  });
}

/** The report model of an evaluation folder. */
export function loadEvaluationFolder(dir: string): EvaluationReportModel {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EvaluationLoadError(`no folder ${dir}`);
  const doc = loadDocument(dir);
  let predictions;
  try {
    predictions = parsePredictionsCsv(read(dir, EVALUATION_FILES.predictions), join(dir, EVALUATION_FILES.predictions));
  } catch (err) {
    if (err instanceof PredictionsCsvError) throw new EvaluationLoadError(err.message);
    throw err;
  }
  if (predictions.records.length !== doc.records) throw new EvaluationLoadError(`predictions.csv has ${predictions.records.length} records, evaluation.json says ${doc.records}`);
  const scores = doc.classes.map((c) => {
    const at = predictions.classes.indexOf(c);
    if (at < 0) throw new EvaluationLoadError(`predictions.csv has no column for class ${c}`);
    return predictions.scores[at];
  });
  const records = loadRecords(dir, predictions.records);
  const thresholds = doc.classes.map((c) => doc.thresholds.values[c] ?? NaN);
  if (thresholds.some((t) => !Number.isFinite(t))) throw new EvaluationLoadError('evaluation.json lacks the threshold of a class');
  const from = doc.thresholds.source === 'fixed' ? `fixed-${thresholds[0]}` : doc.thresholds.source;
  return {
    job: doc.job,
    bundle: doc.bundle,
    manifest: doc.manifest,
    card: doc.model.card,
    engine: doc.engine,
    centers: doc.centers,
    part: doc.split,
    thresholdsFrom: from,
    thresholds,
    thresholdsFile: doc.thresholds.file,
    evaluation: doc.evaluation,
    perCenter: doc.per_center,
    classes: doc.classes,
    labels: loadLabels(dir, doc.classes, predictions.records),
    scores,
    recordCenters: records.map((r) => r.center),
    records,
    createdAt: doc.created_at,
  };
}

export interface EvaluationReportSummary {
  readonly evaluation: string;
  readonly out: string;
  readonly bytes: number;
  readonly job: number;
  readonly bundle: string;
  readonly records: number;
  readonly centers: readonly string[];
}

/** Renders the folder's report into `out`. */
export function writeEvaluationReport(dir: string, out: string): EvaluationReportSummary {
  const model = loadEvaluationFolder(dir);
  const page = renderEvaluationReport(model);
  writeFileAtomic(out, page);
  return { evaluation: dir, out, bytes: Buffer.byteLength(page), job: model.job, bundle: model.bundle, records: model.evaluation.records, centers: model.centers };
}
