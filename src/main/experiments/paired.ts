// Paired patient bootstrap of a difference in macro AUROC / F1 between two models scored on the
// same test records (LODO's w/ - w/o arms, a pre-trained model - its baseline). Each replicate
// resamples the test patients once and scores both models on that same resample, so the interval
// reflects the difference's own variance, not the two models' separate ones. With several seeds,
// every pair is scored on the same resample and the replicate's value is the mean difference.
import {
  aurocOfGroups,
  classCounts,
  confusionAt,
  confusionOfGroups,
  DEFAULT_LEVEL,
  drawReplicate,
  f1Score,
  groupCounts,
  patientGroups,
  percentileInterval,
  rankClass,
  SeededRandom,
  auroc,
  type GroupCounts,
  type Interval,
  type RankedClass,
} from './metrics/index.js';

/** One model's outputs: [class][record] scores and its per-class thresholds (chosen on validation). */
export interface ScoredModel {
  readonly scores: readonly ArrayLike<number>[];
  readonly thresholds: readonly number[];
}

export interface PairedInput {
  /** [class][record] 0/1, shared by every model. */
  readonly labels: readonly ArrayLike<number>[];
  /** Patient id per record; omitted: one patient per record. */
  readonly patients?: readonly string[];
  /** (a, b) pairs; the difference is b - a (e.g. a = w/o, b = w/), averaged over pairs. */
  readonly pairs: readonly { readonly a: ScoredModel; readonly b: ScoredModel }[];
}

export interface PairedDifference {
  /** Mean over pairs of macro(b) - macro(a), in metric units (x100 for AUROC points). */
  readonly delta_auroc: number | null;
  readonly delta_f1: number | null;
  /** 95% percentile intervals of the same differences over the paired replicates. */
  readonly ci_auroc: Interval | null;
  readonly ci_f1: Interval | null;
  readonly replicates: number;
  readonly seed: number;
  readonly level: number;
  readonly pairs: number;
  readonly resampled: 'patients' | 'records';
}

interface Prepared {
  readonly ranked: RankedClass;
  readonly ties: GroupCounts;
  readonly threshold: number;
}

/** Macro AUROC and F1 of each model over the classes with positives and negatives (the evaluate() rule). */
function macroOf(models: readonly Prepared[][], classes: readonly number[], counts: Float64Array | null): { auroc: number; f1: number }[] | null {
  const sums = models.map(() => ({ auroc: 0, f1: 0 }));
  let averaged = 0;
  classes.forEach((_, p) => {
    const first = counts ? groupCounts(models[0][p].ranked, counts, models[0][p].ties) : models[0][p].ties;
    let pos = 0;
    let neg = 0;
    for (let k = 0; k < first.positive.length; k++) {
      pos += first.positive[k];
      neg += first.negative[k];
    }
    if (pos === 0 || neg === 0) return;
    averaged++;
    models.forEach((m, i) => {
      const g = counts ? (i === 0 ? first : groupCounts(m[p].ranked, counts, m[p].ties)) : m[p].ties;
      sums[i].auroc += aurocOfGroups(g)!;
      sums[i].f1 += f1Score(confusionOfGroups(m[p].ranked, g, m[p].threshold))!;
    });
  });
  return averaged === 0 ? null : sums.map((s) => ({ auroc: s.auroc / averaged, f1: s.f1 / averaged }));
}

export function pairedDifference(input: PairedInput, options: { replicates: number; seed: number; level?: number }): PairedDifference {
  const { labels, pairs } = input;
  const level = options.level ?? DEFAULT_LEVEL;
  const n = labels.length ? labels[0].length : 0;
  const classes = labels.map((l, c) => c).filter((c) => {
    const { positives, negatives } = classCounts(labels[c]);
    return positives > 0 && negatives > 0;
  });
  // Models in pair order: a0, b0, a1, b1, ...
  const flat = pairs.flatMap((p) => [p.a, p.b]);
  for (const m of flat) if (m.scores.length !== labels.length || m.scores.some((s) => s.length !== n)) throw new Error('paired bootstrap: every model needs one score per class and record');
  const prepared = flat.map((m) => classes.map((c): Prepared => {
    const ranked = rankClass(labels[c], m.scores[c]);
    return { ranked, ties: groupCounts(ranked), threshold: m.thresholds[c] };
  }));
  const diffs = (macro: { auroc: number; f1: number }[]) => {
    let da = 0;
    let df = 0;
    for (let i = 0; i < pairs.length; i++) {
      da += macro[2 * i + 1].auroc - macro[2 * i].auroc;
      df += macro[2 * i + 1].f1 - macro[2 * i].f1;
    }
    return { auroc: da / pairs.length, f1: df / pairs.length };
  };
  const point = pairs.length && classes.length ? macroOf(prepared, classes, null) : null;
  const delta = point ? diffs(point) : null;
  const aurocs: number[] = [];
  const f1s: number[] = [];
  if (delta && options.replicates > 0 && n > 0) {
    const groups = patientGroups(n, input.patients);
    const rng = new SeededRandom(options.seed);
    const counts = new Float64Array(n);
    for (let b = 0; b < options.replicates; b++) {
      drawReplicate(groups, rng, counts);
      const macro = macroOf(prepared, classes, counts);
      if (!macro) continue;
      const d = diffs(macro);
      aurocs.push(d.auroc);
      f1s.push(d.f1);
    }
  }
  return {
    delta_auroc: delta?.auroc ?? null,
    delta_f1: delta?.f1 ?? null,
    ci_auroc: percentileInterval(aurocs, level),
    ci_f1: percentileInterval(f1s, level),
    replicates: options.replicates,
    seed: options.seed,
    level,
    pairs: pairs.length,
    resampled: input.patients ? 'patients' : 'records',
  };
}

/** Unpaired macro AUROC / F1 of one model (the point values the paired function differences). */
export function macroPoint(labels: readonly ArrayLike<number>[], model: ScoredModel): { auroc: number | null; f1: number | null } {
  const present = labels.map((_, c) => c).filter((c) => {
    const { positives, negatives } = classCounts(labels[c]);
    return positives > 0 && negatives > 0;
  });
  if (!present.length) return { auroc: null, f1: null };
  const a = present.reduce((s, c) => s + auroc(labels[c], model.scores[c])!, 0) / present.length;
  const f = present.reduce((s, c) => s + f1Score(confusionAt(labels[c], model.scores[c], model.thresholds[c]))!, 0) / present.length;
  return { auroc: a, f1: f };
}
