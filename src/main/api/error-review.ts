// `inspect.errors`: the error-review list of one downstream step and class: false positives (not
// labelled, probability at or above the step's threshold; most confident first) and false
// negatives (labelled, below it; least probable first), from the step's stored test predictions,
// optionally for one center. An evaluate job's (ours or a foreign model's): error-review-job.ts.
import { CLASSES } from '../../shared/classes.js';
import { ApiError, type ApiParsedInput, type ErrorReview } from '../../shared/api.js';
import type { Catalog } from '../catalog/index.js';
import { errorReviewOfJob } from './error-review-job.js';
import { splitErrors } from './error-split.js';
import { rebase } from './models.js';
import { downstreamStep, readPredictions, recordFacts } from './run-files.js';

export function errorReview(workspace: string, catalog: Catalog, input: ApiParsedInput<'inspect.errors'>): ErrorReview {
  if (input.job !== undefined) return errorReviewOfJob(workspace, catalog, { ...input, job: input.job });
  const run = input.run!;
  const step = input.step!;
  if (input.classIndex >= CLASSES.length) throw new ApiError('invalid-input', `classIndex ${input.classIndex}: a run step has ${CLASSES.length} classes`);
  const rec = downstreamStep(workspace, run, step);
  const preds = readPredictions(workspace, run, rec);
  const facts = recordFacts(catalog, preds.ids);
  const c = input.classIndex;
  const threshold = rec.thresholds[c] ?? 0.5;
  const scores = preds.scores[c];
  const split = splitErrors(preds.ids, scores, facts, { threshold, center: input.center, limit: input.limit, labelOf: (_id, classes) => ((classes >>> c) & 1) === 1 });
  return {
    run,
    step,
    bundle: rebase(workspace, rec.bundle),
    classIndex: CLASSES[c].index,
    className: CLASSES[c].abbreviation,
    threshold,
    ...split,
  };
}
