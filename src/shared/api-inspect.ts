// Schemas of the model-inspection methods (src/shared/api.ts's table holds them): the model bundles
// a workspace offers, one record's MAE reconstruction, one record's class probabilities with an
// occlusion saliency, and the error-review list of a run step. Transport-free, like api.ts.
import { z } from 'zod';
import { STANDARD_LEADS } from './leads.js';

const count = z.number().int().min(0);
const recordId = z.number().int().positive();
/** A model bundle folder: absolute, or relative to the workspace. */
export const bundlePathSchema = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), { message: 'NUL in path' });

/** A model made elsewhere (ONNX + model card, docs/model-card.md): what the card says, for lists and labels. */
export const foreignModelSchema = z.object({
  name: z.string(),
  version: z.string(),
  source: z.string(),
  licence: z.string(),
  rate: z.number().positive(),
  samples: z.number().int().positive(),
  leads: z.array(z.string()),
  layout: z.enum(['NCL', 'NLC']),
  units: z.enum(['mV', 'uV']),
  activation: z.enum(['sigmoid', 'softmax', 'none']),
  /** The model's outputs in its order: its own name, our class where it maps to one, its SNOMED-CT code. */
  classes: z.array(z.object({ name: z.string(), abbreviation: z.string().nullable(), snomed: z.string().nullable() })),
});

export const modelInfoSchema = z.object({
  path: z.string(),
  task: z.string(),
  architecture: z.string(),
  /** 'runs/job-3' when the bundle is a step of an experiment run, 'jobs/7' for a single job's. */
  source: z.string().nullable(),
  step: z.string().nullable(),
  method: z.string().nullable(),
  /** Centers whose records pre-trained the encoder (null: unknown, e.g. a bundle made elsewhere). */
  pool: z.array(z.string()).nullable(),
  /** The LODO target or null. */
  target: z.string().nullable(),
  arm: z.string().nullable(),
  createdAt: z.string(),
  /** Set for a foreign bundle (`openecg model import --onnx --card`); absent or null for ours. */
  foreign: foreignModelSchema.nullable().optional(),
});

export const modelsListSchema = z.object({ models: z.array(modelInfoSchema) });

export const reconstructInputSchema = z
  .object({
    id: recordId,
    bundle: bundlePathSchema,
    /** Fraction of patches hidden; default the model's own. */
    maskRatio: z.number().min(0.05).max(0.95).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict();

export const reconstructionSchema = z.object({
  id: recordId,
  center: z.string(),
  model: modelInfoSchema,
  /** The inference engine that ran the model, e.g. 'ort (cpu, 2 threads)' or 'tfjs (wasm)'. */
  engine: z.string(),
  /** Whether the record's center was in the model's pre-training pool (null: pool unknown). */
  centerInPool: z.boolean().nullable(),
  fs: z.number().positive(),
  maskRatio: z.number(),
  seed: count,
  patchSamples: z.number().int().positive(),
  /** One per patch: 1 = hidden from the encoder. */
  mask: z.array(z.literal([0, 1])),
  leads: z
    .array(
      z.object({
        lead: z.enum(STANDARD_LEADS),
        original: z.array(z.number()),
        reconstruction: z.array(z.number()),
        /** Mean squared error (mV^2) over this lead's hidden samples. */
        mse: z.number().nullable(),
      }),
    )
    .length(STANDARD_LEADS.length),
  /** Per patch: MSE over all leads (hidden and visible patches alike; only hidden ones were scored in training). */
  patchMse: z.array(z.number()),
  /** MSE over every hidden sample. */
  maskedMse: z.number().nullable(),
  ms: z.number(),
});

export const saliencySettingsSchema = z
  .object({
    /** Class index whose probability the occlusion explains (0-23 for ours; a foreign model's output index). */
    classIndex: z.number().int().min(0).max(9999),
    /** Occluded window, samples of the canonical record (100 Hz: 50 = 0.5 s; for a foreign model scaled to its rate). */
    window: z.number().int().min(2).max(1000).default(50),
    stride: z.number().int().min(1).max(1000).default(25),
    /** Value the window is set to, mV (0: a flat line at the baseline). */
    baseline: z.number().min(-10).max(10).default(0),
  })
  .strict();

export const predictInputSchema = z
  .object({
    id: recordId,
    bundle: bundlePathSchema,
    saliency: saliencySettingsSchema.optional(),
  })
  .strict();

export const predictionSchema = z.object({
  id: recordId,
  center: z.string(),
  model: modelInfoSchema,
  engine: z.string(),
  /** 'run': the step record's validation thresholds; 'card': a foreign model's card; 'default': 0.5 for every class. */
  thresholdsFrom: z.enum(['run', 'card', 'default']),
  /** Our 24 classes, or a foreign model's outputs in its card's order. */
  classes: z
    .array(
      z.object({
        index: count,
        /** Our abbreviation; a foreign model's output: its card name. */
        abbreviation: z.string(),
        name: z.string(),
        /** A probability (a foreign model with activation "none": its raw score). */
        probability: z.number(),
        threshold: z.number(),
        /** The record carries this class; null: a foreign output the catalog has no labels for. */
        label: z.boolean().nullable(),
        /** A foreign output's class among our 24 (null: none); absent for ours. */
        mapped: z.string().nullable().optional(),
        snomed: z.string().nullable().optional(),
      }),
    )
    .min(1),
  /** A foreign model (ONNX + card): how the record was brought to its input. */
  foreign: z
    .object({
      name: z.string(),
      version: z.string(),
      activation: z.enum(['sigmoid', 'softmax', 'none']),
      rate: z.number().positive(),
      samples: z.number().int().positive(),
      /** The card's leads, in its order. */
      leads: z.array(z.string()),
      windowStart: count,
      paddedSamples: count,
      warnings: z.array(z.string()),
    })
    .nullable()
    .optional(),
  fs: z.number().positive(),
  /** The model's input (12 x T canonical, mV; a foreign model's: 12 x its samples at its rate, mV, before its filter and normalisation), so an overlay lines up with what was scored. */
  leads: z.array(z.object({ lead: z.enum(STANDARD_LEADS), samples: z.array(z.number()) })).length(STANDARD_LEADS.length),
  saliency: z
    .object({
      classIndex: count,
      window: z.number().int(),
      stride: z.number().int(),
      baseline: z.number(),
      /** Per lead and sample: mean drop of the class probability when a window covering it is occluded. */
      leads: z.array(z.array(z.number())).length(STANDARD_LEADS.length),
      forwards: count,
      ms: z.number(),
    })
    .nullable(),
  ms: z.number(),
});

export const errorsInputSchema = z
  .object({
    /** Run folder name under runs/ (e.g. 'job-3'), with `step`; or `job`, an evaluate job (also of a foreign model). */
    run: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/).optional(),
    step: z.string().regex(/^[A-Za-z0-9._-]{1,120}$/).optional(),
    job: z.number().int().positive().optional(),
    /** Our class index (0-23); for an evaluation of a foreign model, the index of its output. */
    classIndex: z.number().int().min(0).max(9999),
    center: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict()
  .refine((i) => (i.job !== undefined) !== (i.run !== undefined || i.step !== undefined) && (i.job !== undefined || (i.run !== undefined && i.step !== undefined)), { message: 'give run and step, or job' });

const errorItem = z.object({ id: recordId, record: z.string(), center: z.string(), probability: z.number(), threshold: z.number() });

export const errorsSchema = z.object({
  run: z.string(),
  step: z.string(),
  bundle: z.string(),
  classIndex: count,
  /** The class's name: our abbreviation, or a foreign model's output name. */
  className: z.string().optional(),
  /** An evaluate job's classes by index (a foreign model's outputs by card name), for choosing another. */
  classes: z.array(z.string()).optional(),
  /** Why the lists are empty when it is not the model's merit (a foreign output without labels). */
  note: z.string().optional(),
  threshold: z.number(),
  centers: z.array(z.string()),
  /** Predicted positive, not labelled: most confident first. */
  falsePositives: z.array(errorItem),
  /** Labelled, predicted negative: lowest probability first. */
  falseNegatives: z.array(errorItem),
  counts: z.object({ tp: count, fp: count, fn: count, tn: count }),
});

export type ModelInfo = z.output<typeof modelInfoSchema>;
export type ForeignModelInfo = z.output<typeof foreignModelSchema>;
export type ReconstructionResult = z.output<typeof reconstructionSchema>;
export type PredictionResult = z.output<typeof predictionSchema>;
export type ErrorReview = z.output<typeof errorsSchema>;
