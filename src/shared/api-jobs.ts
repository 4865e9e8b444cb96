// Schemas of the job forms (src/shared/api.ts's table holds them): every job kind started from the
// UI with the settings the CLI and the job parameters take, resume, and a job's log and result.
import { z } from 'zod';

const configName = z.string().regex(/^[a-z0-9-]{1,40}$/);
const path = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), { message: 'NUL in path' });
const centers = z.array(z.string().min(1).max(200)).min(1).optional();
const center = z.string().min(1).max(200);
const dataset = z.string().regex(/^[a-z0-9-]{1,32}$/);
/** Who trains an experiment's steps, or a pretrain/probe/finetune job (docs/experiment-config.md, engine). */
export const TRAINING_ENGINE_NAMES = ['tfjs', 'torch', 'slurm', 'auto'] as const;
const trainingEngine = z.enum(TRAINING_ENGINE_NAMES);

export const jobSubmitSchema = z.discriminatedUnion('kind', [
  /** The demo's models (a small MAE and a classifier on it): the workspace's one such job, reused or resumed. */
  z.object({ kind: z.literal('demo-models') }).strict(),
  /** `openecg import <folder> [--dataset] [--center] [--workers]` as a job. */
  z.object({ kind: z.literal('import'), folder: path, dataset: dataset.optional(), center: center.optional(), workers: z.number().int().min(0).max(64).optional() }).strict(),
  /** `openecg experiment lodo|scaling --config <name> [--engine E]`; without engine, the config's. */
  z.object({ kind: z.literal('experiment'), experiment: z.enum(['lodo', 'scaling']), config: configName, engine: trainingEngine.optional() }).strict(),
  /** Pre-train config.methods[method] on the train split of `centers` (default: the config's); without engine, the config's. */
  z.object({ kind: z.literal('pretrain'), config: configName, method: z.number().int().min(0).max(20).default(0), centers, engine: trainingEngine.optional() }).strict(),
  /** Probe or fine-tune from a pre-training bundle on the centers' train split, scored on their test split; without engine, the config's. */
  z.object({ kind: z.enum(['probe', 'finetune']), config: configName, init: path, centers, engine: trainingEngine.optional() }).strict(),
  /**
   * Score a classifier bundle. With `folder`, the folder is imported first (as `center`, through
   * the usual adapters) and every one of its records is scored ('all', thresholds 0.5): the
   * hospital-site flow. Without, the centers' test split is scored with thresholds from their
   * validation split.
   */
  z
    .object({
      kind: z.literal('evaluate'),
      config: configName,
      bundle: path,
      centers,
      folder: path.optional(),
      dataset: dataset.optional(),
      center: center.optional(),
      part: z.enum(['test', 'all']).optional(),
    })
    .strict(),
]);

export const jobIdSchema = z.object({ id: z.number().int().positive() }).strict();

export const jobLogInputSchema = z.object({ id: z.number().int().positive(), tail: z.number().int().min(1).max(2000).default(200) }).strict();

export const jobLogSchema = z.object({ id: z.number().int().positive(), lines: z.array(z.string()), bytes: z.number().int().min(0) });

export type JobSubmit = z.input<typeof jobSubmitSchema>;
