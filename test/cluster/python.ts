// Running the PyTorch side of the cluster tests: Debian's python3-torch at /usr/bin/python3.
// Without it the tests are skipped, with the reason printed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const CLUSTER_DIR = fileURLToPath(new URL('../../cluster/', import.meta.url));

function probe(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found (${r.error.message}); apt-get install -y python3-torch`;
  if (r.status !== 0) return `${PYTHON} has no torch/numpy (apt-get install -y python3-torch): ${r.stderr.trim().split('\n').pop()}`;
  return null;
}

export const torchMissing = probe();
if (torchMissing) console.warn(`[cluster tests skipped] ${torchMissing}`);

/** Runs python with the cluster package importable; throws with its stderr on failure. */
export function python(args: string[], env: Record<string, string> = {}, timeout = 120_000): string {
  const r = spawnSync(PYTHON, args, { cwd: CLUSTER_DIR, encoding: 'utf8', env: { ...process.env, PYTHONPATH: CLUSTER_DIR, OMP_NUM_THREADS: '1', ...env }, timeout });
  if (r.status !== 0) throw new Error(`python ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return r.stdout;
}
