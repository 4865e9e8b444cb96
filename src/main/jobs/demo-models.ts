// The demo's models, trained in the background on first start (`openecg start`, `openecg demo`): a
// small MAE (the config's ViT-1D method) whose reconstructions the Inspect view shows, and a linear
// probe on its encoder whose predictions it shows beside them. One job, so the UI follows one
// progress bar; each stage resumes from its own checkpoints, and a finished stage is not redone.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { experimentConfigSchema } from '../experiments/config.js';
import type { JobContext } from './handlers.js';
import type { DownstreamStep, PretrainStep } from './training.js';
import { jobCheckpoints, jobDir } from './paths.js';

export const demoModelsParams = z.object({ config: experimentConfigSchema }).strict();

/** jobs/<id>/models.json: the bundles the job made, for the model list (api/models.ts). */
export const DEMO_MODELS_FILE = 'models.json';

export interface DemoModelEntry {
  /** Relative to the job folder. */
  readonly bundle: string;
  readonly role: 'mae' | 'classifier';
  readonly method: string;
  readonly thresholds: number[] | null;
}

/** Share of the job's progress the MAE pre-training takes (measured: about a third of the time). */
const PRETRAIN_SHARE = 0.35;

function scaled(ctx: JobContext, from: number, to: number, stage: string): JobContext {
  return { ...ctx, progress: (f, m) => ctx.progress(from + (to - from) * f, `${stage}: ${m ?? ''}`.trim()) };
}

export interface DemoModelsResult {
  readonly models: DemoModelEntry[];
  readonly bundle: string;
  readonly centers: string[];
  /** The classifier on the labelled centers' test split (thresholds from their validation split). */
  readonly evaluation: Awaited<ReturnType<DownstreamStep>>['evaluation'];
  readonly part: 'test';
  readonly thresholds_from: string;
}

export async function runDemoModels(p: z.output<typeof demoModelsParams>, ctx: JobContext, steps: { pretrain: PretrainStep; downstream: DownstreamStep }): Promise<DemoModelsResult> {
  const method = p.config.methods.findIndex((m) => m.method === 'mae');
  if (method < 0) throw new Error(`the config '${p.config.name}' has no MAE method to make the demo's reconstruction model`);
  const dir = jobDir(ctx.workspace, ctx.id);
  const mae = join(dir, 'bundles', 'mae');
  const classifier = join(dir, 'bundles', 'classifier');
  const checkpoints = jobCheckpoints(ctx.workspace, ctx.id);

  if (existsSync(join(mae, 'bundle.json'))) ctx.log('MAE bundle already there: pre-training skipped');
  else await steps.pretrain(scaled(ctx, 0, PRETRAIN_SHARE, 'MAE pre-training'), p.config, method, undefined, { bundle: mae, checkpoints: join(checkpoints, 'mae') });
  ctx.log(`MAE bundle: ${mae}`);

  const probe = await steps.downstream(scaled(ctx, PRETRAIN_SHARE, 1, 'classifier (linear probe)'), 'probe', p.config, mae, undefined, {
    bundle: classifier,
    checkpoints: join(checkpoints, 'classifier'),
    predictions: join(dir, 'predictions.csv'),
  });
  ctx.log(`classifier bundle: ${classifier}`);
  const models: DemoModelEntry[] = [
    { bundle: 'bundles/mae', role: 'mae', method: 'mae', thresholds: null },
    { bundle: 'bundles/classifier', role: 'classifier', method: 'probe', thresholds: probe.thresholds },
  ];
  writeFileSync(join(dir, DEMO_MODELS_FILE), JSON.stringify(models, null, 2));
  return { models, bundle: classifier, centers: probe.centers, evaluation: probe.evaluation, part: 'test', thresholds_from: 'validation split' };
}
