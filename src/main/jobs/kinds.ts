// What each kind of job takes as parameters (stored as JSON in the job row, checked again when the
// job process starts, so a resumed job runs with exactly what it was submitted with).
import { z } from 'zod';
import { experimentConfigSchema, TRAINING_ENGINES } from '../experiments/config.js';
import { demoModelsParams } from './demo-models.js';

export const importParams = z.object({ folder: z.string(), dataset: z.string().optional(), center: z.string().optional(), workers: z.number().int().min(0).optional() }).strict();

export const experimentParams = z.object({ experiment: z.enum(['lodo', 'scaling']), config: experimentConfigSchema, config_file: z.string().nullable().default(null) }).strict();

/** Who trains a single-step job (jobs/training.ts); absent: the config's `engine` (older rows lack it). */
const engine = z.enum(TRAINING_ENGINES).optional();

/** One pre-training of config.methods[method] on the train split of `centers` (default: all the config's). */
export const pretrainParams = z.object({ config: experimentConfigSchema, method: z.number().int().min(0).default(0), centers: z.array(z.string()).min(1).optional(), engine }).strict();

/** Probe or fine-tune from a pre-training bundle on the centers' train split, scored on their test split. */
export const downstreamParams = z.object({ config: experimentConfigSchema, init: z.string(), centers: z.array(z.string()).min(1).optional(), engine }).strict();

/**
 * Scores a classifier bundle on the centers' test split, thresholds from their val split; or, with
 * `folder`, imports the folder as `center` first and scores all its records at 0.5 (jobs/evaluate.ts).
 */
export const evaluateParams = z
  .object({
    config: experimentConfigSchema,
    bundle: z.string(),
    centers: z.array(z.string()).min(1).optional(),
    folder: z.string().optional(),
    dataset: z.string().optional(),
    center: z.string().optional(),
    part: z.enum(['test', 'all']).optional(),
    /**
     * Added for `openecg evaluate` and foreign models (older jobs lack them; one schema for both, so
     * every row either wrote still parses): 'from-validation' (the default for our bundles' test
     * part), 'card' (a foreign model's card thresholds, else 0.5: its default), one fixed threshold
     * for every class or output (a numeric string from early foreign rows is read as that number), or
     * one per class in CLASSES order / per output in the card's order (a thresholds CSV read by the
     * CLI, named by thresholds_file). Counts and ranges are checked where the bundle is known
     * (jobs/evaluate-select.ts thresholdRule).
     */
    thresholds: z.union([z.enum(['from-validation', 'card']), z.number().finite(), z.string().regex(/^\d*\.?\d+$/).transform(Number), z.array(z.number().finite()).min(1)]).optional(),
    thresholds_file: z.string().optional(),
    /** A folder the outputs (evaluation.json, predictions/labels/thresholds CSV, report) are copied into. */
    out: z.string().optional(),
  })
  .strict();

export const PARAMS = { import: importParams, experiment: experimentParams, pretrain: pretrainParams, probe: downstreamParams, finetune: downstreamParams, evaluate: evaluateParams, 'demo-models': demoModelsParams } as const;
