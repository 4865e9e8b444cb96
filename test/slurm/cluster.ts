// A real single-node Slurm for a test file: scripts/slurm-up.sh before its tests, slurm-down.sh
// after. Where Slurm cannot start here (not root, packages or torch missing) the tests are skipped
// with the reason printed, except under CI=true, where that is an error: CI installs everything.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { torchMissing } from '../cluster/python.js';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const PACKAGES = 'apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge';

function probe(): string | null {
  if (process.platform !== 'linux') return 'a single-node Slurm is started on Linux only';
  if (process.getuid?.() !== 0) return 'starting slurmctld/slurmd needs root';
  const missing = ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/sbin/munged'].filter((f) => !existsSync(f));
  if (missing.length) return `${missing.join(', ')} missing (${PACKAGES})`;
  return torchMissing;
}

/** Why the Slurm tests cannot run here, or null. */
export const slurmMissing = probe();
if (slurmMissing) {
  if (process.env.CI === 'true') throw new Error(`Slurm tests cannot run under CI=true: ${slurmMissing}`);
  console.warn(`[slurm tests skipped] ${slurmMissing}`);
}

export interface TestCluster {
  /** The environment for sbatch and friends: SLURM_CONF of the test cluster, /usr/bin first (Debian's torchrun and python3). */
  env: NodeJS.ProcessEnv;
  node: string;
}

/** Starts the cluster before the file's tests (about 1 s once installed) and stops it after them. */
export function useSlurm(): TestCluster {
  const cluster: TestCluster = { env: {}, node: '' };
  beforeAll(() => {
    if (slurmMissing) return;
    const r = spawnSync('bash', [`${SCRIPTS}slurm-up.sh`], { encoding: 'utf8', timeout: 120_000 });
    const m = /SLURM_CONF=(\S+) NODE=(\S+)/.exec(r.stdout);
    if (r.status !== 0 || !m) throw new Error(`scripts/slurm-up.sh failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
    cluster.env = { ...process.env, SLURM_CONF: m[1], PATH: `/usr/bin:${process.env.PATH ?? ''}`, OMP_NUM_THREADS: '1' };
    cluster.node = m[2];
  }, 130_000);
  afterAll(() => {
    if (!slurmMissing) spawnSync('bash', [`${SCRIPTS}slurm-down.sh`], { encoding: 'utf8', timeout: 60_000 });
  }, 70_000);
  return cluster;
}
