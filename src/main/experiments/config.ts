// The experiment configuration file (docs/experiment-config.md): methods and backbones, training
// budgets, seeds, centers, downstream protocol and scaling fractions. Validated with zod so a typo
// fails before hours of training, naming the field.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { robustnessSchema } from './robustness-config.js';
import { slurmSchema } from './slurm-config.js';

const modelName = z.enum(['resnet18_1d', 'resnet50_1d', 'vit_1d']);
const positive = z.number().positive();

/** Either a number of optimiser steps or of epochs (passes over the training records). */
const budget = z
  .object({
    steps: z.number().int().positive().optional(),
    epochs: positive.optional(),
    batchSize: z.number().int().positive(),
    learningRate: positive.optional(),
    weightDecay: z.number().min(0).optional(),
    schedule: z.enum(['constant', 'cosine']).optional(),
    warmupSteps: z.number().int().min(0).optional(),
    /** Data-parallel replicas (TensorFlow.js); default OPENECG_TRAIN_WORKERS, else by network size (docs/defaults.md). */
    workers: z.number().int().min(1).max(64).optional(),
  })
  .strict()
  .refine((b) => (b.steps === undefined) !== (b.epochs === undefined), { message: 'give exactly one of steps or epochs' });

const method = z
  .object({
    /** Self-supervised objective. */
    method: z.enum(['simclr', 'byol', 'mae']),
    backbone: modelName.optional(),
    /** Width and depth multipliers of the backbone (1 = the paper's size). */
    width: positive.default(1),
    depth: positive.default(1),
    learningRate: positive.optional(),
    weightDecay: z.number().min(0).optional(),
    /** Method settings passed to the ml layer as they are (temperature, momentum, maskRatio, ...). */
    options: z
      .object({
        temperature: positive.optional(),
        projectorHidden: z.number().int().positive().optional(),
        projectorOut: z.number().int().positive().optional(),
        momentum: z.number().min(0).max(1).optional(),
        maskRatio: z.number().gt(0).lt(1).optional(),
        decoderDim: z.number().int().positive().optional(),
        decoderDepth: z.number().int().positive().optional(),
        decoderHeads: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const TRAINING_ENGINES = ['tfjs', 'torch', 'slurm', 'auto'] as const;
export const INFERENCE_ENGINES = ['auto', 'ort', 'tfjs'] as const;

/**
 * Before issue 21 `engine` named the inference engine and training was always TensorFlow.js. A
 * document without an `inference` key is read that way (old run.json files, stored job parameters
 * and config files keep their meaning), unless its `engine` can only be a training engine
 * ('torch', 'slurm'). A parsed config always has both keys, so what it stores is unambiguous.
 */
export function upgradeLegacyEngine(doc: unknown): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const o = doc as Record<string, unknown>;
  if ('inference' in o || !('engine' in o)) return doc;
  if (o.engine === 'torch' || o.engine === 'slurm') return doc;
  return { ...o, inference: o.engine, engine: 'tfjs' };
}

const configObject = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** Settings taken from the paper: dotted path ('methods.*.backbone') -> PAPER.md source tag and what it says. */
    from_paper: z.record(z.string(), z.string()).default({}),
    /** Settings the paper leaves open: dotted path -> the default chosen and why (docs/defaults.md). Documentation only. */
    defaults_open: z.record(z.string(), z.string()).default({}),
    /** TensorFlow.js backend; OPENECG_BACKEND in the environment wins. */
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    /** Training engine of every step (docs/experiment-config.md): TensorFlow.js in the job, the PyTorch trainer (here or on Slurm), or auto. */
    engine: z.enum(TRAINING_ENGINES).default('tfjs'),
    /** Inference engine of evaluation (docs/inference.md): ONNX Runtime when it loads, else TensorFlow.js; OPENECG_ENGINE wins. */
    inference: z.enum(INFERENCE_ENGINES).default('auto'),
    /** Every run is repeated per seed (weights, views, data order); tables give the mean. */
    seeds: z.array(z.number().int().min(0)).min(1).default([1]),
    /** The patient-level split every step uses. */
    split: z
      .object({
        seed: z.number().int().min(0).default(0),
        ratios: z.object({ train: z.number().min(0), val: z.number().min(0), test: z.number().min(0) }).strict().default({ train: 0.8, val: 0.1, test: 0.1 }),
      })
      .strict()
      .default({ seed: 0, ratios: { train: 0.8, val: 0.1, test: 0.1 } }),
    /** Centers of the workspace taking part (null: all). */
    centers: z.array(z.string()).min(1).nullable().default(null),
    /** Centers evaluated (LODO targets; scaling's fixed test set). null: every labelled center. */
    targets: z.array(z.string()).min(1).nullable().default(null),
    /**
     * Records shorter than the canonical window (zero-padded, records.padded_s > 0) in the train and
     * val parts: 'include' or 'exclude'; null: the workspace's setting (`openecg splits --short-records`,
     * default include). Test parts always keep them.
     */
    shortRecords: z.enum(['include', 'exclude']).nullable().default(null),
    methods: z.array(method).min(1),
    pretrain: budget.and(
      z.object({
        /** Checkpoint every N steps (a cancel or crash loses at most this much). */
        checkpointEvery: z.number().int().min(0).default(100),
        /** Cap on pre-training records, the first by a seeded hash (null: all). */
        maxRecords: z.number().int().positive().nullable().default(null),
      }),
    ),
    downstream: z
      .object({
        protocols: z.array(z.enum(['probe', 'finetune'])).min(1).default(['probe']),
        probe: budget.optional(),
        finetune: budget.optional(),
        checkpointEvery: z.number().int().min(0).default(100),
      })
      .strict()
      .refine((d) => d.protocols.every((p) => d[p] !== undefined), { message: 'every protocol listed needs its own budget (probe / finetune)' }),
    evaluation: z
      .object({
        /** Bootstrap replicates for the confidence intervals (0: none). */
        bootstrap: z.number().int().min(0).default(1000),
        /** Records per inference batch. */
        batchSize: z.number().int().positive().default(64),
      })
      .strict()
      .default({ bootstrap: 1000, batchSize: 64 }),
    lodo: z
      .object({
        /** Also pre-train once on every center ("w/" arm) and report delta = w/ - w/o per target. */
        withArm: z.boolean().default(true),
      })
      .strict()
      .default({ withArm: true }),
    /** Baselines trained and scored beside the pre-trained models on every target (same downstream protocol). */
    baselines: z
      .object({
        /** The backbone randomly initialised and fine-tuned on the labelled train split (downstream.finetune's budget). */
        scratch: z.boolean().default(true),
        /** A frozen random encoder under the linear probe (downstream.probe's budget). */
        randomProbe: z.boolean().default(true),
      })
      .strict()
      .default({ scratch: true, randomProbe: true }),
    robustness: robustnessSchema,
    /** How the Slurm training engine submits steps (partition, account, time, GPUs, sbatch options); docs/cluster.md. */
    slurm: slurmSchema.optional(),
    scaling: z
      .object({
        fractions: z.array(z.number().gt(0).max(1)).min(1).default([0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1]),
        /** Subsets drawn by patient (default) or by record. */
        unit: z.enum(['patient', 'record']).default('patient'),
        seed: z.number().int().min(0).default(0),
        /** Saturation: the smallest fraction whose macro AUROC is within this many AUROC points (x100) of the best. */
        saturationPoints: z.number().min(0).default(1),
      })
      .strict()
      .default({ fractions: [0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1], unit: 'patient', seed: 0, saturationPoints: 1 }),
  })
  .strict();

export const experimentConfigSchema = z.preprocess(upgradeLegacyEngine, configObject).superRefine((c, ctx) => {
    // A baseline shares its protocol's budget, so the budget must be there even if the protocol is not listed.
    if (c.baselines.scratch && !c.downstream.finetune) ctx.addIssue({ code: 'custom', path: ['baselines', 'scratch'], message: 'the scratch baseline trains with downstream.finetune: give that budget or set baselines.scratch to false' });
    if (c.baselines.randomProbe && !c.downstream.probe) ctx.addIssue({ code: 'custom', path: ['baselines', 'randomProbe'], message: 'the random-encoder baseline trains with downstream.probe: give that budget or set baselines.randomProbe to false' });
  });

export type ExperimentConfig = z.output<typeof experimentConfigSchema>;
export type MethodConfig = ExperimentConfig['methods'][number];
export type Budget = z.output<typeof budget>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validates a parsed JSON document; the error lists every problem with its path. */
export function parseExperimentConfig(doc: unknown, source = 'config'): ExperimentConfig {
  const r = experimentConfigSchema.safeParse(doc);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new ConfigError(`${source}: ${problems.join('; ')}`);
  }
  return r.data;
}

export function readExperimentConfig(file: string): ExperimentConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
  return parseExperimentConfig(doc, file);
}

/** Optimiser steps of a budget over `records` training records. */
export function stepsOf(b: Budget, records: number): number {
  if (b.steps !== undefined) return b.steps;
  return Math.max(1, Math.ceil((b.epochs! * records) / b.batchSize));
}
