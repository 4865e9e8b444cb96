// The trainer's own unit tests (cluster/tests/test_*.py: safetensors, shapes, losses, schedule,
// sampler), run with Debian's python3-torch as part of the Vitest suite.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLUSTER_DIR, PYTHON, python, torchMissing } from './python.js';

describe.skipIf(torchMissing !== null)('cluster/tests (python unittest)', () => {
  it('all pass', () => {
    const r = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], { cwd: CLUSTER_DIR, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const ran = /Ran (\d+) tests?/.exec(r.stderr);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(8);
    expect(python(['-c', 'import openecg_cluster.train'])).toBe('');
  }, 120_000);
});
