// A demo workspace with small trained models, for the inspection and results tests (API and e2e):
// 150 generated records over the demo's centers, and a tiny LODO run (SimCLR and MAE, two targets)
// made in this process, so runs/job-1/ holds pre-training and probe bundles, step records and
// predictions exactly as a job would leave them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperimentConfig, type ExperimentConfig } from '../../src/main/experiments/config.js';
import { runExperiment, type ExperimentSummary } from '../../src/main/experiments/run.js';
import { makeDemoWorkspace } from '../../src/main/workspace/demo.js';

export const TARGETS = ['Fjord Registry', 'Meridian'];
export const RUN = 'job-1';

/** Switched off for speed where the config knows them (baselines and robustness sweeps). */
const EXTRAS = { baselines: { scratch: false, randomProbe: false }, robustness: { enabled: false } };

export function inspectConfig(): ExperimentConfig {
  try {
    return parseExperimentConfig({ ...base(), ...EXTRAS });
  } catch {
    return parseExperimentConfig(base());
  }
}

function base(): Record<string, unknown> {
  return {
    name: 'inspect-tiny',
    backend: 'wasm',
    seeds: [1],
    targets: TARGETS,
    methods: [
      { method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } },
      { method: 'mae', backbone: 'vit_1d', width: 0.0625, depth: 0.1667 },
    ],
    pretrain: { steps: 4, batchSize: 4, checkpointEvery: 2 },
    // A finetune budget too: configs may ask for the from-scratch baseline, which trains with it.
    downstream: { protocols: ['probe'], probe: { steps: 4, batchSize: 8, learningRate: 0.05 }, finetune: { steps: 4, batchSize: 8 }, checkpointEvery: 2 },
    evaluation: { bootstrap: 10, batchSize: 32 },
    lodo: { withArm: false },
  };
}

export interface ModelWorkspace {
  readonly root: string;
  readonly workspace: string;
  readonly summary: ExperimentSummary;
}

export async function modelWorkspace(prefix: string): Promise<ModelWorkspace> {
  const root = mkdtempSync(join(tmpdir(), `openecg-${prefix}-`));
  const workspace = join(root, 'ws');
  await makeDemoWorkspace({ workspace, records: 150, workers: 0 });
  const summary = await runExperiment({ workspace, runDir: join(workspace, 'runs', RUN), kind: 'lodo', config: inspectConfig() });
  return { root, workspace, summary };
}
