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

/** One tiny SimCLR, a few steps, two targets: seconds on the WASM backend. */
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
    ...overrides,
  });
}
