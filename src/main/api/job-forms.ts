// The jobs the UI's forms start (jobs.submit), resume and read the log of. Each job runs in its own
// detached process, exactly as `openecg experiment` / `openecg jobs resume` start them, with the
// parameters the job kinds take (src/main/jobs/kinds.ts); experiment configs are the bundled ones.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ApiError, type ApiParsedInput, type JobSummary } from '../../shared/api.js';
import { bundledConfigNames, configPath } from '../experiments/bundled.js';
import { readExperimentConfig, type ExperimentConfig } from '../experiments/config.js';
import { JobError, jobLog, resumeJob, startJob, submitJob } from '../jobs/index.js';
import type { JobKind } from '../catalog/index.js';
import { ensureDemoModels } from '../workspace/demo-models.js';
import { listJobs } from './jobs.js';

function config(name: string): { config: ExperimentConfig; file: string } {
  const file = bundledConfigNames().includes(name) ? configPath(name) : undefined;
  if (!file) throw new ApiError('invalid-input', `no bundled experiment config '${name}' (have ${bundledConfigNames().join(', ')})`);
  return { config: readExperimentConfig(file), file };
}

const abs = (workspace: string, p: string) => (isAbsolute(p) ? resolve(p) : resolve(workspace, p));

function paramsOf(workspace: string, input: Exclude<ApiParsedInput<'jobs.submit'>, { kind: 'demo-models' }>): { kind: JobKind; params: Record<string, unknown> } {
  switch (input.kind) {
    case 'import': {
      const folder = abs(workspace, input.folder);
      if (!existsSync(folder)) throw new ApiError('invalid-input', `no folder ${folder}`);
      return { kind: 'import', params: { folder, dataset: input.dataset, center: input.center, workers: input.workers } };
    }
    case 'experiment': {
      const c = config(input.config);
      // The form's engine wins over the config's (as `openecg experiment --engine`).
      return { kind: 'experiment', params: { experiment: input.experiment, config: input.engine ? { ...c.config, engine: input.engine } : c.config, config_file: c.file } };
    }
    // The form's engine is the job's own (it wins over the config's when the job starts, jobs/training.ts).
    case 'pretrain':
      return { kind: 'pretrain', params: { config: config(input.config).config, method: input.method, centers: input.centers, engine: input.engine } };
    case 'probe':
    case 'finetune':
      return { kind: input.kind, params: { config: config(input.config).config, init: abs(workspace, input.init), centers: input.centers, engine: input.engine } };
    case 'evaluate': {
      const folder = input.folder ? abs(workspace, input.folder) : undefined;
      if (folder && !existsSync(folder)) throw new ApiError('invalid-input', `no folder ${folder}`);
      if (folder && !input.center) throw new ApiError('invalid-input', 'evaluating a local folder needs the center name its records get');
      const bundle = abs(workspace, input.bundle);
      if (!existsSync(resolve(bundle, 'bundle.json'))) throw new ApiError('invalid-input', `no model bundle at ${bundle}`);
      return { kind: 'evaluate', params: { config: config(input.config).config, bundle, centers: input.centers, folder, dataset: input.dataset, center: input.center, part: input.part } };
    }
  }
}

const dropUndefined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const summaryOf = (workspace: string, id: number): JobSummary => {
  const s = listJobs(workspace).jobs.find((j) => j.id === id);
  if (!s) throw new ApiError('not-found', `no job ${id}`);
  return s;
};

export function submitFromForm(workspace: string, input: ApiParsedInput<'jobs.submit'>): JobSummary {
  if (input.kind === 'demo-models') {
    const demo = ensureDemoModels(workspace, { detached: true });
    demo.child?.unref();
    return summaryOf(workspace, demo.id);
  }
  const { kind, params } = paramsOf(workspace, input);
  let id: number;
  try {
    id = submitJob(workspace, kind, dropUndefined(params));
  } catch (err) {
    if (err instanceof JobError) throw new ApiError('invalid-input', err.message);
    throw err;
  }
  // Detached: the job outlives the server or window that started it.
  startJob(workspace, id, { detached: true }).unref();
  return summaryOf(workspace, id);
}

export function resumeFromUi(workspace: string, id: number): JobSummary {
  try {
    resumeJob(workspace, id, { detached: true }).unref();
  } catch (err) {
    throw new ApiError(/no job/.test((err as Error).message) ? 'not-found' : 'invalid-input', (err as Error).message);
  }
  return summaryOf(workspace, id);
}

/** The last `tail` lines of a job's log (read from the end: a long job's log can be large). */
export function jobLogTail(workspace: string, id: number, tail: number): { id: number; lines: string[]; bytes: number } {
  const file = jobLog(workspace, id);
  if (!existsSync(file)) return { id, lines: [], bytes: 0 };
  const bytes = statSync(file).size;
  const want = Math.min(bytes, tail * 400);
  const buf = Buffer.alloc(want);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, want, bytes - want);
  } finally {
    closeSync(fd);
  }
  const lines = buf.toString('utf8').split('\n').filter(Boolean);
  if (want < bytes) lines.shift(); // the first line is cut
  return { id, lines: lines.slice(-tail), bytes };
}
