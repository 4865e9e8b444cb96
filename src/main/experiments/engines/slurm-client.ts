// Slurm's command-line clients (sbatch, squeue, scontrol, sacct, scancel) as functions with parsed
// results. The workstation must be a submit host of the cluster: these run here, Slurm's own
// configuration (or SLURM_CONF) says which controller they talk to.
import { execFile } from 'node:child_process';
import { z } from 'zod';

/** What squeue / scontrol / sacct say of one job. */
export interface JobInfo {
  readonly id: string;
  /** Slurm's state name: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, ... */
  readonly state: string;
  /** Why it waits or ended (squeue %r / scontrol Reason), e.g. 'Dependency', 'NonZeroExitCode'. */
  readonly reason: string;
  readonly nodes: string;
  /** Exit status of the batch script when known (scontrol / sacct). */
  readonly exitCode?: number;
}

/** States in which a job still holds or waits for nodes: follow it, do not submit it again. */
const ACTIVE = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

export function isActive(state: string): boolean {
  return ACTIVE.has(state);
}

const jobId = z.string().regex(/^\d+(_\d+)?$/);
const stateName = z.string().regex(/^[A-Z_]+$/);

/** `sbatch --parsable` prints `<id>` or `<id>;<cluster>`. */
export function parseSbatch(stdout: string): string {
  const id = stdout.trim().split('\n').pop()!.split(';')[0];
  const r = jobId.safeParse(id);
  if (!r.success) throw new Error(`sbatch printed no job id: ${stdout.trim().slice(0, 200)}`);
  return r.data;
}

/** `squeue -h -t all -o '%i|%T|%r|%N'`: one job per line. */
export function parseSqueue(stdout: string): Map<string, JobInfo> {
  const out = new Map<string, JobInfo>();
  for (const line of stdout.split('\n')) {
    const [id, state, reason = '', nodes = ''] = line.trim().split('|');
    if (!jobId.safeParse(id).success || !stateName.safeParse(state).success) continue;
    out.set(id, { id, state, reason: reason === '(null)' ? '' : reason, nodes });
  }
  return out;
}

/** `scontrol show job -o ID`: `Key=Value` pairs on one line. */
export function parseScontrolJob(stdout: string): JobInfo | null {
  const kv = new Map<string, string>();
  for (const m of stdout.matchAll(/(\w+)=(\S*)/g)) if (!kv.has(m[1])) kv.set(m[1], m[2]);
  const id = kv.get('JobId');
  const state = kv.get('JobState');
  if (!id || !jobId.safeParse(id).success || !state || !stateName.safeParse(state).success) return null;
  const exit = /^(\d+):(\d+)$/.exec(kv.get('ExitCode') ?? '');
  const nodes = kv.get('NodeList') ?? '';
  return { id, state, reason: kv.get('Reason') ?? '', nodes: nodes === '(null)' ? '' : nodes, exitCode: exit ? Number(exit[1]) : undefined };
}

/** `sacct -n -P -X -o JobID,State,ExitCode,NodeList -j ID`: 'CANCELLED by 0' keeps its first word. */
export function parseSacct(stdout: string): JobInfo | null {
  const line = stdout.split('\n').find((l) => l.trim());
  if (!line) return null;
  const [id, state, exit = '', nodes = ''] = line.trim().split('|');
  const name = state?.split(' ')[0] ?? '';
  if (!jobId.safeParse(id).success || !stateName.safeParse(name).success) return null;
  const m = /^(\d+):(\d+)$/.exec(exit);
  return { id, state: name, reason: state.includes(' ') ? state : '', nodes: nodes === 'None assigned' ? '' : nodes, exitCode: m ? Number(m[1]) : undefined };
}

export class SlurmCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SlurmCommandError';
  }
}

export interface SlurmClientOptions {
  /** Environment of the clients and of submitted jobs (sbatch exports it): PATH, SLURM_CONF, ... */
  readonly env?: NodeJS.ProcessEnv;
  /** Seconds before a client call is given up (a controller that does not answer). */
  readonly timeoutSeconds?: number;
}

export class SlurmClient {
  constructor(private readonly options: SlurmClientOptions = {}) {}

  private run(cmd: string, args: string[], cwd?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(cmd, args, { cwd, env: this.options.env ?? process.env, encoding: 'utf8', timeout: (this.options.timeoutSeconds ?? 60) * 1000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean };
        if (e.code === 'ENOENT') return reject(new SlurmCommandError(`${cmd} not found: the workstation must be a submit host of the Slurm cluster (apt-get install slurm-client, and Slurm's configuration or SLURM_CONF)`, ''));
        if (e.killed) return reject(new SlurmCommandError(`${cmd} ${args.join(' ')}: no answer within ${this.options.timeoutSeconds ?? 60} s (is slurmctld up?)`, stderr));
        reject(new SlurmCommandError(`${cmd} ${args.join(' ')}: ${stderr.trim().split('\n').pop() || `exit ${String(e.code)}`}`, stderr));
      });
    });
  }

  /** Submits `script` from `cwd` (the job's SLURM_SUBMIT_DIR); returns the job id. */
  async sbatch(script: string, cwd: string, options: { dependency?: readonly string[] } = {}): Promise<string> {
    const args = ['--parsable'];
    if (options.dependency?.length) args.push(`--dependency=afterok:${options.dependency.join(':')}`);
    args.push(script);
    return parseSbatch(await this.run('sbatch', args, cwd));
  }

  /** States of the given jobs, finished ones included while the controller remembers them (MinJobAge). */
  async squeue(ids: readonly string[]): Promise<Map<string, JobInfo>> {
    if (ids.length === 0) return new Map();
    try {
      return parseSqueue(await this.run('squeue', ['-h', '-t', 'all', '-j', ids.join(','), '-o', '%i|%T|%r|%N']));
    } catch (err) {
      // Every id unknown (purged after MinJobAge, or a restarted controller): squeue exits 1.
      if (err instanceof SlurmCommandError && /Invalid job id/i.test(err.stderr)) return new Map();
      throw err;
    }
  }

  /** The controller's record of a job (exit code, reason), null when it has forgotten it. */
  async scontrolJob(id: string): Promise<JobInfo | null> {
    try {
      return parseScontrolJob(await this.run('scontrol', ['show', 'job', '-o', id]));
    } catch (err) {
      if (err instanceof SlurmCommandError && /Invalid job id/i.test(err.stderr)) return null;
      throw err;
    }
  }

  /** The accounting record, null without accounting (AccountingStorageType=none) or for an unknown job. */
  async sacct(id: string): Promise<JobInfo | null> {
    try {
      return parseSacct(await this.run('sacct', ['-n', '-P', '-X', '-o', 'JobID,State,ExitCode,NodeList', '-j', id]));
    } catch {
      return null;
    }
  }

  async scancel(id: string): Promise<void> {
    await this.run('scancel', [id]);
  }
}
