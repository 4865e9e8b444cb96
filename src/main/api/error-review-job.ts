// `inspect.errors` for an evaluate job (jobs/evaluate.ts, jobs/evaluate-foreign.ts): the false
// positives and negatives of one class (ours) or one output (a foreign model's, under its card
// name) from the job's predictions.csv, at the job's threshold. A foreign output is labelled as the
// evaluation scored it: by our class, or by its SNOMED-CT code; an output without labels gets empty
// lists and a note saying so.
import { existsSync, readFileSync } from 'node:fs';
import { CLASSES } from '../../shared/classes.js';
import { ApiError, type ApiParsedInput, type ErrorReview } from '../../shared/api.js';
import type { Catalog } from '../catalog/index.js';
import { job, type JobRow } from '../jobs/index.js';
import { splitErrors } from './error-split.js';
import { recordFacts } from './run-files.js';

interface JobResult {
  bundle?: string;
  thresholds?: number[];
  predictions?: string;
  foreign?: { columns: { key: string; classIndex?: number; snomed?: string; labels: 'class' | 'snomed' | 'none' }[] };
}

export function errorReviewOfJob(workspace: string, catalog: Catalog, input: ApiParsedInput<'inspect.errors'> & { job: number }): ErrorReview {
  let row: JobRow;
  try {
    row = job(workspace, input.job);
  } catch (err) {
    throw new ApiError('not-found', (err as Error).message);
  }
  if (row.kind !== 'evaluate') throw new ApiError('invalid-input', `job ${input.job} is a ${row.kind} job, not an evaluation`);
  const r = (row.result ?? {}) as JobResult;
  if (!r.predictions || !existsSync(r.predictions)) throw new ApiError('not-found', `job ${input.job} has no predictions (state ${row.state})`);
  const c = input.classIndex;
  const columns = r.foreign?.columns ?? CLASSES.map((k) => ({ key: k.abbreviation, classIndex: k.index, labels: 'class' as const }));
  const column = columns[c];
  if (!column) throw new ApiError('invalid-input', `classIndex ${c}: the evaluation has ${columns.length} classes`);
  const [head, ...lines] = readFileSync(r.predictions, 'utf8').trim().split('\n');
  const at = head.split(',').length - columns.length + c;
  const ids = lines.map((l) => Number(l.split(',')[0]));
  const scores = lines.map((l) => Number(l.split(',')[at]));
  const facts = recordFacts(catalog, ids);
  const hasCode = catalog.db.prepare('SELECT 1 FROM labels WHERE record_id = ? AND code = ?').pluck();
  const labelOf = (id: number, classes: number) => (column.labels === 'class' ? ((classes >>> column.classIndex!) & 1) === 1 : hasCode.get(id, column.snomed) !== undefined);
  const threshold = r.thresholds?.[c] ?? 0.5;
  if (column.labels === 'none') {
    const none = { run: `job-${input.job}`, step: 'evaluate', bundle: r.bundle ?? '', classIndex: c, className: column.key, classes: columns.map((k) => k.key), threshold, centers: [], falsePositives: [], falseNegatives: [], counts: { tp: 0, fp: 0, fn: 0, tn: 0 } };
    return { ...none, note: `'${column.key}' has no labels in this workspace: no errors to review` };
  }
  const split = splitErrors(ids, scores, facts, { threshold, center: input.center, limit: input.limit, labelOf });
  return {
    run: `job-${input.job}`,
    step: 'evaluate',
    bundle: r.bundle ?? '',
    classIndex: c,
    className: column.key,
    classes: columns.map((k) => k.key),
    threshold,
    ...split,
  };
}
