// The single-step training jobs (pretrain, probe, finetune, and demo-models' two stages). They train
// on the engine the job names, else its config's: TensorFlow.js in the job process, or the PyTorch
// trainer (torch here, slurm) through the experiment runner's own engine steps
// (experiments/engines/trainer-steps.ts) with the job's checkpoints folder as the step's folder. The
// bundle, loss curve, thresholds and predictions land in the same places whichever engine trained.
import { join } from 'node:path';
import { Catalog } from '../catalog/index.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { recordRefs } from '../experiments/data.js';
import { describeTrainingEngine, openTrainingEngine, type TrainingEngineInfo } from '../experiments/engines/run-engine.js';
import { engineDownstream, enginePretrain, type EngineContext } from '../experiments/engines/trainer-steps.js';
import type { TrainingEngine, TrainingEngineName } from '../experiments/engines/types.js';
import { backboneOf } from '../experiments/plan.js';
import { experimentCenters, labelledCenters, recordsOf, splitOf } from '../experiments/selection.js';
import { downstream, pretrain } from '../experiments/steps.js';
import { chooseBackend, readBundleJson } from '../ml/index.js';
import { ShardStore } from '../signal/store.js';
import type { JobContext } from './handlers.js';

/** The engine a job trains on, opened once at its start. */
export interface JobEngine {
  /** 'tfjs', or where the trainer runs, e.g. 'torch 1.13.0 (cpu, 2 threads)'. */
  readonly label: string;
  readonly info: TrainingEngineInfo;
  /** null: TensorFlow.js in the job process. */
  readonly engine: TrainingEngine | null;
}

/**
 * The job's `engine` parameter, else the config's; auto resolved and its reason logged. Torch without
 * a usable python3-torch throws here, before any record is read, with the experiment runner's message.
 */
export async function openJobEngine(ctx: JobContext, config: ExperimentConfig, requested: TrainingEngineName | undefined): Promise<JobEngine> {
  const opened = await openTrainingEngine(requested ?? config.engine, config, requested ? 'job' : 'config');
  const label = describeTrainingEngine(opened.info);
  ctx.log(`training engine: ${label}: ${opened.info.reason}`);
  return { label, ...opened };
}

/** TensorFlow.js, named as such in the log (the demo's models: they must train on any machine). */
export function tfjsJobEngine(ctx: JobContext, why: string): JobEngine {
  const info: TrainingEngineInfo = { requested: 'tfjs', name: 'tfjs', reason: why };
  ctx.log(`training engine: tfjs: ${why}`);
  return { label: 'tfjs', info, engine: null };
}

/** Records of the centers per part, with the split the config names. */
function parts(workspace: string, config: ExperimentConfig, centers: string[] | undefined, labelled: boolean) {
  const catalog = Catalog.open(workspace);
  try {
    const all = centers ?? experimentCenters(catalog, config);
    const cs = labelled ? labelledCenters(catalog, all) : all;
    const split = splitOf(catalog, config);
    const refs = (p: 'train' | 'val' | 'test') => recordRefs(catalog, recordsOf(catalog, split, p, cs, config.shortRecords));
    return { centers: cs, split, train: refs('train'), val: refs('val'), test: refs('test') };
  } finally {
    catalog.close();
  }
}

const store = (workspace: string) => ShardStore.openReader(join(workspace, 'store'));

const io = (ctx: JobContext, s: ShardStore) => ({ store: s, signal: ctx.signal, onProgress: (done: number, total: number, loss: number | null) => ctx.progress(done / total, `${done}/${total}${loss === null ? '' : ` loss ${loss.toFixed(4)}`}`) });

/** Where a training step of a job writes. */
export interface StepFiles {
  readonly bundle: string;
  readonly checkpoints: string;
  readonly predictions?: string;
}

/** What every job training step adds: who trained it, and the PyTorch trainer's checkpoint when it did. */
export interface TrainedOn {
  readonly engine: string;
  readonly trainer_checkpoint?: string;
}

/** The experiment runner's engine context for one job step: the step's files in the job's checkpoints folder. */
function engineContext(ctx: JobContext, engine: TrainingEngine, config: ExperimentConfig, splitId: number, files: StepFiles): EngineContext {
  return { engine, workspace: ctx.workspace, config, splitId, folder: { checkpointDir: () => files.checkpoints }, log: ctx.log };
}

/** The step's name on the engine (the Slurm job's name): unique per job. */
const stepName = (ctx: JobContext, what: string) => `job-${ctx.id}-${what}`;

/** Pre-trains config.methods[method] on the train split of the centers (default: the config's). */
export async function pretrainStep(ctx: JobContext, config: ExperimentConfig, methodIndex: number, centerNames: string[] | undefined, files: StepFiles, engine: JobEngine) {
  const method = config.methods[methodIndex];
  if (!method) throw new Error(`the config has ${config.methods.length} methods; method ${methodIndex} does not exist`);
  await chooseBackend({ prefer: config.backend });
  const { train, centers, split } = parts(ctx.workspace, config, centerNames, false);
  ctx.log(`pre-training ${method.method} on ${train.length} records of ${centers.join(', ')} on ${engine.label}`);
  const s = store(ctx.workspace);
  try {
    if (engine.engine) {
      const args = { name: stepName(ctx, 'pretrain'), method, backbone: backboneOf(method), seed: config.seeds[0], records: train.map((r) => r.id), bundleDir: files.bundle };
      return await enginePretrain(engineContext(ctx, engine.engine, config, split, files), args, io(ctx, s));
    }
    const r = await pretrain('pretrain', { method, budget: config.pretrain, seed: config.seeds[0], refs: train, checkpointDir: files.checkpoints, bundleDir: files.bundle, dataSnapshot: `centers:${centers.join('|')}` }, io(ctx, s));
    return { ...r, engine: engine.label } satisfies TrainedOn & typeof r;
  } finally {
    s.close();
  }
}

/** Probes or fine-tunes from a pre-training bundle on the labelled centers' train split, scored on their test split. */
export async function downstreamStep(ctx: JobContext, mode: 'probe' | 'finetune', config: ExperimentConfig, init: string, centerNames: string[] | undefined, files: StepFiles, engine: JobEngine) {
  const budget = config.downstream[mode];
  if (!budget) throw new Error(`the config has no downstream.${mode} budget`);
  await chooseBackend({ prefer: config.backend });
  const d = parts(ctx.workspace, config, centerNames, true);
  const predictionsFile = files.predictions ?? join(files.bundle, '..', 'predictions.csv');
  const s = store(ctx.workspace);
  try {
    if (engine.engine) {
      // The network is the init bundle's; the trainer starts from its weights in PyTorch layout.
      const arch = readBundleJson(init).architecture;
      const backbone = { model: arch.name, width: arch.options.width, depth: arch.options.depth };
      ctx.log(`${mode} from ${init} (${arch.name}) on ${d.train.length} train records of ${d.centers.join(', ')} on ${engine.label}`);
      const args = { name: stepName(ctx, mode), mode, init: { bundle: init }, method: null, backbone, seed: config.seeds[0], train: d.train, val: d.val, test: d.test, bundleDir: files.bundle, predictionsFile };
      const r = await engineDownstream(engineContext(ctx, engine.engine, config, d.split, files), args, io(ctx, s));
      return { ...r, centers: d.centers };
    }
    ctx.log(`${mode} from ${init} on ${d.train.length} train records of ${d.centers.join(', ')} on ${engine.label}`);
    const r = await downstream(mode, { mode, init, budget, checkpointEvery: config.downstream.checkpointEvery, seed: config.seeds[0], ...d, bootstrap: config.evaluation.bootstrap, evalBatch: config.evaluation.batchSize, engine: config.inference, checkpointDir: files.checkpoints, bundleDir: files.bundle, predictionsFile, dataSnapshot: `centers:${d.centers.join('|')}` }, io(ctx, s));
    return { ...r, engine: engine.label, centers: d.centers } satisfies TrainedOn & typeof r & { centers: string[] };
  } finally {
    s.close();
  }
}

type DropLast<T extends unknown[]> = T extends [...infer A, unknown] ? A : never;
/** The steps with their engine bound (demo-models runs both on one). */
export type PretrainStep = (...a: DropLast<Parameters<typeof pretrainStep>>) => ReturnType<typeof pretrainStep>;
export type DownstreamStep = (...a: DropLast<Parameters<typeof downstreamStep>>) => ReturnType<typeof downstreamStep>;

/** The result fields naming the engine (the job's result and log say "trained on ..."). */
export function trainedOn(ctx: JobContext, r: TrainedOn): TrainedOn {
  ctx.log(`trained on ${r.engine}`);
  return { engine: r.engine, ...(r.trainer_checkpoint ? { trainer_checkpoint: r.trainer_checkpoint } : {}) };
}
