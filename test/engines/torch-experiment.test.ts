// Engine torch end to end: the tiny LODO and scaling configs trained by the PyTorch trainer as a
// child process (real python3-torch on the CPU), scored in the workstation, with a run folder,
// tables and report of the same format as TensorFlow.js's.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/main/experiments/run.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';
import { torchMissing } from '../cluster/python.js';

let ws: string;
beforeAll(async () => {
  if (!torchMissing) ws = await demoWorkspace('engine-torch');
}, 120_000);
afterAll(() => ws && rmSync(ws, { recursive: true, force: true }));

describe.skipIf(torchMissing)('engine torch', () => {
  it('LODO: every step trained by the trainer, scored here; a second call reuses every step', async () => {
    const config = tinyConfig({ engine: 'torch' });
    const runDir = join(ws, 'runs', 'torch-lodo');
    const lines: string[] = [];
    const s = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config, log: (l) => lines.push(l) });
    expect(s.engine).toMatch(/^torch \d+\.\d+.* \(cpu, \d+ threads\)$/);
    expect(s.lodo!.length).toBe(2);
    expect(s.lodo!.every((r) => r.auroc_without !== null && r.auroc_with !== null)).toBe(true);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    expect(run.engine).toMatchObject({ requested: 'torch', name: 'torch', device: 'cpu' });
    for (const name of run.steps as string[]) {
      const rec = JSON.parse(readFileSync(join(runDir, 'steps', `${name}.json`), 'utf8'));
      expect(rec.engine).toBe(s.engine);
      expect(existsSync(rec.trainer_checkpoint)).toBe(true);
      expect(existsSync(join(rec.bundle, 'bundle.json'))).toBe(true);
      const bundle = JSON.parse(readFileSync(join(rec.bundle, 'bundle.json'), 'utf8'));
      expect(bundle.onnx.producer).toMatch(/^torch\.onnx/);
      expect(rec.losses.length).toBe(rec.steps);
      expect(rec.losses.every(Number.isFinite)).toBe(true);
      // The curve is kept where the TensorFlow.js steps keep theirs.
      expect(JSON.parse(readFileSync(join(runDir, 'checkpoints', name, 'losses.json'), 'utf8'))).toEqual(rec.losses);
    }
    expect(readdirSync(join(runDir, 'predictions')).length).toBe(4);
    expect(lines.some((l) => /^training engine: torch/.test(l))).toBe(true);
    const again = await runExperiment({ workspace: ws, runDir, kind: 'lodo', config });
    expect(again.steps_reused).toBe(again.steps);
    expect(again.lodo).toEqual(s.lodo);
  }, 600_000);
});
