// The handlers of the methods added for model inspection, results and job forms, built over the
// open workspace (index.ts merges them into its table).
import type { ApiOutput, ApiParsedInput } from '../../shared/api.js';
import { errorReview } from './error-review.js';
import { evaluationResults } from './evaluation-results.js';
import type { InspectContext } from './inspect-context.js';
import { jobLogTail, resumeFromUi, submitFromForm } from './job-forms.js';
import { knownModels } from './models.js';
import { predictRecord } from './predict.js';
import { reconstructRecord } from './reconstruct.js';
import { liveCurves, listRuns, runDetail, stepCurves } from './results.js';

type Added = 'jobs.submit' | 'jobs.resume' | 'jobs.log' | 'models.list' | 'inspect.reconstruct' | 'inspect.predict' | 'inspect.errors' | 'results.runs' | 'results.run' | 'results.curves' | 'results.live' | 'results.evaluation';

export type InspectHandlers = { [M in Added]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> | ApiOutput<M> };

/** `ctx()` is asked on every call: workspace.open may switch the workspace in between. */
export function inspectHandlers(ctx: () => InspectContext): InspectHandlers {
  return {
    'jobs.submit': (input) => {
      const c = ctx();
      c.catalog();
      return submitFromForm(c.workspace, input);
    },
    'jobs.resume': ({ id }) => resumeFromUi(ctx().workspace, id),
    'jobs.log': ({ id, tail }) => jobLogTail(ctx().workspace, id, tail),
    'models.list': () => ({ models: knownModels(ctx().workspace).map((m) => m.info) }),
    'inspect.reconstruct': (input) => reconstructRecord(ctx(), input),
    'inspect.predict': (input) => predictRecord(ctx(), input),
    'inspect.errors': (input) => {
      const c = ctx();
      return errorReview(c.workspace, c.catalog(), input);
    },
    'results.runs': () => listRuns(ctx().workspace),
    'results.run': ({ run }) => runDetail(ctx().workspace, run),
    'results.curves': (input) => {
      const c = ctx();
      return stepCurves(c.workspace, c.catalog(), input);
    },
    'results.live': ({ job }) => liveCurves(ctx().workspace, job),
    'results.evaluation': ({ id }) => evaluationResults(ctx().workspace, id),
  };
}
