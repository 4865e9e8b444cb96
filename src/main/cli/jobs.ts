// `openecg jobs --workspace <dir> [--json]`, `openecg jobs cancel|resume <id> --workspace <dir>`.
import { Catalog, type JobRow } from '../catalog/index.js';
import { JobError, cancelJob, jobs, resumeJob, waitForJob } from '../jobs/index.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg jobs --workspace <dir> [--json]
       openecg jobs cancel <id> --workspace <dir> [--json]
       openecg jobs resume <id> --workspace <dir> [--detach] [--json]

Lists the workspace's jobs (import, pretrain, probe, finetune, evaluate, experiment) with their
state, progress and ETA. A job whose process died while running (crash, kill -9) shows as
'interrupted'. cancel asks a running job to stop at its next step boundary (it writes a checkpoint
and ends 'cancelled'); resume starts an unfinished job again from its last checkpoint and waits
for it (--detach: leave it running in the background).`;

export function jobLine(j: JobRow): string {
  const pct = `${(j.progress * 100).toFixed(1)}%`;
  const eta = j.state === 'running' && j.eta_s !== null ? ` eta ${Math.round(j.eta_s)} s` : '';
  const what = j.kind === 'experiment' ? `experiment ${(j.params as { experiment?: string }).experiment ?? ''}` : j.kind;
  return `${String(j.id).padStart(4)}  ${what.padEnd(18)} ${j.state.padEnd(11)} ${pct.padStart(6)}${eta}${j.error ? `  ${j.error}` : j.message ? `  ${j.message}` : ''}`;
}

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'list, cancel and resume jobs (training, experiments, imports) of a workspace',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' }, json: { type: 'boolean' }, detach: { type: 'boolean' } });
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}'`);
    const [action, idText] = positionals;
    try {
      if (action === undefined || action === 'list') {
        const list = jobs(values.workspace);
        if (values.json) printJson({ jobs: list });
        else process.stdout.write(list.length ? list.map(jobLine).join('\n') + '\n' : 'no jobs\n');
        return 0;
      }
      if (action !== 'cancel' && action !== 'resume') throw new UsageError(`unknown action '${action}' (cancel, resume)`);
      const id = intOption(idText, 'id');
      if (id === undefined) throw new UsageError(`${action} needs a job id`);
      if (action === 'cancel') {
        const row = cancelJob(values.workspace, id);
        if (values.json) printJson(row);
        else process.stdout.write(`${jobLine(row)}\n`);
        return 0;
      }
      const child = resumeJob(values.workspace, id, { detached: values.detach });
      if (values.detach) {
        process.stdout.write(values.json ? JSON.stringify({ id, pid: child.pid }) + '\n' : `job ${id} resumed (pid ${child.pid})\n`);
        return 0;
      }
      const end = await waitForJob(values.workspace, id, { child, onUpdate: (r) => !values.json && process.stderr.isTTY && process.stderr.write(`\r${jobLine(r).slice(0, 150)}\x1b[K`) });
      if (!values.json && process.stderr.isTTY) process.stderr.write('\n');
      if (values.json) printJson(end);
      else process.stdout.write(`${jobLine(end)}\n`);
      return end.state === 'done' ? 0 : 1;
    } catch (err) {
      if (err instanceof JobError) throw new UsageError(err.message);
      throw err;
    }
  },
};
