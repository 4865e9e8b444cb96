// The one rule of the error review, for run steps and evaluate jobs alike: at the threshold, a
// record not labelled but scored positive is a false positive (most confident first), a labelled
// one scored negative a false negative (least probable first); optionally for one center.
import type { ErrorReview } from '../../shared/api.js';
import type { RecordFacts } from './run-files.js';

export type ErrorSplit = Pick<ErrorReview, 'centers' | 'falsePositives' | 'falseNegatives' | 'counts'>;

export function splitErrors(
  ids: readonly number[],
  scores: ArrayLike<number>,
  facts: ReadonlyMap<number, RecordFacts>,
  args: { threshold: number; center?: string; limit: number; labelOf(id: number, classes: number): boolean },
): ErrorSplit {
  const fp: ErrorReview['falsePositives'] = [];
  const fn: ErrorReview['falseNegatives'] = [];
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const centers = new Set<string>();
  const { threshold } = args;
  ids.forEach((id, i) => {
    const f = facts.get(id);
    if (!f) return;
    centers.add(f.center);
    if (args.center !== undefined && f.center !== args.center) return;
    const label = args.labelOf(id, f.classes);
    const positive = scores[i] >= threshold;
    const item = { id, record: f.record, center: f.center, probability: scores[i], threshold };
    if (positive && !label) {
      counts.fp++;
      fp.push(item);
    } else if (!positive && label) {
      counts.fn++;
      fn.push(item);
    } else if (positive) counts.tp++;
    else counts.tn++;
  });
  fp.sort((a, b) => b.probability - a.probability || a.id - b.id);
  fn.sort((a, b) => a.probability - b.probability || a.id - b.id);
  return { centers: [...centers].sort(), falsePositives: fp.slice(0, args.limit), falseNegatives: fn.slice(0, args.limit), counts };
}
