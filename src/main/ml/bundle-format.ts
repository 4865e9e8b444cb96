// The model bundle's bundle.json, as a zod schema: what a bundle folder must hold to be loaded.
// docs/model-bundle.md describes the format for people; this file is the authority for code.
import { z } from 'zod';
import { MODEL_NAMES } from './models/index.js';
import { NORMALISATIONS } from './normalize.js';

export const BUNDLE_FORMAT = 'openecg-model-bundle';
export const BUNDLE_VERSION = 1;
export const TASKS = ['pretrain-simclr', 'pretrain-byol', 'pretrain-mae', 'classifier', 'probe'] as const;
export type BundleTask = (typeof TASKS)[number];

const tensorEntry = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  /** Byte offset in the file. */
  offset: z.number().int().nonnegative(),
});

const tensorFile = z.object({
  file: z.string().min(1),
  dtype: z.literal('float32'),
  byte_order: z.literal('little-endian'),
  byte_length: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  tensors: z.array(tensorEntry),
});

/** One ONNX graph file of the bundle (docs/inference.md): what it computes and its checksum. */
const onnxGraph = z.object({
  role: z.enum(['classifier', 'encoder', 'mae']),
  file: z.string().min(1),
  byte_length: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
});

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  task: z.enum(TASKS),
  architecture: z.object({
    name: z.enum(MODEL_NAMES),
    options: z.object({
      leads: z.number().int().positive(),
      samples: z.number().int().positive(),
      classes: z.number().int().positive(),
      width: z.number().positive(),
      depth: z.number().positive(),
      seed: z.number().int(),
    }),
  }),
  /** The SSL method's settings (head sizes, temperature, momentum, mask ratio, decoder...). */
  method: z.record(z.string(), z.unknown()).optional(),
  preprocessing: z.object({
    rate: z.number().positive(),
    length: z.number().int().positive(),
    leads: z.array(z.string()).min(1),
    units: z.literal('mV'),
    normalisation: z.enum(NORMALISATIONS as unknown as ['zscore-per-lead', 'none']),
  }),
  classes: z.array(z.object({ index: z.number().int().nonnegative(), abbreviation: z.string(), snomed: z.array(z.string()).min(1) })),
  provenance: z.object({
    created_at: z.string(),
    code_version: z.string(),
    backend: z.string(),
    seed: z.number().int(),
    training: z.record(z.string(), z.unknown()),
    data_snapshot: z.string().nullable(),
  }),
  weights: tensorFile,
  training_state: z
    .object({
      step: z.number().int().nonnegative(),
      total_steps: z.number().int().nonnegative(),
      last_loss: z.number().nullable(),
      optimizer: tensorFile,
    })
    .optional(),
  /**
   * Optional (bundles written before it have none): ONNX graphs of the network, for ONNX Runtime.
   * Optional so version-1 readers and bundles stay valid both ways.
   */
  onnx: z
    .object({
      opset: z.number().int().positive(),
      /** Who wrote the graphs: our exporter ('openecg') or the cluster trainer ('torch.onnx'). */
      producer: z.string(),
      /** True when BatchNorm was folded into the convolutions (inference only). */
      folded_batchnorm: z.boolean(),
      graphs: z.array(onnxGraph).min(1),
    })
    .optional(),
});

export type BundleJson = z.infer<typeof bundleSchema>;
export type TensorFileJson = z.infer<typeof tensorFile>;
export type OnnxGraphJson = z.infer<typeof onnxGraph>;
