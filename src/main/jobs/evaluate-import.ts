// The first step of an evaluate job given a local folder (ours or a foreign model's alike): the
// folder imported with the usual adapters as `center`, the first 40% of the job's progress.
import { runImport } from '../import/pipeline.js';
import type { EvaluateParams } from './evaluate-select.js';
import type { JobContext } from './handlers.js';

/** Imports p.folder as p.center; false when the import was stopped (the job then returns cancelled). */
export async function importForEvaluation(p: EvaluateParams, ctx: JobContext): Promise<boolean> {
  if (!p.center) throw new Error('an evaluation of a local folder needs the center name its records get');
  ctx.log(`importing ${p.folder} as center ${p.center}`);
  const s = await runImport(
    { folder: p.folder!, workspace: ctx.workspace, dataset: p.dataset, center: p.center, signal: ctx.signal, workers: 0 },
    { progress: (q) => ctx.progress(q.total ? (0.4 * q.done) / q.total : 0, `import ${q.done}/${q.total} records`), phase: (ph, d) => ctx.log(`${ph}: ${d}`), notice: (t) => ctx.log(t) },
  );
  ctx.log(`import ${s.status}: ${s.imported} imported, ${s.skipped} skipped, ${s.failed} failed`);
  return !(s.status === 'cancelled' || ctx.signal.aborted);
}
