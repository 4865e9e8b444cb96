// A small demo workspace (150 records, imported in this thread) and a tiny experiment config, shared
// by the experiment and job tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperimentConfig, type ExperimentConfig } from '../../src/main/experiments/config.js';
import { makeDemoWorkspace } from '../../src/main/workspace/demo.js';

export async function demoWorkspace(prefix: string): Promise<string> {
  const ws = mkdtempSync(join(tmpdir(), `openecg-${prefix}-`));
  await makeDemoWorkspace({ workspace: ws, records: 150, workers: 0 });
  return ws;
}

/**
 * Classes raised in signalWorkspace: each has a clear morphology a small encoder under a linear probe
 * learns (LAD: frontal axis below -30 degrees; RBBB: QRS 130-160 ms with a terminal R' in V1), and at
 * these rates a target's test part holds dozens of positives and of negatives.
 */
export const SIGNAL_PREVALENCE = { LAD: 0.35, RBBB: 0.35 } as const;

/**
 * A demo workspace whose LAD and RBBB are common (the generator's prevalence option; every other class
 * as in the demo): large enough for bootstrap intervals of useful width on a target's test part.
 */
export async function signalWorkspace(prefix: string, records: number): Promise<string> {
  const ws = mkdtempSync(join(tmpdir(), `openecg-${prefix}-`));
  await makeDemoWorkspace({ workspace: ws, records, workers: 0, prevalence: SIGNAL_PREVALENCE });
  return ws;
}

/** One tiny SimCLR, a few steps, two targets: seconds on the WASM backend. Baselines and robustness off. */
export function tinyConfig(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return parseExperimentConfig({
    name: 'tiny',
    backend: 'wasm',
    seeds: [1],
    targets: ['Fjord Registry', 'Meridian'],
    methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
    pretrain: { steps: 6, batchSize: 4, checkpointEvery: 2 },
    downstream: { protocols: ['probe'], probe: { steps: 6, batchSize: 8, learningRate: 0.05 }, checkpointEvery: 3 },
    evaluation: { bootstrap: 20, batchSize: 32 },
    scaling: { fractions: [0.5, 1] },
    // Off unless a test asks: the jobs tests time and count the plain LODO / scaling steps.
    baselines: { scratch: false, randomProbe: false },
    robustness: { enabled: false },
    ...overrides,
  });
}

/** tinyConfig with both baselines (fine-tune budget added) and one strength of every corruption. */
export function tinyPaperConfig(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return tinyConfig({
    downstream: { protocols: ['probe'], probe: { steps: 6, batchSize: 8, learningRate: 0.05 }, finetune: { steps: 4, batchSize: 4, learningRate: 0.003 }, checkpointEvery: 3 },
    baselines: { scratch: true, randomProbe: true },
    robustness: {
      seed: 3,
      corruptions: [
        { kind: 'time_mask', strengths: [200] },
        { kind: 'lead_dropout', strengths: ['limb-only', 3] },
        { kind: 'gaussian_noise', strengths: [5] },
        { kind: 'baseline_wander', strengths: [0.5] },
        { kind: 'mains', strengths: [0.2], frequency: 60 },
      ],
    },
    ...overrides,
  });
}
