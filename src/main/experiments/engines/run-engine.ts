// The training engine of one run: chosen once at its start (auto resolved with its reason), opened,
// and described for run.json, the job log, the summary, the report and the results view.
import { chooseTrainingEngine, trainingEngine } from './select.js';
import { TorchEngine } from './torch.js';
import type { TrainingEngine, TrainingEngineName } from './types.js';

/** run.json's `engine`: what was asked, what trains, why, and where the trainer runs. */
export interface TrainingEngineInfo {
  readonly requested: TrainingEngineName;
  readonly name: 'tfjs' | 'torch' | 'slurm';
  readonly reason: string;
  /** torch only: the Python, torch's version, device, CPU threads or GPU. */
  readonly python?: string;
  readonly torch?: string | null;
  readonly device?: 'cpu' | 'cuda';
  readonly threads?: number;
  readonly gpu?: string;
}

/** 'tfjs', 'torch 1.13.0a0 (cpu, 2 threads)', 'torch 2.1.0 (cuda: NVIDIA A100, AMP)', 'slurm'. */
export function describeTrainingEngine(info: TrainingEngineInfo): string {
  if (info.name !== 'torch') return info.name;
  return `torch ${info.torch ?? '?'} (${info.device === 'cuda' ? `cuda: ${info.gpu ?? 'GPU'}, AMP` : `cpu, ${info.threads ?? '?'} threads`})`;
}

export async function openTrainingEngine(requested: TrainingEngineName): Promise<{ info: TrainingEngineInfo; engine: TrainingEngine | null }> {
  const choice = await chooseTrainingEngine(requested);
  if (choice.name === 'tfjs') return { info: { requested, name: 'tfjs', reason: choice.reason }, engine: null };
  if (choice.name === 'slurm') return { info: { requested, name: 'slurm', reason: choice.reason }, engine: await trainingEngine('slurm') };
  const engine = new TorchEngine();
  const p = await engine.placement();
  return {
    info: { requested, name: 'torch', reason: choice.reason, python: p.probe.python, torch: p.probe.version, device: p.device, ...(p.device === 'cuda' ? { gpu: p.probe.devices[0] } : { threads: p.threads }) },
    engine,
  };
}
