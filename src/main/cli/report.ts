// `openecg report --run <id|folder> --out <file.html> [--workspace <dir>] [--json]`,
// `openecg report --evaluation <folder> --out <file.html> [--json]`
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvaluationLoadError, RunLoadError, writeEvaluationReport, writeReport } from '../experiments/report/index.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg report --run <id|folder> --out <file.html> [--workspace <dir>] [--json]
       openecg report --evaluation <folder> --out <file.html> [--json]

Writes a self-contained HTML report of an experiment run, readable offline (inline SVG plots, no
script, nothing fetched): the run's config, code version, backend, seeds and data snapshots; the
LODO heat maps (targets x methods, AUROC and F1 with 95% CIs, the w/ - w/o delta); the scaling
curves with the saturation point; ROC curves per class from the stored predictions; loss curves;
and the run side by side with the paper's published figures (docs/report.md).

  --run <id|folder>  a run folder, or a job id (12 or job-12) under <workspace>/runs/
  --workspace <dir>  the workspace: resolves a job id, and its catalog gives the test labels
                     (default for a folder: the workspace the folder sits in)
  --json             print a JSON summary (sections written, partial, warnings)

A run still in progress is reported as far as it got and marked partial.

--evaluation <folder> reports an evaluation instead (the --out folder of openecg evaluate, or an
evaluate job's folder <workspace>/jobs/<id>): the model's identity (bundle, card), the engine, the
records scored and how many were zero-padded, per-class and per-center AUROC, AUPRC, F1,
sensitivity and specificity with patient-bootstrap intervals, ROC and precision-recall curves, and
the thresholds; the same offline page style (docs/evaluate.md).`;

/** The run folder --run names: an existing folder, else job <id> of the workspace. */
export function resolveRun(run: string, workspace: string | undefined): string {
  const job = /^(?:job-)?(\d+)$/.exec(run);
  if (job && workspace) {
    const dir = join(resolve(workspace), 'runs', `job-${job[1]}`);
    if (existsSync(dir)) return dir;
    if (!existsSync(run)) throw new UsageError(`no run of job ${job[1]} in ${join(resolve(workspace), 'runs')}`);
  }
  if (existsSync(run) && statSync(run).isDirectory()) return resolve(run);
  if (job) throw new UsageError(`'${run}' looks like a job id: give --workspace to find runs/job-${job[1]}`);
  throw new UsageError(`no run folder '${run}'`);
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report of an experiment run (tables, ROC, LODO heat map, scaling, losses, vs the paper) or of an evaluation',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { run: { type: 'string' }, evaluation: { type: 'string' }, out: { type: 'string' }, workspace: { type: 'string' }, json: { type: 'boolean' } }, false);
    if (values.run && values.evaluation) throw new UsageError('give --run or --evaluation, not both');
    if (!values.run && !values.evaluation) throw new UsageError('--run or --evaluation is required');
    if (!values.out) throw new UsageError('--out is required');
    if (values.evaluation) return evaluationReport(values.evaluation, values.out, values.json === true);
    const dir = resolveRun(values.run!, values.workspace);
    try {
      const s = writeReport(dir, resolve(values.out), values.workspace ? { workspace: values.workspace } : {});
      if (values.json) printJson(s);
      else {
        process.stdout.write(`report of ${s.run}${s.partial ? ` (partial: ${s.steps_recorded} of ${s.steps_planned} steps recorded)` : ''} -> ${s.out} (${Math.round(s.bytes / 1024)} KiB; sections ${s.sections.join(', ')})\n`);
        for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
      }
      return 0;
    } catch (err) {
      if (err instanceof RunLoadError) {
        process.stderr.write(`openecg report: ${err.message}\n`);
        return 1;
      }
      throw err;
    }
  },
};

function evaluationReport(dir: string, out: string, json: boolean): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`no evaluation folder '${dir}'`);
  if (!existsSync(join(dir, 'evaluation.json'))) throw new UsageError(`'${dir}' has no evaluation.json: give the --out folder of openecg evaluate`);
  try {
    const s = writeEvaluationReport(resolve(dir), resolve(out));
    if (json) printJson(s);
    else process.stdout.write(`evaluation report of job ${s.job} (${s.records} records of ${s.centers.join(', ')}) -> ${s.out} (${Math.round(s.bytes / 1024)} KiB)\n`);
    return 0;
  } catch (err) {
    if (err instanceof EvaluationLoadError) {
      process.stderr.write(`openecg report: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
