// Scores a multi-label test set: per-class and macro AUROC/AUPRC/F1/sensitivity/specificity, the
// challenge metric, and patient-bootstrap confidence intervals. The JSON of `openecg score` is this
// object as is, hence the snake_case keys.
import { auroc, averagePrecision, aurocOfGroups, averagePrecisionOfGroups, classCounts, groupCounts, rankClass, totals } from './ranking.js';
import { chooseThreshold, confusionAt, confusionOfGroups, f1Score, sensitivity, specificity, type ThresholdChoice } from './threshold.js';
import { challengeContributions, challengeScore } from './challenge.js';
import { CHALLENGE_NORMAL_CLASS, challengeWeightMatrix } from './challenge-weights.js';
import {
  DEFAULT_LEVEL,
  DEFAULT_REPLICATES,
  DEFAULT_SEED,
  drawReplicate,
  patientGroups,
  percentileInterval,
  SeededRandom,
  type Interval,
} from './bootstrap.js';

export interface EvaluationInput {
  /** Class abbreviations, the column order of labels, scores and thresholds. */
  readonly classes: readonly string[];
  /** [class][record] 0/1. */
  readonly labels: readonly ArrayLike<number>[];
  /** [class][record] finite scores (probabilities). */
  readonly scores: readonly ArrayLike<number>[];
  /** One per class; a record is called positive when score >= threshold. */
  readonly thresholds: readonly number[];
  /** Patient id per record; records of one patient are resampled together. Omitted: one patient per record. */
  readonly patients?: readonly string[];
  /** Seconds of zero padding per record (records shorter than the window); given, the result counts them. */
  readonly paddedS?: readonly number[];
}

export interface EvaluationOptions {
  /** Bootstrap replicates; 0 for no intervals. Default 1000. */
  readonly replicates?: number;
  readonly seed?: number;
  readonly level?: number;
}

export interface PresentClass {
  readonly present: true;
  readonly auroc: number;
  readonly auprc: number;
  readonly f1: number;
  readonly sensitivity: number;
  readonly specificity: number;
  readonly threshold: number;
  readonly positives: number;
  readonly negatives: number;
  readonly ci?: { readonly auroc: Interval | null; readonly auprc: Interval | null; readonly f1: Interval | null };
}

export interface AbsentClass {
  readonly present: false;
  readonly reason: string;
  readonly threshold: number;
  readonly positives: number;
  readonly negatives: number;
}

export type ClassResult = PresentClass | AbsentClass;

export interface BootstrapSummary {
  readonly level: number;
  readonly replicates: number;
  readonly seed: number;
  readonly resampled: 'patients' | 'records';
  readonly macro_auroc: Interval | null;
  readonly macro_auprc: Interval | null;
  readonly macro_f1: Interval | null;
  readonly challenge_metric: Interval | null;
}

export interface Evaluation {
  readonly records: number;
  readonly patients: number;
  /** Scored records shorter than the canonical window (zero-padded at the end); present when the input gave paddedS. */
  readonly short_records?: number;
  /** Classes with positives and negatives in the test set: the ones the macro values average. */
  readonly classes_averaged: number;
  readonly classes_absent: readonly string[];
  readonly macro_auroc: number | null;
  readonly macro_auprc: number | null;
  readonly macro_f1: number | null;
  readonly macro_sensitivity: number | null;
  readonly macro_specificity: number | null;
  readonly challenge_metric: number | null;
  /** Why challenge_metric is null, when it is. */
  readonly challenge_metric_note?: string;
  readonly per_class: Readonly<Record<string, ClassResult>>;
  readonly ci: BootstrapSummary | null;
}

/** Thresholds for every class by the validation rule of chooseThreshold ([class][record] inputs). */
export function chooseThresholds(labels: readonly ArrayLike<number>[], scores: readonly ArrayLike<number>[]): ThresholdChoice[] {
  return labels.map((l, c) => chooseThreshold(l, scores[c]));
}

export function evaluate(input: EvaluationInput, options: EvaluationOptions = {}): Evaluation {
  const { classes, labels, scores, thresholds } = input;
  checkShapes(input);
  const records = classes.length > 0 ? labels[0].length : 0;
  const groups = patientGroups(records, input.patients);

  const perClass: Record<string, ClassResult> = {};
  const present: number[] = [];
  const absent: string[] = [];
  classes.forEach((name, c) => {
    const { positives, negatives } = classCounts(labels[c]);
    const threshold = thresholds[c];
    if (positives === 0 || negatives === 0) {
      const reason = positives === 0 ? 'no positives in the test set' : 'no negatives in the test set';
      perClass[name] = { present: false, reason, threshold, positives, negatives };
      absent.push(name);
      return;
    }
    const confusion = confusionAt(labels[c], scores[c], threshold);
    perClass[name] = {
      present: true,
      auroc: auroc(labels[c], scores[c])!,
      auprc: averagePrecision(labels[c], scores[c])!,
      f1: f1Score(confusion)!,
      sensitivity: sensitivity(confusion)!,
      specificity: specificity(confusion)!,
      threshold,
      positives,
      negatives,
    };
    present.push(c);
  });

  const macro = (key: 'auroc' | 'auprc' | 'f1' | 'sensitivity' | 'specificity'): number | null =>
    present.length === 0 ? null : present.reduce((s, c) => s + (perClass[classes[c]] as PresentClass)[key], 0) / present.length;

  const challenge = challengeParts(input);
  const challengeValue = challenge.parts ? challengeScore(challenge.parts) : null;
  const challengeNote = challenge.note ?? (challengeValue === null ? 'undefined: the correct and the inactive (normal-only) classifier score the same' : undefined);

  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const ci =
    replicates > 0 && records > 0
      ? bootstrap(input, present, groups, challenge.parts, perClass, {
          replicates,
          seed: options.seed ?? DEFAULT_SEED,
          level: options.level ?? DEFAULT_LEVEL,
        })
      : null;

  return {
    records,
    patients: groups.length,
    ...(input.paddedS ? { short_records: input.paddedS.filter((p) => p > 0).length } : {}),
    classes_averaged: present.length,
    classes_absent: absent,
    macro_auroc: macro('auroc'),
    macro_auprc: macro('auprc'),
    macro_f1: macro('f1'),
    macro_sensitivity: macro('sensitivity'),
    macro_specificity: macro('specificity'),
    challenge_metric: challengeValue,
    ...(challengeNote ? { challenge_metric_note: challengeNote } : {}),
    per_class: perClass,
    ci,
  };
}

function checkShapes({ classes, labels, scores, thresholds, patients, paddedS }: EvaluationInput): void {
  if (labels.length !== classes.length || scores.length !== classes.length || thresholds.length !== classes.length) {
    throw new Error(`evaluate: ${classes.length} classes but ${labels.length} label, ${scores.length} score and ${thresholds.length} threshold columns`);
  }
  const n = classes.length > 0 ? labels[0].length : 0;
  classes.forEach((name, c) => {
    if (labels[c].length !== n || scores[c].length !== n) throw new Error(`evaluate: class ${name} has a different record count`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(scores[c][i])) throw new Error(`evaluate: class ${name} has a non-finite score at record ${i}`);
    if (!Number.isFinite(thresholds[c])) throw new Error(`evaluate: class ${name} has a non-finite threshold`);
  });
  if (patients && patients.length !== n) throw new Error(`evaluate: ${patients.length} patient ids for ${n} records`);
  if (paddedS && paddedS.length !== n) throw new Error(`evaluate: ${paddedS.length} padding values for ${n} records`);
}

function challengeParts({ classes, labels, scores, thresholds }: EvaluationInput) {
  const weights = challengeWeightMatrix(classes);
  if (!weights) return { parts: null, note: 'not computed: some classes are not scored by the challenge weights' };
  const normal = classes.indexOf(CHALLENGE_NORMAL_CLASS);
  if (normal < 0) return { parts: null, note: `not computed: the normal class ${CHALLENGE_NORMAL_CLASS} is not among the classes` };
  const outputs = scores.map((s, c) => Uint8Array.from({ length: s.length }, (_, i) => (s[i] >= thresholds[c] ? 1 : 0)));
  return { parts: challengeContributions(labels, outputs, weights, normal), note: undefined };
}

function bootstrap(
  { classes, labels, scores, thresholds, patients }: EvaluationInput,
  present: readonly number[],
  patientSets: readonly Uint32Array[],
  challenge: ReturnType<typeof challengeContributions> | null,
  perClass: Record<string, ClassResult>,
  { replicates, seed, level }: { replicates: number; seed: number; level: number },
): BootstrapSummary {
  const rng = new SeededRandom(seed);
  const counts = new Float64Array(labels[0].length);
  const ranked = present.map((c) => rankClass(labels[c], scores[c]));
  const tieCounts = ranked.map((r) => groupCounts(r));
  const values = present.map(() => ({ auroc: [] as number[], auprc: [] as number[], f1: [] as number[] }));
  const macroValues = { auroc: [] as number[], auprc: [] as number[], f1: [] as number[] };
  const challengeValues: number[] = [];

  for (let b = 0; b < replicates; b++) {
    drawReplicate(patientSets, rng, counts);
    let sumAuroc = 0;
    let sumAuprc = 0;
    let sumF1 = 0;
    let averaged = 0;
    present.forEach((c, p) => {
      const g = groupCounts(ranked[p], counts, tieCounts[p]);
      // A class enters a replicate's macro under the same rule as the point estimate: positives and negatives present.
      const { positives, negatives } = totals(g);
      if (positives === 0 || negatives === 0) return;
      const a = aurocOfGroups(g)!;
      const ap = averagePrecisionOfGroups(g)!;
      const f = f1Score(confusionOfGroups(ranked[p], g, thresholds[c]))!;
      values[p].auroc.push(a);
      values[p].auprc.push(ap);
      values[p].f1.push(f);
      sumAuroc += a;
      sumAuprc += ap;
      sumF1 += f;
      averaged++;
    });
    if (averaged > 0) {
      macroValues.auroc.push(sumAuroc / averaged);
      macroValues.auprc.push(sumAuprc / averaged);
      macroValues.f1.push(sumF1 / averaged);
    }
    if (challenge) {
      const v = challengeScore(challenge, counts);
      if (v !== null) challengeValues.push(v);
    }
  }

  present.forEach((c, p) => {
    const result = perClass[classes[c]] as PresentClass;
    perClass[classes[c]] = {
      ...result,
      ci: {
        auroc: percentileInterval(values[p].auroc, level),
        auprc: percentileInterval(values[p].auprc, level),
        f1: percentileInterval(values[p].f1, level),
      },
    };
  });
  return {
    level,
    replicates,
    seed,
    resampled: patients ? 'patients' : 'records',
    macro_auroc: percentileInterval(macroValues.auroc, level),
    macro_auprc: percentileInterval(macroValues.auprc, level),
    macro_f1: percentileInterval(macroValues.f1, level),
    challenge_metric: challenge ? percentileInterval(challengeValues, level) : null,
  };
}
