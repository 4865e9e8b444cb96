// The work of each job kind, run inside the job process. Every handler honours ctx.signal at its
// next step boundary and leaves what it needs to continue (checkpoints, step records) on disk.
import { join } from 'node:path';
import type { JobKind } from '../catalog/index.js';
import { runImport } from '../import/pipeline.js';
import { runExperiment } from '../experiments/run.js';
import { runDemoModels } from './demo-models.js';
import { runEvaluateJob } from './evaluate.js';
import { PARAMS } from './kinds.js';
import { experimentRunDir, jobCheckpoints, jobDir } from './paths.js';
import { downstreamStep, openJobEngine, pretrainStep, tfjsJobEngine, trainedOn } from './training.js';

export interface JobContext {
  readonly workspace: string;
  readonly id: number;
  readonly signal: AbortSignal;
  progress(fraction: number, message?: string): void;
  log(line: string): void;
}

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
      const engine = await openJobEngine(ctx, p.config, p.engine);
      const bundle = join(jobDir(ctx.workspace, ctx.id), 'bundle');
      const r = await pretrainStep(ctx, p.config, p.method, p.centers, { bundle, checkpoints: jobCheckpoints(ctx.workspace, ctx.id) }, engine);
      return { bundle: r.bundle, steps: r.steps, resumed_from: r.resumedFrom, final_loss: r.losses[r.losses.length - 1], ...trainedOn(ctx, r) };
    }
    case 'probe':
    case 'finetune': {
      const p = PARAMS[kind].parse(rawParams);
      const engine = await openJobEngine(ctx, p.config, p.engine);
      const dir = jobDir(ctx.workspace, ctx.id);
      const r = await downstreamStep(ctx, kind, p.config, p.init, p.centers, { bundle: join(dir, 'bundle'), checkpoints: jobCheckpoints(ctx.workspace, ctx.id), predictions: join(dir, 'predictions.csv') }, engine);
      return { bundle: r.bundle, predictions: r.predictions, thresholds: r.thresholds, evaluation: r.evaluation, ...trainedOn(ctx, r) };
    }
    case 'demo-models': {
      const p = PARAMS['demo-models'].parse(rawParams);
      const engine = tfjsJobEngine(ctx, `the demo's models always train on TensorFlow.js, so the demo works on any machine${p.config.engine === 'tfjs' ? '' : ` (the config's engine ${p.config.engine} is for its other jobs)`}`);
      return runDemoModels(p, ctx, { pretrain: (...a) => pretrainStep(...a, engine), downstream: (...a) => downstreamStep(...a, engine) });
    }
    case 'evaluate':
      return runEvaluateJob(rawParams, ctx);
  }
}
