// `openecg demo` end to end: generate, import, then the experiments as jobs; a second run reuses all.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openecg-demo-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The small CPU config's shape with a few steps and one method, so the test takes seconds.
const config = {
  name: 'tiny-demo',
  backend: 'wasm',
  seeds: [1],
  targets: ['Fjord Registry', 'Meridian'],
  methods: [{ method: 'simclr', backbone: 'resnet18_1d', width: 0.0625, depth: 0.25, options: { projectorHidden: 32, projectorOut: 16 } }],
  pretrain: { steps: 4, batchSize: 4, checkpointEvery: 2 },
  downstream: { protocols: ['probe'], probe: { steps: 4, batchSize: 8, learningRate: 0.05 }, checkpointEvery: 2 },
  evaluation: { bootstrap: 10, batchSize: 32 },
  scaling: { fractions: [0.5, 1] },
  // Baselines and robustness have their own tests (test/experiments/paper-lodo.test.ts).
  baselines: { scratch: false, randomProbe: false },
  robustness: { enabled: false },
};

function demo() {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'demo', '--workspace', join(dir, 'ws'), '--records', '150', '--config', join(dir, 'tiny.json'), '--json'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  return JSON.parse(r.stdout);
}

describe('openecg demo', () => {
  it('imports the corpus and runs LODO and scaling as jobs, then reuses them', () => {
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(config));
    const first = demo();
    // 150 public-style records plus the hospital site's default 10 (DICOM, aECG, SCP with identities).
    expect(first.records).toBe(160);
    expect(first.centers.find((c: { name: string }) => c.name === 'Hospital site')).toMatchObject({ adapter: 'site', imported: 10, failed: 0 });
    expect(first.experiments.map((e: { experiment: string }) => e.experiment)).toEqual(['lodo', 'scaling']);
    for (const e of first.experiments) {
      expect(e.state).toBe('done');
      expect(e.reused).toBe(false);
    }
    const lodo = first.experiments[0].summary;
    expect(new Set(lodo.lodo.map((r: { target: string }) => r.target))).toEqual(new Set(config.targets));
    expect(first.experiments[1].summary.scaling[0].points.map((p: { fraction: number }) => p.fraction)).toEqual([0.5, 1]);

    const second = demo();
    expect(second.generated).toBe(false);
    expect(second.experiments.every((e: { reused: boolean; job: number }, i: number) => e.reused && e.job === first.experiments[i].job)).toBe(true);
  }, 300_000);
});
