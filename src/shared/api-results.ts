// Schemas of the results methods (src/shared/api.ts's table holds them): experiment runs with
// their configs and step records, the LODO table and scaling curves, ROC and PR curves of one step
// and class, loss curves of running jobs, and the per-class and per-center results of an
// evaluation job.
import { z } from 'zod';

const count = z.number().int().min(0);
const metric = z.number().nullable();
export const runNameSchema = z.string().regex(/^[A-Za-z0-9._-]{1,80}$/);
const stepName = z.string().regex(/^[A-Za-z0-9._-]{1,120}$/);

export const runSummarySchema = z.object({
  run: z.string(),
  job: z.number().int().nullable(),
  kind: z.string(),
  configName: z.string(),
  /** The job's state when the run belongs to a job ('unknown' otherwise). */
  state: z.string(),
  stepsDone: count,
  stepsTotal: count,
  createdAt: z.string(),
  backend: z.string(),
  /** Who trained the steps: 'tfjs' or e.g. 'torch 1.13.0 (cpu, 2 threads)'. */
  engine: z.string().default('tfjs'),
});

export const runsListSchema = z.object({ runs: z.array(runSummarySchema) });

const interval = z.object({ low: z.number(), high: z.number() }).nullable();

export const stepSummarySchema = z.object({
  name: z.string(),
  /** pretrain, downstream, or another step kind of the experiments (robustness). */
  kind: z.string(),
  method: z.string(),
  mode: z.string().nullable(),
  target: z.string().nullable(),
  arm: z.string().nullable(),
  fraction: z.number().nullable(),
  pool: z.array(z.string()).nullable(),
  macroAuroc: metric,
  macroF1: metric,
  ciAuroc: interval,
  ciF1: interval,
  testRecords: count,
  seconds: z.number(),
  bundle: z.string(),
});

export const lodoCellSchema = z.object({
  target: z.string(),
  method: z.string(),
  protocol: z.string(),
  aurocWithout: metric,
  f1Without: metric,
  aurocWith: metric,
  f1With: metric,
  deltaAurocPoints: metric,
  ciAurocWithout: interval,
  ciF1Without: interval,
  /** Paired bootstrap interval of the w/ − w/o delta (points), from summary.json once the run has finished. */
  ciDeltaAurocPoints: interval.default(null),
  /** AUROC w/o − the protocol's baseline (scratch for finetune, random probe for probe), in points, and its paired interval. */
  vsBaselinePoints: metric.default(null),
  ciVsBaselinePoints: interval.default(null),
  testRecords: count,
});

/** A baseline on a LODO target (no pre-training): shown as extra heat-map columns. */
export const lodoBaselineSchema = z.object({
  target: z.string(),
  baseline: z.enum(['scratch', 'random_probe']),
  method: z.string(),
  protocol: z.string(),
  auroc: metric,
  f1: metric,
  ciAuroc: interval,
  testRecords: count,
});

export const scalingCurveSchema = z.object({
  method: z.string(),
  protocol: z.string(),
  points: z.array(z.object({ fraction: z.number(), pretrainRecords: count, macroAuroc: metric, macroF1: metric })),
  saturationFraction: z.number().nullable(),
  tolerancePoints: z.number(),
});

export const runDetailSchema = runSummarySchema.extend({
  /** run.json's config, as stored. */
  config: z.record(z.string(), z.unknown()),
  centers: z.array(z.string()),
  targets: z.array(z.string()),
  skippedTargets: z.array(z.object({ target: z.string(), reason: z.string() })),
  steps: z.array(stepSummarySchema),
  lodo: z.array(lodoCellSchema),
  lodoBaselines: z.array(lodoBaselineSchema).default([]),
  scaling: z.array(scalingCurveSchema),
});

export const curvesInputSchema = z.object({ run: runNameSchema, step: stepName, classIndex: z.number().int().min(0).max(23) }).strict();

export const curvesSchema = z.object({
  run: z.string(),
  step: z.string(),
  classIndex: count,
  positives: count,
  negatives: count,
  /** False/true positive rates, from (0,0) to (1,1). */
  roc: z.object({ fpr: z.array(z.number()), tpr: z.array(z.number()) }),
  /** Recall/precision, recall ascending. */
  pr: z.object({ recall: z.array(z.number()), precision: z.array(z.number()) }),
  auroc: metric,
  auprc: metric,
  threshold: z.number(),
  /** The operating point at the step's threshold. */
  operating: z.object({ fpr: z.number(), tpr: z.number(), precision: z.number().nullable() }).nullable(),
});

export const liveInputSchema = z.object({ job: z.number().int().positive() }).strict();

export const liveSchema = z.object({
  job: z.number().int().positive(),
  state: z.string(),
  progress: z.number(),
  /** Loss per training step of each step (finished and the one running now). */
  curves: z.array(z.object({ step: z.string(), losses: z.array(z.number().nullable()), running: z.boolean() })),
  /** Macro AUROC of each finished downstream step, in finishing order. */
  metrics: z.array(z.object({ step: z.string(), macroAuroc: metric, macroF1: metric })),
});

const classResult = z.object({
  abbreviation: z.string(),
  present: z.boolean(),
  auroc: metric,
  auprc: metric,
  f1: metric,
  sensitivity: metric,
  specificity: metric,
  threshold: z.number(),
  positives: count,
  negatives: count,
});

export const evaluationViewSchema = z.object({
  records: count,
  patients: count,
  /** Scored records shorter than the canonical window (zero-padded); null: not counted (a job from before the count). */
  shortRecords: count.nullable(),
  macroAuroc: metric,
  macroAuprc: metric,
  macroF1: metric,
  challenge: metric,
  ciAuroc: interval,
  perClass: z.array(classResult),
});

export const evaluationResultsSchema = z.object({
  job: z.number().int().positive(),
  state: z.string(),
  bundle: z.string().nullable(),
  centers: z.array(z.string()),
  part: z.string(),
  thresholdsFrom: z.string(),
  overall: evaluationViewSchema.nullable(),
  perCenter: z.array(z.object({ center: z.string() }).extend(evaluationViewSchema.shape)),
  /** The HTML report beside the job, when one was written. */
  report: z.string().nullable(),
});

export type RunSummary = z.output<typeof runSummarySchema>;
export type RunDetail = z.output<typeof runDetailSchema>;
export type StepSummary = z.output<typeof stepSummarySchema>;
export type LodoCell = z.output<typeof lodoCellSchema>;
export type LodoBaseline = z.output<typeof lodoBaselineSchema>;
export type ScalingCurveView = z.output<typeof scalingCurveSchema>;
export type Curves = z.output<typeof curvesSchema>;
export type LiveCurves = z.output<typeof liveSchema>;
export type EvaluationView = z.output<typeof evaluationViewSchema>;
export type EvaluationResults = z.output<typeof evaluationResultsSchema>;

/** A cluster run folder (`openecg cluster plan --out`) or one of its `out/<task>-m<i>` training folders. */
export const clusterInputSchema = z.object({ folder: z.string().min(1).max(4096) }).strict();

/** The trainer's metrics.jsonl line of the newest step (cluster/openecg_cluster/train.py). */
const clusterStepSchema = z.object({
  step: count,
  totalSteps: count,
  epoch: z.number(),
  /** Null when the trainer wrote NaN or Infinity (a diverged step). */
  loss: z.number().nullable(),
  lr: z.number(),
  seconds: z.number(),
  samplesPerSecond: z.number(),
  worldSize: count,
});

export const clusterTrainingSchema = z.object({
  /** The folder's name, e.g. pretrain-m0. */
  name: z.string(),
  /** pretrain, probe or finetune (the name's part before -m<i>), or '' for a folder named otherwise. */
  task: z.string(),
  folder: z.string(),
  steps: z.array(count),
  loss: z.array(z.number().nullable()),
  lr: z.array(z.number()),
  samplesPerSecond: z.array(z.number()),
  last: clusterStepSchema.nullable(),
  /** A last line without its newline that does not parse yet: the trainer is writing it. */
  partialLine: z.boolean(),
  /** checkpoint.safetensors is present. */
  checkpoint: z.boolean(),
  /** The ONNX graphs beside the checkpoint (file names). */
  onnx: z.array(z.string()),
});

export const clusterResultsSchema = z.object({ folder: z.string(), trainings: z.array(clusterTrainingSchema) });

export type ClusterTraining = z.output<typeof clusterTrainingSchema>;
export type ClusterResults = z.output<typeof clusterResultsSchema>;
