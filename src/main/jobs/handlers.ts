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

export async function runJob(kind: JobKind, rawParams: unknown, ctx: JobContext): Promise<unknown> {
  const io = (s: ShardStore) => ({ store: s, signal: ctx.signal, onProgress: (done: number, total: number, loss: number | null) => ctx.progress(done / total, `${done}/${total}${loss === null ? '' : ` loss ${loss.toFixed(4)}`}`) });
  switch (kind) {
    case 'import': {
      const p = PARAMS.import.parse(rawParams);
      const summary = await runImport({ ...p, workspace: ctx.workspace, signal: ctx.signal }, { progress: (q) => ctx.progress(q.total ? q.done / q.total : 0, `${q.done}/${q.total} records`), phase: (ph, d) => ctx.log(`${ph}: ${d}`) });
      return summary;
    }
    case 'experiment': {
      const p = PARAMS.experiment.parse(rawParams);
      return runExperiment({ workspace: ctx.workspace, runDir: experimentRunDir(ctx.workspace, ctx.id), kind: p.experiment, config: p.config, configFile: p.config_file ?? undefined, signal: ctx.signal, onProgress: (f, m) => ctx.progress(f, m), log: ctx.log });
    }
    case 'pretrain': {
      const p = PARAMS.pretrain.parse(rawParams);
      const method = p.config.methods[p.method];
      if (!method) throw new Error(`the config has ${p.config.methods.length} methods; method ${p.method} does not exist`);
      await chooseBackend({ prefer: p.config.backend });
      const { train, centers } = parts(ctx.workspace, p.config, p.centers, false);
      ctx.log(`pre-training ${method.method} on ${train.length} records of ${centers.join(', ')}`);
      const s = store(ctx.workspace);
      try {
        const bundle = join(jobDir(ctx.workspace, ctx.id), 'bundle');
        const r = await pretrain('pretrain', { method, budget: p.config.pretrain, seed: p.config.seeds[0], refs: train, checkpointDir: jobCheckpoints(ctx.workspace, ctx.id), bundleDir: bundle, dataSnapshot: `centers:${centers.join('|')}` }, io(s));
        return { bundle: r.bundle, steps: r.steps, resumed_from: r.resumedFrom, final_loss: r.losses[r.losses.length - 1] };
      } finally {
        s.close();
      }
    }
    case 'probe':
    case 'finetune': {
      const p = PARAMS[kind].parse(rawParams);
      const budget = p.config.downstream[kind];
      if (!budget) throw new Error(`the config has no downstream.${kind} budget`);
      await chooseBackend({ prefer: p.config.backend });
      const d = parts(ctx.workspace, p.config, p.centers, true);
      const s = store(ctx.workspace);
      const dir = jobDir(ctx.workspace, ctx.id);
      try {
        const r = await downstream(kind, { mode: kind, init: p.init, budget, checkpointEvery: p.config.downstream.checkpointEvery, seed: p.config.seeds[0], ...d, bootstrap: p.config.evaluation.bootstrap, evalBatch: p.config.evaluation.batchSize, engine: p.config.engine, checkpointDir: jobCheckpoints(ctx.workspace, ctx.id), bundleDir: join(dir, 'bundle'), predictionsFile: join(dir, 'predictions.csv'), dataSnapshot: `centers:${d.centers.join('|')}` }, io(s));
        return { bundle: r.bundle, predictions: r.predictions, thresholds: r.thresholds, evaluation: r.evaluation };
      } finally {
        s.close();
      }
    }
    case 'evaluate':
      return runEvaluateJob(rawParams, ctx);
  }
}
