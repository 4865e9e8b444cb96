// `openecg experiment lodo|scaling --workspace <dir> --config <file|name> [--json] [--detach]`
import { Catalog } from '../catalog/index.js';
import { bundledConfigNames, configPath } from '../experiments/bundled.js';
import { ConfigError, readExperimentConfig } from '../experiments/config.js';
import type { ExperimentSummary } from '../experiments/run.js';
import { startJob, submitJob, waitForJob } from '../jobs/index.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';
import { jobLine } from './jobs.js';

const USAGE = `usage: openecg experiment lodo|scaling --workspace <dir> --config <file|name> [--json] [--detach]

Runs an experiment as a job (its own process; see openecg jobs):
  lodo     for each labelled center: pre-train each method without it (the other centers' train
           patients) and, with the config's w/ arm, with every center; probe / fine-tune on the
           center's train split, thresholds on its val split, metrics on its test split
  scaling  pre-train each method on nested fractions of the pool's train patients; evaluate on the
           labelled centers' fixed test split; report the saturation fraction

--config takes a JSON file (docs/experiment-config.md) or a bundled name: small-cpu, paper.
Ctrl-C stops at the next step boundary with a checkpoint; openecg jobs resume <id> continues.`;

export function resolveConfig(value: string): string {
  const path = configPath(value);
  if (!path) throw new UsageError(`no config file '${value}' (and no bundled config of that name: ${bundledConfigNames().join(', ')})`);
  return path;
}

/** The LODO table and scaling curves of a finished experiment, as text. */
export function experimentTable(s: ExperimentSummary): string {
  const f = (v: number | null) => (v === null ? '  n/a' : v.toFixed(3));
  const lines: string[] = [];
  if (s.lodo) {
    lines.push('target                 method                            protocol  AUROC w/o  AUROC w/  delta(pts)  F1 w/o');
    for (const r of s.lodo) lines.push(`${r.target.padEnd(22)} ${r.method.padEnd(33)} ${r.protocol.padEnd(9)} ${f(r.auroc_without).padStart(9)} ${f(r.auroc_with).padStart(9)} ${(r.delta_auroc_points === null ? 'n/a' : r.delta_auroc_points.toFixed(1)).padStart(11)} ${f(r.f1_without).padStart(7)}`);
  }
  for (const c of s.scaling ?? []) {
    lines.push(`${c.method} ${c.protocol}: saturation at ${c.saturation_fraction ?? 'n/a'} (within ${c.tolerance_points} AUROC points of the best)`);
    for (const p of c.points) lines.push(`  fraction ${String(p.fraction).padEnd(5)} ${String(p.pretrain_records).padStart(7)} records  AUROC ${f(p.macro_auroc)}  F1 ${f(p.macro_f1)}`);
  }
  for (const k of s.skipped_targets) lines.push(`skipped ${k.target}: ${k.reason}`);
  lines.push(`${s.steps} steps (${s.steps_reused} reused) in ${s.seconds} s on ${s.backend}; run folder ${s.run_dir}`);
  return lines.join('\n') + '\n';
}

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'run the LODO or data-scaling experiment of a config as a job',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' }, detach: { type: 'boolean' } });
    const kind = positionals[0];
    if (kind !== 'lodo' && kind !== 'scaling') throw new UsageError(`say which experiment: lodo or scaling${kind ? ` (not '${kind}')` : ''}`);
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!values.config) throw new UsageError('--config is required');
    if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}': import records first (or openecg demo)`);
    const file = resolveConfig(values.config);
    let config;
    try {
      config = readExperimentConfig(file);
    } catch (err) {
      if (err instanceof ConfigError) throw new UsageError(err.message);
      throw err;
    }
    const id = submitJob(values.workspace, 'experiment', { experiment: kind, config, config_file: file });
    const child = startJob(values.workspace, id, { detached: values.detach });
    if (values.detach) {
      process.stdout.write(values.json ? JSON.stringify({ job: id, pid: child.pid }) + '\n' : `experiment job ${id} started (pid ${child.pid}); openecg jobs --workspace ${values.workspace}\n`);
      return 0;
    }
    const tty = process.stderr.isTTY && !values.json;
    let lastMessage = '';
    const end = await waitForJob(values.workspace, id, {
      child,
      onUpdate: (row) => {
        if (tty) process.stderr.write(`\r${jobLine(row).slice(0, 150)}\x1b[K`);
        else if (!values.json && row.message && row.message !== lastMessage && /done$/.test(row.message)) process.stderr.write(`${row.message}\n`);
        lastMessage = row.message ?? '';
      },
    });
    if (tty) process.stderr.write('\n');
    if (end.state !== 'done') {
      process.stderr.write(`experiment job ${id} ${end.state}${end.error ? `: ${end.error}` : ''}; log ${end.log_path}\n`);
      if (values.json) printJson(end);
      return 1;
    }
    const summary = end.result as ExperimentSummary;
    if (values.json) printJson({ job: id, ...summary });
    else process.stdout.write(`experiment job ${id}\n${experimentTable(summary)}`);
    return 0;
  },
};
