// The text table `openecg experiment` prints: the LODO rows with the delta and its paired interval,
// the baseline of each row's protocol and the difference to it, the baselines' own rows, and one
// robustness line per model (w/o arm and baselines) at each corruption's strongest setting.
import { describe, expect, it } from 'vitest';
import { experimentTable } from '../../src/main/cli/experiment.js';
import type { ExperimentSummary } from '../../src/main/experiments/run.js';
import type { RobustnessCurve } from '../../src/main/experiments/robustness-tables.js';
import type { LodoRow } from '../../src/main/experiments/tables.js';

const row = (over: Partial<LodoRow>): LodoRow => ({
  target: 'Georgia',
  method: 'mae-vit_1d-w0.25-d0.5',
  backbone: 'vit_1d-w0.25-d0.5',
  protocol: 'probe',
  auroc_without: 0.7125,
  f1_without: 0.3,
  auroc_with: 0.7375,
  f1_with: 0.31,
  delta_auroc_points: 2.5,
  delta_f1_points: 1,
  delta: { auroc_points: 2.5, f1_points: 1, ci_auroc_points: { low: 0.75, high: 4.25 }, ci_f1_points: null, replicates: 200 },
  ci_without: null,
  ci_with: null,
  scratch_auroc: 0.65,
  scratch_f1: 0.2,
  random_probe_auroc: 0.58,
  random_probe_f1: 0.1,
  vs_baseline: { baseline: 'random_probe', auroc_points: 13.25, f1_points: 20, ci_auroc_points: { low: -0.04, high: 20 }, ci_f1_points: null, replicates: 200 },
  test_records: 40,
  ...over,
});

const curve = (over: Partial<RobustnessCurve>): RobustnessCurve => ({
  target: null,
  method: 'mae-vit_1d-w0.25-d0.5',
  protocol: 'probe',
  arm: 'without',
  baseline: null,
  corruption: 'gaussian_noise',
  clean_auroc: 0.7,
  clean_f1: 0.3,
  points: [
    { strength: 10, macro_auroc: 0.69, macro_f1: 0.29 },
    { strength: 0, macro_auroc: 0.64, macro_f1: 0.2 },
  ],
  targets: 2,
  ...over,
});

const summary: ExperimentSummary = {
  kind: 'lodo',
  run_dir: '/w/runs/job-4',
  backend: 'cpu',
  code_version: 'test',
  steps: 12,
  steps_reused: 0,
  skipped_targets: [],
  lodo: [row({}), row({ protocol: 'finetune', delta_auroc_points: -0.04, delta: null, vs_baseline: null })],
  baselines: [{ target: 'Georgia', baseline: 'random_probe', method: 'random_probe-vit_1d-w0.25-d0.5', backbone: 'vit_1d-w0.25-d0.5', protocol: 'probe', auroc: 0.58, f1: 0.1, ci: { low: 0.5, high: 0.66 }, test_records: 40 }],
  robustness: [],
  robustness_by_method: [
    curve({}),
    // The w/ arm is left out of the summary lines: its values would show as -40.0.
    curve({ arm: 'with', points: [{ strength: 10, macro_auroc: 0.3, macro_f1: 0 }, { strength: 0, macro_auroc: 0.3, macro_f1: 0 }] }),
    curve({ corruption: 'lead_dropout', points: [{ strength: 3, macro_auroc: 0.7, macro_f1: 0.3 }, { strength: 'single-lead', macro_auroc: 0.55, macro_f1: 0.1 }] }),
    curve({ method: 'random_probe-vit_1d-w0.25-d0.5', arm: null, baseline: 'random_probe', clean_auroc: 0.58, points: [{ strength: 10, macro_auroc: 0.58, macro_f1: 0.1 }, { strength: 0, macro_auroc: 0.61, macro_f1: 0.1 }] }),
  ],
  seconds: 3,
};

describe('the experiment table', () => {
  const text = experimentTable(summary);
  const lines = text.split('\n');

  it('gives each LODO row both arms, the delta with its paired interval and the baseline difference', () => {
    const probe = lines.find((l) => l.startsWith('Georgia') && l.includes(' probe '))!;
    expect(probe).toContain('0.713');
    expect(probe).toContain('0.738');
    // [0.75, 4.25] excludes 0: starred; [-0.04, 20] does not.
    expect(probe).toContain('+2.5 [+0.8,+4.3]*');
    expect(probe).toContain('0.580');
    expect(probe).toMatch(/\+13\.3 \[0\.0,\+20\.0\](?!\*)/);
    // Fine-tune reads against scratch; a delta rounding to zero prints 0.0, and no interval no star.
    const ft = lines.find((l) => l.startsWith('Georgia') && l.includes(' finetune '))!;
    expect(ft).toContain('0.650');
    expect(ft).toMatch(/ 0\.0 +0\.650/);
    expect(ft).not.toContain('*');
  });

  it('lists the baselines and a robustness line per model at the strongest setting', () => {
    expect(text).toMatch(/\nGeorgia +random_probe-vit_1d-w0\.25-d0\.5 +probe +0\.580 \[0\.500,0\.660\] +0\.100\n/);
    const head = lines.find((l) => l.startsWith('model'))!;
    expect(head).toContain('gaussian_noise 0');
    expect(head).toContain('lead_dropout single-lead');
    const mae = lines.filter((l) => l.startsWith('mae-vit_1d-w0.25-d0.5 (probe)'));
    expect(mae.length).toBe(1);
    expect(mae[0].trim().split(/\s+/).slice(-3)).toEqual(['0.700', '-6.0', '-15.0']);
    const base = lines.find((l) => l.startsWith('random_probe-vit_1d-w0.25-d0.5 (probe)'))!;
    expect(base.trim().split(/\s+/).slice(-3)).toEqual(['0.580', '+3.0', 'n/a']);
    expect(text).not.toContain('-40.0');
  });
});
