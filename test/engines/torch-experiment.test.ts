// Engine torch end to end: the tiny LODO and scaling configs trained by the PyTorch trainer as a
// child process (real python3-torch on the CPU), scored in the workstation, with a run folder,
// tables and report of the same format as TensorFlow.js's. Slow: about 2.5 minutes for the LODO at
// load 14 on two cores, much longer on a busier machine (hence the long timeouts).
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/main/experiments/report/index.js';
import { runExperiment } from '../../src/main/experiments/run.js';
import { demoWorkspace, tinyConfig } from '../experiments/fixtures.js';
import { torchMissing } from '../cluster/python.js';

let ws: string;
beforeAll(async () => {
  if (!torchMissing) ws = await demoWorkspace('engine-torch');
}, 120_000);
afterAll(() => ws && rmSync(ws, { recursive: true, force: true }));

/** The report of a run folder: written, with the engine that trained it named in the overview. */
function reportOf(runDir: string): string {
  const out = join(runDir, 'report.html');
  const r = writeReport(runDir, out);
  expect(r.partial).toBe(false);
  expect(r.missing_steps).toBe(0);
  return readFileSync(out, 'utf8');
}

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
    const html = reportOf(runDir);
    expect(html).toContain(`<span data-testid="training-engine">${s.engine}</span>`);
    expect(html).toContain(`trained on ${s.engine}`);
  }, 2_400_000);

  it('scaling: the curves, tables and report complete', async () => {
    const runDir = join(ws, 'runs', 'torch-scaling');
    const s = await runExperiment({ workspace: ws, runDir, kind: 'scaling', config: tinyConfig({ engine: 'torch' }) });
    expect(s.engine).toMatch(/^torch /);
    const curve = s.scaling![0];
    expect(curve.points.map((p) => p.fraction)).toEqual([0.5, 1]);
    expect(curve.points[0].pretrain_records).toBeLessThan(curve.points[1].pretrain_records);
    expect(curve.points.every((p) => p.macro_auroc !== null && p.macro_auroc > 0 && p.macro_auroc < 1)).toBe(true);
    expect(reportOf(runDir)).toContain('data-testid="training-engine"');
  }, 2_400_000);
  // The torch-vs-tfjs agreement of issue 21 is decided in torch-agreement.test.ts, on a workspace
  // large enough for it.
});
