// Pieces both trainers share: resolved optimisation settings, the bundle's description of a
// model, and a JSON-safe copy of a training configuration for provenance.
import * as tf from '@tensorflow/tfjs-core';
import { bundleClasses, codeVersion, defaultPreprocessing, type BundleMeta, type BundleTask } from '../bundle.js';
import type { EcgModel, ModelOptions } from '../models/index.js';
import type { Normalisation } from '../normalize.js';
import { writeRunRoutes } from '../kernels/route-cache.js';
import type { OptimConfig } from './loop.js';
import type { Schedule } from './schedule.js';

export function scheduleOf(config: OptimConfig, defaultLr: number): Schedule {
  return { kind: config.schedule ?? 'cosine', base: config.learningRate ?? defaultLr, warmupSteps: config.warmupSteps ?? 0, totalSteps: config.steps };
}

export function architectureOf(model: EcgModel, options: ModelOptions): BundleMeta['architecture'] {
  return {
    name: model.name,
    options: { leads: model.leads, samples: model.samples, classes: model.classes, width: options.width ?? 1, depth: options.depth ?? 1, seed: options.seed ?? 1 },
  };
}

/** The configuration as plain JSON (drops functions and undefined). */
export function jsonConfig(config: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}

export function bundleMeta(args: {
  task: BundleTask;
  model: EcgModel;
  modelOptions: ModelOptions;
  normalisation: Normalisation;
  seed: number;
  config: object;
  dataSnapshot?: string;
  method?: Record<string, unknown>;
}): BundleMeta {
  return {
    task: args.task,
    architecture: architectureOf(args.model, args.modelOptions),
    ...(args.method ? { method: jsonConfig(args.method) } : {}),
    preprocessing: defaultPreprocessing(args.normalisation, args.model.samples),
    classes: bundleClasses(),
    provenance: {
      created_at: new Date().toISOString(),
      code_version: codeVersion(),
      backend: tf.getBackend(),
      seed: args.seed,
      training: jsonConfig(args.config),
      data_snapshot: args.dataSnapshot ?? null,
    },
  };
}

/** Same architecture? (name and every option) */
export function sameArchitecture(a: BundleMeta['architecture'], b: BundleMeta['architecture']): boolean {
  return a.name === b.name && (Object.keys(a.options) as (keyof typeof a.options)[]).every((k) => a.options[k] === b.options[k]);
}

/** After a checkpoint: the kernel routes used so far beside it, pinned again when the run resumes (docs/kernels.md). */
export function withRoutes(dir: string, checkpoint: string): string {
  writeRunRoutes(dir);
  return checkpoint;
}
