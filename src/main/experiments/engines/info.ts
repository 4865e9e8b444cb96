// How a run's training engine is recorded (run.json `engine`) and shown: the job log, the summary,
// the report and the results view. No Node modules here: the report and the API read it.
import type { TrainingEngineName } from './types.js';

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
