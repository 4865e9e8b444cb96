// The work of each job kind, run inside the job process. Every handler honours ctx.signal at its
// next step boundary and leaves what it needs to continue (checkpoints, step records) on disk.
import { join } from 'node:path';
import { Catalog, type JobKind } from '../catalog/index.js';
import { runImport } from '../import/pipeline.js';
import { chooseBackend } from '../ml/index.js';
import { ShardStore } from '../signal/store.js';
import type { ExperimentConfig } from '../experiments/config.js';
import { recordRefs } from '../experiments/data.js';
import { runExperiment } from '../experiments/run.js';
import { experimentCenters, labelledCenters, recordsOf, splitOf } from '../experiments/selection.js';
import { downstream, pretrain } from '../experiments/steps.js';
import { runDemoModels } from './demo-models.js';
import { runEvaluateJob } from './evaluate.js';
import { PARAMS } from './kinds.js';
import { experimentRunDir, jobCheckpoints, jobDir } from './paths.js';

export interface JobContext {
  readonly workspace: string;
  readonly id: number;
  readonly signal: AbortSignal;
  progress(fraction: number, message?: string): void;
  log(line: string): void;
}

/** Records of the centers per part, with the split the config names. */
function parts(workspace: string, config: ExperimentConfig, centers: string[] | undefined, labelled: boolean) {
  const catalog = Catalog.open(workspace);
  try {
    const all = centers ?? experimentCenters(catalog, config);
    const cs = labelled ? labelledCenters(catalog, all) : all;
    const split = splitOf(catalog, config);
    const refs = (p: 'train' | 'val' | 'test') => recordRefs(catalog, recordsOf(catalog, split, p, cs, config.shortRecords));
    return { centers: cs, train: refs('train'), val: refs('val'), test: refs('test') };
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

/** Pre-trains config.methods[method] on the train split of the centers (default: the config's). */
async function pretrainStep(ctx: JobContext, config: ExperimentConfig, methodIndex: number, centerNames: string[] | undefined, files: StepFiles) {
  const method = config.methods[methodIndex];
  if (!method) throw new Error(`the config has ${config.methods.length} methods; method ${methodIndex} does not exist`);
  await chooseBackend({ prefer: config.backend });
  const { train, centers } = parts(ctx.workspace, config, centerNames, false);
  ctx.log(`pre-training ${method.method} on ${train.length} records of ${centers.join(', ')}`);
  const s = store(ctx.workspace);
  try {
    return await pretrain('pretrain', { method, budget: config.pretrain, seed: config.seeds[0], refs: train, checkpointDir: files.checkpoints, bundleDir: files.bundle, dataSnapshot: `centers:${centers.join('|')}` }, io(ctx, s));
  } finally {
    s.close();
  }
}

/** Probes or fine-tunes from a pre-training bundle on the labelled centers' train split, scored on their test split. */
async function downstreamStep(ctx: JobContext, mode: 'probe' | 'finetune', config: ExperimentConfig, init: string, centerNames: string[] | undefined, files: StepFiles) {
  const budget = config.downstream[mode];
  if (!budget) throw new Error(`the config has no downstream.${mode} budget`);
  await chooseBackend({ prefer: config.backend });
  const d = parts(ctx.workspace, config, centerNames, true);
  const s = store(ctx.workspace);
  try {
    const r = await downstream(mode, { mode, init, budget, checkpointEvery: config.downstream.checkpointEvery, seed: config.seeds[0], ...d, bootstrap: config.evaluation.bootstrap, evalBatch: config.evaluation.batchSize, engine: config.inference, checkpointDir: files.checkpoints, bundleDir: files.bundle, predictionsFile: files.predictions ?? join(files.bundle, '..', 'predictions.csv'), dataSnapshot: `centers:${d.centers.join('|')}` }, io(ctx, s));
    return { ...r, centers: d.centers };
  } finally {
    s.close();
  }
}

export type PretrainStep = typeof pretrainStep;
export type DownstreamStep = typeof downstreamStep;

export async function runJob(kind: JobKind, rawParams: unknown, ctx: JobContext): Promise<unknown> {
  switch (kind) {
    case 'import': {
      const p = PARAMS.import.parse(rawParams);
      const summary = await runImport({ ...p, workspace: ctx.workspace, signal: ctx.signal }, { progress: (q) => ctx.progress(q.total ? q.done / q.total : 0, `${q.done}/${q.total} records`), phase: (ph, d) => ctx.log(`${ph}: ${d}`), notice: (t) => ctx.log(t) });
      return summary;
    }
    case 'experiment': {
      const p = PARAMS.experiment.parse(rawParams);
      return runExperiment({ workspace: ctx.workspace, runDir: experimentRunDir(ctx.workspace, ctx.id), kind: p.experiment, config: p.config, configFile: p.config_file ?? undefined, signal: ctx.signal, onProgress: (f, m) => ctx.progress(f, m), log: ctx.log });
    }
    case 'pretrain': {
      const p = PARAMS.pretrain.parse(rawParams);
      const bundle = join(jobDir(ctx.workspace, ctx.id), 'bundle');
      const r = await pretrainStep(ctx, p.config, p.method, p.centers, { bundle, checkpoints: jobCheckpoints(ctx.workspace, ctx.id) });
      return { bundle: r.bundle, steps: r.steps, resumed_from: r.resumedFrom, final_loss: r.losses[r.losses.length - 1] };
    }
    case 'probe':
    case 'finetune': {
      const p = PARAMS[kind].parse(rawParams);
      const dir = jobDir(ctx.workspace, ctx.id);
      const r = await downstreamStep(ctx, kind, p.config, p.init, p.centers, { bundle: join(dir, 'bundle'), checkpoints: jobCheckpoints(ctx.workspace, ctx.id), predictions: join(dir, 'predictions.csv') });
      return { bundle: r.bundle, predictions: r.predictions, thresholds: r.thresholds, evaluation: r.evaluation };
    }
    case 'demo-models':
      return runDemoModels(PARAMS['demo-models'].parse(rawParams), ctx, { pretrain: pretrainStep, downstream: downstreamStep });
    case 'evaluate':
      return runEvaluateJob(rawParams, ctx);
  }
}
