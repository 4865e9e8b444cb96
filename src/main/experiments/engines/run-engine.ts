// The training engine of one run: chosen once at its start (auto resolved with its reason) and opened.
import { chooseTrainingEngine, probeTorch, trainerPython, trainingEngine, type EngineRequestedBy } from './select.js';
import { TorchEngine } from './torch.js';
import type { TrainingEngine, TrainingEngineName } from './types.js';
import type { TrainingEngineInfo } from './info.js';
import type { ExperimentConfig } from '../config.js';

export { describeTrainingEngine, type TrainingEngineInfo } from './info.js';

/**
 * Starts the torch probe (a Python start-up and `import torch`: seconds of wall time) in the
 * background when the run may train on torch, so it overlaps the workstation's own start-up; the
 * probe is cached, and openTrainingEngine then finds it done.
 */
export function warmTrainingEngine(requested: TrainingEngineName): void {
  if (requested === 'torch' || requested === 'auto') void probeTorch();
}

export async function openTrainingEngine(requested: TrainingEngineName, config: Pick<ExperimentConfig, 'slurm'> = {}, by: EngineRequestedBy = 'config'): Promise<{ info: TrainingEngineInfo; engine: TrainingEngine | null }> {
  const choice = await chooseTrainingEngine(requested, trainerPython(), by);
  if (choice.name === 'tfjs') return { info: { requested, name: 'tfjs', reason: choice.reason }, engine: null };
  if (choice.name === 'slurm') return { info: { requested, name: 'slurm', reason: choice.reason }, engine: await trainingEngine('slurm', config) };
  const engine = new TorchEngine();
  const p = await engine.placement();
  return {
    info: { requested, name: 'torch', reason: choice.reason, python: p.probe.python, torch: p.probe.version, device: p.device, ...(p.device === 'cuda' ? { gpu: p.probe.devices[0] } : { threads: p.threads }) },
    engine,
  };
}
