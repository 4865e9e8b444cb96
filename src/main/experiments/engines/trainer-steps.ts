// An experiment's training steps on a PyTorch engine (torch here, or Slurm): the step's records as
// shards (exported on demand into the workspace, reused and verified), a per-step config file, the
// trainer's out folder inside the step's checkpoint folder, then its checkpoint as a model bundle.
// Scoring (thresholds, metrics, bootstrap, predictions) runs here on ONNX Runtime exactly as after a
// TensorFlow.js step, so a run folder has one format whatever trained it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportTorchCheckpoint, importTorchCheckpoint } from '../../ml/torch-weights.js';
import { stepsOf, type Budget, type ExperimentConfig, type MethodConfig } from '../config.js';
import type { RecordRef } from '../data.js';
import { exportShards } from '../export/shards.js';
import type { BackboneSpec } from '../plan.js';
import { writeJsonAtomic, type RunFolder } from '../run-folder.js';
import { scoreBundle, type Scored } from '../score.js';
import { StepCancelled, type DownstreamResult, type PretrainResult, type StepIo } from '../steps.js';
import { lossCurve, readMetrics } from './metrics-tail.js';
import { TrainerCancelled, type TrainerStep, type TrainingEngine } from './types.js';

export interface EngineContext {
  readonly engine: TrainingEngine;
  readonly workspace: string;
  readonly config: ExperimentConfig;
  /** The patient split every step uses (the index's split column). */
  readonly splitId: number;
  /** Where each step's files go: a run folder's checkpoints/<step>/, or a single-step job's checkpoints/. */
  readonly folder: Pick<RunFolder, 'checkpointDir'>;
  log(line: string): void;
  /** Runs the workstation's part of a step (checkpoint -> bundle, scoring); the runner may queue it behind other steps'. Absent: at once. */
  readonly local?: <T>(fn: () => T | Promise<T>) => Promise<T>;
}

/** Where a step's trainer leaves its final checkpoint: known before it runs, so a probe can be submitted behind its pre-training. */
export const trainerCheckpoint = (checkpointDir: string): string => join(checkpointDir, 'trainer', 'checkpoint.safetensors');

const local = <T>(ctx: EngineContext, fn: () => T | Promise<T>): Promise<T> => (ctx.local ? ctx.local(fn) : Promise.resolve().then(fn));

/** What an engine step adds to a step record: where it trained and the trainer's checkpoint. */
export interface EngineStepInfo {
  readonly engine: string;
  readonly trainer_checkpoint: string;
}

/** The shard export of exactly these records: <workspace>/shards/steps/<sha-256 of split and ids>/, kept for every step that reads the same records. */
export function poolShards(ctx: Pick<EngineContext, 'workspace' | 'splitId' | 'log'>, ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const key = createHash('sha256').update(`${ctx.splitId}:${sorted.join(',')}`).digest('hex').slice(0, 20);
  const out = join(ctx.workspace, 'shards', 'steps', key);
  const r = exportShards(ctx.workspace, out, { ids: sorted, splitSet: ctx.splitId, verify: true });
  ctx.log(`shards ${out}: ${r.records} records, ${r.written ? `${r.written} of ${r.shards} shards written (${(r.bytes_written / 1e6).toFixed(1)} MB)` : `all ${r.shards} kept (SHA-256 verified)`}`);
  return out;
}

/** The step's folder under checkpoints/: config.json, trainer/ (the trainer's out), losses.json. */
function stepFiles(folder: EngineContext['folder'], name: string) {
  const dir = folder.checkpointDir(name);
  mkdirSync(dir, { recursive: true });
  return { dir, config: join(dir, 'config.json'), out: join(dir, 'trainer'), losses: join(dir, 'losses.json') };
}

/** The config the trainer reads for one step: one seed, one method (methods[0]) with the step's backbone. */
function stepConfig(config: ExperimentConfig, seed: number, method: MethodConfig | null, backbone: BackboneSpec): Record<string, unknown> {
  const m = method ?? { method: 'simclr', options: {} };
  return { ...config, seeds: [seed], methods: [{ ...m, backbone: backbone.model, width: backbone.width, depth: backbone.depth }] };
}

/**
 * Runs one trainer step, its metrics as the step's progress and loss curve (losses.json beside,
 * where the TensorFlow.js steps keep theirs); a cancel becomes the runner's StepCancelled.
 */
async function train(ctx: EngineContext, step: TrainerStep, files: { losses: string }, io: StepIo, total: number) {
  let lastSave = 0;
  const saveCurve = () => writeJsonAtomic(files.losses, lossCurve(readMetrics(join(step.out, 'metrics.jsonl'))));
  try {
    const r = await ctx.engine.start(step, {
      signal: io.signal,
      log: ctx.log,
      onMetric: (m) => {
        io.onProgress?.(m.step, total, m.loss);
        if (Date.now() - lastSave > 2000) {
          lastSave = Date.now();
          saveCurve();
        }
      },
    });
    saveCurve();
    const metrics = readMetrics(join(step.out, 'metrics.jsonl'));
    const last = metrics.at(-1);
    if (last) ctx.log(`${step.name}: ${last.step} steps on ${r.where}, ${last.samples_per_s} samples/s at the last step`);
    return { ...r, losses: lossCurve(metrics) };
  } catch (err) {
    if (err instanceof TrainerCancelled) {
      saveCurve();
      throw new StepCancelled(step.name);
    }
    throw err;
  }
}

/** Batch size the trainer can fill from `records` (its sampler needs one whole batch). */
function batchFor(name: string, budget: Budget, records: number, log: (l: string) => void): number {
  if (records >= budget.batchSize) return budget.batchSize;
  log(`${name}: ${records} records cannot fill a batch of ${budget.batchSize}; the trainer uses batches of ${records}`);
  return records;
}

export async function enginePretrain(
  ctx: EngineContext,
  args: { name: string; method: MethodConfig; backbone: BackboneSpec; seed: number; records: readonly number[]; bundleDir: string },
  io: StepIo,
): Promise<PretrainResult & EngineStepInfo> {
  const files = stepFiles(ctx.folder, args.name);
  const budget = ctx.config.pretrain;
  const steps = stepsOf(budget, args.records.length);
  writeJsonAtomic(files.config, stepConfig(ctx.config, args.seed, args.method, args.backbone));
  const step: TrainerStep = {
    name: args.name,
    task: 'pretrain',
    config: files.config,
    methodIndex: 0,
    shards: poolShards(ctx, args.records),
    steps,
    batchSize: batchFor(args.name, budget, args.records.length, ctx.log),
    checkpointEvery: budget.checkpointEvery,
    out: files.out,
  };
  const r = await train(ctx, step, files, io, steps);
  await local(ctx, () => importTorchCheckpoint(r.checkpoint, args.bundleDir));
  return { bundle: args.bundleDir, steps, losses: r.losses, resumedFrom: r.resumedFrom, engine: r.where, trainer_checkpoint: r.checkpoint };
}

export async function engineDownstream(
  ctx: EngineContext,
  args: {
    name: string;
    mode: 'probe' | 'finetune';
    /** The pre-training step's trainer checkpoint, or its bundle (made by TensorFlow.js); null: random weights. */
    init: { checkpoint?: string; bundle: string; after?: string } | null;
    method: MethodConfig | null;
    backbone: BackboneSpec;
    seed: number;
    train: readonly RecordRef[];
    val: readonly RecordRef[];
    test: readonly RecordRef[];
    bundleDir: string;
    predictionsFile: string;
  },
  io: StepIo,
): Promise<DownstreamResult & Scored & EngineStepInfo> {
  const files = stepFiles(ctx.folder, args.name);
  const budget = ctx.config.downstream[args.mode]!;
  const steps = stepsOf(budget, args.train.length);
  const batches = Math.ceil((args.val.length + args.test.length) / ctx.config.evaluation.batchSize);
  const total = steps + batches;
  let init: string | undefined;
  if (args.init?.after && args.init.checkpoint) {
    // Still training (Slurm): this trainer is held until it ends (afterok), its checkpoint then at this path.
    init = args.init.checkpoint;
  } else if (args.init) {
    init = args.init.checkpoint && existsSync(args.init.checkpoint) ? args.init.checkpoint : join(files.dir, 'init.safetensors');
    // An encoder trained by TensorFlow.js (a run resumed on another engine): its weights in PyTorch layout.
    if (init !== args.init.checkpoint && !existsSync(init)) exportTorchCheckpoint(args.init.bundle, init);
  }
  writeJsonAtomic(files.config, stepConfig(ctx.config, args.seed, args.method, args.backbone));
  const step: TrainerStep = {
    name: args.name,
    task: args.mode,
    config: files.config,
    methodIndex: 0,
    shards: poolShards(ctx, args.train.map((r) => r.id)),
    ...(init ? { init } : {}),
    ...(args.init?.after ? { after: [args.init.after] } : {}),
    steps,
    batchSize: batchFor(args.name, budget, args.train.length, ctx.log),
    checkpointEvery: ctx.config.downstream.checkpointEvery,
    out: files.out,
  };
  const r = await train(ctx, step, files, io, total);
  let done = steps;
  const scored = await local(ctx, () => {
    importTorchCheckpoint(r.checkpoint, args.bundleDir);
    return scoreBundle(
    args.bundleDir,
    { val: args.val, test: args.test, bootstrap: ctx.config.evaluation.bootstrap, evalBatch: ctx.config.evaluation.batchSize, seed: args.seed, engine: ctx.config.inference, predictionsFile: args.predictionsFile },
    io,
    () => io.onProgress?.(++done, total, null),
    );
  });
  return { bundle: args.bundleDir, steps, losses: r.losses, resumedFrom: r.resumedFrom, ...scored, engine: r.where, trainer_checkpoint: r.checkpoint };
}
