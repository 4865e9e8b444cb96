// Which engine trains an experiment's steps. `auto` is torch when the workstation's Python imports
// torch >= 1.13 (one probe per Python per process, cached), else TensorFlow.js; the reason is kept
// so the job log and run.json can say why. Engines other than TensorFlow.js are loaded lazily
// through one registry, so the Slurm engine plugs in beside the torch one.
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { ExperimentConfig } from '../config.js';
import type { TrainingEngine, TrainingEngineName } from './types.js';

/** The Python the trainer runs on: OPENECG_PYTHON, else Debian's /usr/bin/python3 (its python3-torch). */
export function trainerPython(env: NodeJS.ProcessEnv = process.env): string {
  return env.OPENECG_PYTHON || '/usr/bin/python3';
}

export const MIN_TORCH = [1, 13] as const;

const probeOut = z.object({ torch: z.string(), cuda: z.boolean(), devices: z.array(z.string()), threads: z.number().int() }).strict();

export interface TorchProbe {
  readonly python: string;
  /** torch imported and new enough. */
  readonly ok: boolean;
  readonly version: string | null;
  readonly cuda: boolean;
  /** CUDA device names (empty on CPU). */
  readonly devices: string[];
  /** Why ok is what it is, one line. */
  readonly reason: string;
}

const PROBE = 'import json, torch; print(json.dumps({"torch": torch.__version__, "cuda": bool(torch.cuda.is_available()), "devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else [], "threads": torch.get_num_threads()}))';

/** "1.13.0a0" -> true for >= 1.13. */
export function torchVersionOk(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > MIN_TORCH[0] || (major === MIN_TORCH[0] && minor >= MIN_TORCH[1]);
}

const HOW = 'install python3-torch (apt-get install python3-torch) or point OPENECG_PYTHON at a Python that has torch >= 1.13';

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '';
}

function runProbe(python: string): Promise<TorchProbe> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { timeout: 120_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const fail = (why: string): void => resolve({ python, ok: false, version: null, cuda: false, devices: [], reason: `${python} cannot import torch: ${why}; ${HOW}` });
      if (err) {
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean };
        if (e.code === 'ENOENT') return fail('no such program');
        if (e.code === 'EACCES') return fail('not executable');
        if (e.killed) return fail('the probe timed out after 120 s');
        const tail = lastLine(stderr);
        return fail(tail ? tail : `exited with code ${String(e.code)} and no message`);
      }
      const parsed = probeOut.safeParse((() => {
        try {
          return JSON.parse(lastLine(stdout));
        } catch {
          return null;
        }
      })());
      if (!parsed.success) return fail(`unexpected answer '${lastLine(stdout).slice(0, 120)}'`);
      const p = parsed.data;
      if (!torchVersionOk(p.torch)) return resolve({ python, ok: false, version: p.torch, cuda: p.cuda, devices: p.devices, reason: `${python} has torch ${p.torch}, older than ${MIN_TORCH.join('.')}; ${HOW}` });
      const where = p.cuda ? `CUDA (${p.devices.join(', ')})` : `CPU (no CUDA device), ${availableParallelism()} cores`;
      resolve({ python, ok: true, version: p.torch, cuda: p.cuda, devices: p.devices, reason: `${python} imports torch ${p.torch}: ${where}` });
    });
  });
}

const probes = new Map<string, Promise<TorchProbe>>();

/** Whether `python` imports torch >= 1.13, and on what device; one probe per Python per process. */
export function probeTorch(python = trainerPython()): Promise<TorchProbe> {
  let p = probes.get(python);
  if (!p) probes.set(python, (p = runProbe(python)));
  return p;
}

export interface EngineChoice {
  readonly name: 'tfjs' | 'torch' | 'slurm';
  /** What the config asked for. */
  readonly requested: TrainingEngineName;
  readonly reason: string;
  readonly torch: TorchProbe | null;
}

/** Who named the engine, for the reason: the config (or `--engine`), or a job's own `engine` parameter. */
export type EngineRequestedBy = 'config' | 'job';

/**
 * The engine a run trains with. `auto`: torch when the probe succeeds, else tfjs. `torch` without a
 * usable torch is an error here, before anything trains, with the probe's reason.
 */
export async function chooseTrainingEngine(requested: TrainingEngineName, python = trainerPython(), by: EngineRequestedBy = 'config'): Promise<EngineChoice> {
  if (requested === 'tfjs') return { name: 'tfjs', requested, reason: `the ${by} asks for tfjs (TensorFlow.js in the job process)`, torch: null };
  if (requested === 'slurm') return { name: 'slurm', requested, reason: `the ${by} asks for slurm (the PyTorch trainer as Slurm jobs)`, torch: null };
  const probe = await probeTorch(python);
  if (requested === 'torch') {
    if (!probe.ok) throw new Error(`engine torch: ${probe.reason}`);
    return { name: 'torch', requested, reason: `the ${by} asks for torch; ${probe.reason}`, torch: probe };
  }
  return probe.ok
    ? { name: 'torch', requested, reason: `auto: ${probe.reason}`, torch: probe }
    : { name: 'tfjs', requested, reason: `auto: TensorFlow.js, because ${probe.reason}`, torch: probe };
}

/**
 * The engines that run the PyTorch trainer, each loaded on first use (the Slurm engine reads the
 * config's `slurm` section: partition, GPUs, sbatch options; docs/cluster.md).
 */
export const ENGINE_LOADERS: Partial<Record<'torch' | 'slurm', (config: Pick<ExperimentConfig, 'slurm'>) => Promise<TrainingEngine>>> = {
  torch: () => import('./torch.js').then((m) => new m.TorchEngine()),
  slurm: (config) => import('./slurm.js').then((m) => m.slurmEngine(config)),
};

export async function trainingEngine(name: 'torch' | 'slurm', config: Pick<ExperimentConfig, 'slurm'> = {}): Promise<TrainingEngine> {
  const load = ENGINE_LOADERS[name];
  if (!load) throw new Error(`training engine '${name}' is not part of this build`);
  return load(config);
}
