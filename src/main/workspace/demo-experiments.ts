// The demo's experiments: the small CPU config's LODO and scaling runs, as jobs in their own
// processes. A finished job with the same experiment and config is reused; an interrupted one resumes.
import { readExperimentConfig } from '../experiments/config.js';
import type { ExperimentSummary } from '../experiments/run.js';
import { jobs, resumeJob, startJob, submitJob, waitForJob } from '../jobs/index.js';
import { RESUMABLE_STATES, type JobRow } from '../catalog/index.js';

export type DemoExperiment = 'lodo' | 'scaling';

export interface DemoExperimentResult {
  readonly experiment: DemoExperiment;
  readonly job: number;
  readonly reused: boolean;
  readonly state: JobRow['state'];
  readonly minutes: number;
  readonly summary: ExperimentSummary | null;
  readonly error: string | null;
}

const sameJob = (row: JobRow, experiment: DemoExperiment, file: string) =>
  row.kind === 'experiment' && row.params.experiment === experiment && row.params.config_file === file;

export async function runDemoExperiments(
  workspace: string,
  configFile: string,
  onUpdate?: (experiment: DemoExperiment, row: JobRow) => void,
): Promise<DemoExperimentResult[]> {
  const config = readExperimentConfig(configFile);
  const out: DemoExperimentResult[] = [];
  for (const experiment of ['lodo', 'scaling'] as const) {
    const earlier = jobs(workspace).filter((r) => sameJob(r, experiment, configFile));
    const done = earlier.find((r) => r.state === 'done');
    if (done) {
      out.push({ experiment, job: done.id, reused: true, state: done.state, minutes: 0, summary: done.result as ExperimentSummary, error: null });
      continue;
    }
    const t0 = performance.now();
    const resumable = earlier.find((r) => RESUMABLE_STATES.includes(r.state));
    const id = resumable?.id ?? submitJob(workspace, 'experiment', { experiment, config, config_file: configFile });
    const child = resumable ? resumeJob(workspace, id) : startJob(workspace, id);
    const end = await waitForJob(workspace, id, { child, onUpdate: (row) => onUpdate?.(experiment, row) });
    out.push({
      experiment,
      job: id,
      reused: false,
      state: end.state,
      minutes: +((performance.now() - t0) / 60000).toFixed(2),
      summary: end.state === 'done' ? (end.result as ExperimentSummary) : null,
      error: end.error,
    });
  }
  return out;
}
