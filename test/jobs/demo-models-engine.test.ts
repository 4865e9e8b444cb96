// The demo-models job trains on TensorFlow.js whatever its config's engine (the demo must work on any
// machine) and says so in its log; run in this process through the job handler, two steps per stage.
import { rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runJob } from '../../src/main/jobs/handlers.js';
import { submitJob } from '../../src/main/jobs/index.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';

it("demo-models stays on tfjs under a config asking for torch, and logs it", async () => {
  const ws = await demoWorkspace('demo-models-engine');
  try {
    const config = tinyConfig({
      engine: 'torch',
      methods: [{ method: 'mae', backbone: 'vit_1d', width: 0.0625, depth: 0.25, options: {} }],
      pretrain: { steps: 2, batchSize: 4, checkpointEvery: 2 },
      downstream: { protocols: ['probe'], probe: { steps: 2, batchSize: 8 }, checkpointEvery: 2 },
    });
    const id = submitJob(ws, 'demo-models', { config });
    const lines: string[] = [];
    const r = (await runJob('demo-models', { config }, { workspace: ws, id, signal: new AbortController().signal, progress: () => {}, log: (l) => lines.push(l) })) as { models: { role: string }[] };
    expect(r.models.map((m) => m.role)).toEqual(['mae', 'classifier']);
    expect(lines[0]).toBe("training engine: tfjs: the demo's models always train on TensorFlow.js, so the demo works on any machine (the config's engine torch is for its other jobs)");
    expect(lines.filter((l) => / on tfjs$/.test(l)).length).toBe(2);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}, 600_000);
