// The 'torch' training engine: the PyTorch trainer (cluster/openecg_cluster/train.py) as a child
// process of the job, on this machine. CUDA with AMP when torch sees a GPU (several GPUs: one DDP
// rank each through torchrun), else the CPU with every core. Its metrics.jsonl is followed into live progress; a cancel stops it (SIGTERM, then SIGKILL)
// and leaves its checkpoints, from which the next start resumes. The trainer's pid is kept in its
// out folder, so a trainer orphaned by a killed job is stopped before a resumed job starts another
// one on the same folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import { shippedPath } from '../../platform/app-paths.js';
import { writeFileAtomic } from '../run-folder.js';
import { MetricsTail, readMetrics } from './metrics-tail.js';
import { probeTorch, trainerPython, type TorchProbe } from './select.js';
import { TrainerCancelled, TrainerFailed, trainerArgs, type EngineIo, type TrainerResult, type TrainerStep, type TrainingEngine } from './types.js';

export interface TorchEngineOptions {
  /** Default: OPENECG_PYTHON, else /usr/bin/python3. */
  readonly python?: string;
  /** The folder holding openecg_cluster/ (default: the shipped cluster/). */
  readonly clusterDir?: string;
  /** Default: cuda when torch sees a GPU, else cpu. */
  readonly device?: 'cpu' | 'cuda';
  /** CPU threads (default: every core). */
  readonly threads?: number;
  /** Arguments appended to the trainer's (tests: --kill-after N). */
  readonly extraArgs?: readonly string[];
  /** Milliseconds between SIGTERM and SIGKILL on cancel. */
  readonly graceMs?: number;
  /** Milliseconds between polls of metrics.jsonl. */
  readonly pollMs?: number;
}

const TAIL_LINES = 30;
const PID_FILE = 'trainer.pid';

/** The step of the newest complete checkpoint in a trainer's out folder (0: none). */
export function newestCheckpointStep(out: string): number {
  const dir = join(out, 'checkpoints');
  if (!existsSync(dir)) return 0;
  const steps = readdirSync(dir)
    .filter((d) => /^step-\d{8}$/.test(d) && existsSync(join(dir, d, 'state.json')))
    .map((d) => Number(d.slice(5)));
  return steps.length ? Math.max(...steps) : 0;
}

/** Drops metrics lines after `step` (they run again), as the trainer itself does when it resumes. */
function trimMetrics(out: string, step: number): void {
  const file = join(out, 'metrics.jsonl');
  if (!existsSync(file)) return;
  const keep = readMetrics(file).filter((m) => m.step <= step);
  writeFileAtomic(file, keep.map((m) => JSON.stringify(m) + '\n').join(''));
}

/** A trainer left running by a job that was killed: stopped, so two never write one folder. */
function stopOrphan(out: string, log: (line: string) => void): void {
  const file = join(out, PID_FILE);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  rmSync(file, { force: true });
  if (!(pid > 0)) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return; // gone (or no /proc: nothing to check against)
  }
  if (!cmdline.includes('openecg_cluster.train') || !cmdline.includes(out)) return;
  log(`stopping trainer ${pid} left running on ${out} by an earlier job process`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return; // already gone
  }
  // Wait (at most 5 s) until it is gone, so it writes nothing after the new trainer starts.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 100 && existsSync(`/proc/${pid}`) && !isZombie(pid); i++) Atomics.wait(pause, 0, 0, 50);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** The first line of the trainer's log that says what went wrong, as one reason. */
export function failureReason(code: number | null, signal: NodeJS.Signals | null, tail: readonly string[], python: string): string {
  const text = tail.join('\n');
  if (/No module named '?torch'?/.test(text)) return `python3-torch is missing: ${python} cannot import torch (apt-get install python3-torch, or set OPENECG_PYTHON)`;
  if (/No module named '?numpy'?/.test(text)) return `numpy is missing: ${python} cannot import numpy (apt-get install python3-numpy)`;
  const cuda = tail.find((l) => /CUDA (error|out of memory)|CUDNN_STATUS|cuda runtime error|NCCL error/i.test(l));
  if (cuda) return `CUDA error in the trainer: ${cuda.trim()}`;
  if (signal) return `the trainer was killed (${signal}${signal === 'SIGKILL' ? ': out of memory, or killed from outside' : ''})`;
  const last = [...tail].reverse().find((l) => /^\w*(Error|Exception)\b|^SystemExit|Error:/.test(l.trim()));
  return `the trainer failed (exit code ${code})${last ? `: ${last.trim()}` : ''}`;
}

export class TorchEngine implements TrainingEngine {
  readonly name = 'torch' as const;
  constructor(private readonly options: TorchEngineOptions = {}) {}

  /** What the trainer runs on: device and threads, from the torch probe. */
  async placement(): Promise<{ probe: TorchProbe; device: 'cpu' | 'cuda'; threads: number; workers: number }> {
    const probe = await probeTorch(this.options.python ?? trainerPython());
    const device = this.options.device ?? (probe.cuda ? 'cuda' : 'cpu');
    const cores = availableParallelism();
    // CPU: every core computes, augmentation stays in the main process (workers would contend);
    // GPU: DataLoader workers prepare batches while the GPU computes.
    const threads = this.options.threads ?? cores;
    const workers = device === 'cuda' ? Math.max(1, Math.min(4, cores - 1)) : 0;
    return { probe, device, threads, workers };
  }

  async start(step: TrainerStep, io: EngineIo): Promise<TrainerResult> {
    if (io.signal?.aborted) throw new TrainerCancelled(step.name);
    const python = this.options.python ?? trainerPython();
    const { probe, device, threads, workers } = await this.placement();
    if (!probe.ok) throw new TrainerFailed(step.name, `engine torch: ${probe.reason}`, []);
    // A stop asked while the probe ran: the abort listener below would never fire.
    if (io.signal?.aborted) throw new TrainerCancelled(step.name);
    const cluster = this.options.clusterDir ?? shippedPath('cluster');
    if (!existsSync(join(cluster, 'openecg_cluster', 'train.py'))) throw new TrainerFailed(step.name, `the trainer is missing: no ${join(cluster, 'openecg_cluster', 'train.py')}`, []);
    mkdirSync(step.out, { recursive: true });
    stopOrphan(step.out, io.log);
    const resumedFrom = newestCheckpointStep(step.out);
    trimMetrics(step.out, resumedFrom);
    // Every visible GPU as one DDP rank each (torchrun, as cluster plan's torchrun.sh starts it), when the batch splits evenly.
    const gpus = device === 'cuda' ? probe.devices.length : 1;
    const ranks = gpus > 1 && step.batchSize !== undefined && step.batchSize % gpus === 0 ? gpus : 1;
    const where = `torch ${probe.version} (${device === 'cuda' ? `cuda: ${ranks > 1 ? `${ranks} x ` : ''}${probe.devices[0] ?? 'GPU'}, AMP` : `cpu, ${threads} threads`})`;
    const torchrun = ranks > 1 ? ['-m', 'torch.distributed.run', '--standalone', '--nnodes', '1', '--nproc_per_node', String(ranks), '--redirects', '1', '--tee', '1'] : [];
    const args = [...torchrun, ...trainerArgs(step, { device, threads: device === 'cpu' ? threads : undefined, workers }), ...(this.options.extraArgs ?? [])];
    io.log(`${step.name}: ${where}${resumedFrom ? `, resuming from step ${resumedFrom}` : ''}: ${python} ${args.join(' ')}`);
    const env = { ...process.env, PYTHONPATH: [cluster, process.env.PYTHONPATH].filter(Boolean).join(delimiter), PYTHONUNBUFFERED: '1' };
    const child = spawn(python, args, { cwd: cluster, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) writeFileSync(join(step.out, PID_FILE), String(child.pid));
    const tail: string[] = [];
    const keep = (chunk: Buffer, pending: { text: string }) => {
      pending.text += chunk.toString('utf8');
      const lines = pending.text.split('\n');
      pending.text = lines.pop()!;
      for (const l of lines) {
        if (!l.trim()) continue;
        tail.push(l);
        if (tail.length > TAIL_LINES) tail.shift();
        io.log(`trainer: ${l}`);
      }
    };
    const outPending = { text: '' };
    const errPending = { text: '' };
    child.stdout.on('data', (c: Buffer) => keep(c, outPending));
    child.stderr.on('data', (c: Buffer) => keep(c, errPending));
    const metrics = new MetricsTail(join(step.out, 'metrics.jsonl'), resumedFrom, (m) => io.onMetric(m));
    const timer = setInterval(() => metrics.poll(), this.options.pollMs ?? 250);
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      cancelled = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.graceMs ?? 5000);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { code, signal, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: Error | null }>((resolve) => {
        child.once('error', (err) => resolve({ code: null, signal: null, spawnError: err }));
        child.once('close', (c, s) => resolve({ code: c, signal: s, spawnError: null }));
      });
      for (const p of [outPending, errPending]) if (p.text.trim()) tail.push(p.text);
      metrics.poll();
      if (spawnError) throw new TrainerFailed(step.name, `cannot start ${python}: ${spawnError.message}`, []);
      if (cancelled) throw new TrainerCancelled(step.name);
      const checkpoint = join(step.out, 'checkpoint.safetensors');
      if (code !== 0 || signal) throw new TrainerFailed(step.name, failureReason(code, signal, tail, python), tail);
      if (!existsSync(checkpoint)) throw new TrainerFailed(step.name, `the trainer ended without writing ${checkpoint}`, tail);
      return { checkpoint, where, resumedFrom };
    } finally {
      clearInterval(timer);
      if (killTimer) clearTimeout(killTimer);
      io.signal?.removeEventListener('abort', onAbort);
      rmSync(join(step.out, PID_FILE), { force: true });
    }
  }
}
