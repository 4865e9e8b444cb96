// Evaluation metrics: pure functions over labels and scores (no tfjs), plus the score-file reader.
export {
  auroc,
  aurocOfGroups,
  averagePrecision,
  averagePrecisionOfGroups,
  classCounts,
  groupCounts,
  rankClass,
  totals,
  type GroupCounts,
  type Labels,
  type Multiplicities,
  type RankedClass,
  type Scores,
} from './ranking.js';
export {
  DEFAULT_THRESHOLD,
  chooseThreshold,
  confusionAt,
  confusionOfGroups,
  f1Score,
  sensitivity,
  specificity,
  type Confusion,
  type ThresholdChoice,
  type ThresholdRule,
} from './threshold.js';
export { challengeContributions, challengeMetric, challengeScore, type ChallengeContributions } from './challenge.js';
export {
  CHALLENGE_NORMAL_CLASS,
  CHALLENGE_NORMAL_CODE,
  CHALLENGE_WEIGHTS,
  CHALLENGE_WEIGHTS_SOURCE,
  challengeWeightMatrix,
  type WeightTable,
} from './challenge-weights.js';
export {
  DEFAULT_LEVEL,
  DEFAULT_REPLICATES,
  DEFAULT_SEED,
  SeededRandom,
  drawReplicate,
  patientGroups,
  percentileInterval,
  quantile,
  type Interval,
} from './bootstrap.js';
export {
  chooseThresholds,
  evaluate,
  type AbsentClass,
  type BootstrapSummary,
  type ClassResult,
  type Evaluation,
  type EvaluationInput,
  type EvaluationOptions,
  type PresentClass,
} from './evaluate.js';
export { loadScoreSet, loadThresholds, scoreClasses, type LoadedScoreSet, type ScoreFiles } from './score-files.js';
