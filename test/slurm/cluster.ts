// A real single-node Slurm for a test file: scripts/slurm-up.sh before its tests, slurm-down.sh
// after. Where Slurm cannot start here (not root, packages or torch missing) the tests are skipped
// with the reason printed, except under CI=true, where that is an error: CI installs everything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

// One cluster per machine: test files run in parallel, and slurm-up.sh stops whatever ran before,
// so a file holds this lock (a folder, made atomically) from starting its cluster to stopping it.
const LOCK = '/var/tmp/openecg-slurm-test.lock';
const WAIT_MS = 1_800_000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function lockCluster(): Promise<void> {
  const end = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // Just made by another file, its pid not yet written: it is alive.
    }
    // A holder that died without stopping its cluster: slurm-up.sh stops what it left.
    if (holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
    else if (Date.now() > end) throw new Error(`the test Slurm stayed in use by pid ${holder} for ${WAIT_MS / 60_000} minutes (${LOCK})`);
    else await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Starts the cluster before the file's tests (about 1 s once installed; first waits while another test file uses it) and stops it after them. */
export function useSlurm(): TestCluster {
  const cluster: TestCluster = { env: {}, node: '' };
  beforeAll(async () => {
    if (slurmMissing) return;
    await lockCluster();
    const r = spawnSync('bash', [`${SCRIPTS}slurm-up.sh`], { encoding: 'utf8', timeout: 120_000 });
    const m = /SLURM_CONF=(\S+) NODE=(\S+)/.exec(r.stdout);
    if (r.status !== 0 || !m) throw new Error(`scripts/slurm-up.sh failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
    cluster.env = { ...process.env, SLURM_CONF: m[1], PATH: `/usr/bin:${process.env.PATH ?? ''}`, OMP_NUM_THREADS: '1' };
    cluster.node = m[2];
  }, WAIT_MS + 130_000);
  afterAll(() => {
    if (slurmMissing) return;
    spawnSync('bash', [`${SCRIPTS}slurm-down.sh`], { encoding: 'utf8', timeout: 60_000 });
    rmSync(LOCK, { recursive: true, force: true });
  }, 70_000);
  return cluster;
}
