// `openecg experiment lodo|scaling --workspace <dir> --config <file|name> [--json] [--detach]`
import { Catalog } from '../catalog/index.js';
import { bundledConfigNames, configPath } from '../experiments/bundled.js';
import { ConfigError, readExperimentConfig, TRAINING_ENGINES } from '../experiments/config.js';
import { probeTorch } from '../experiments/engines/select.js';
import type { TrainingEngineName } from '../experiments/engines/types.js';
import type { ExperimentSummary } from '../experiments/run.js';
import { startJob, submitJob, waitForJob } from '../jobs/index.js';
import { experimentRunDir } from '../jobs/paths.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';
import { jobLine } from './jobs.js';

const USAGE = `usage: openecg experiment lodo|scaling --workspace <dir> --config <file|name> [--engine tfjs|torch|slurm|auto] [--json] [--detach]

Runs an experiment as a job (its own process; see openecg jobs):
  lodo     for each labelled center: pre-train each method without it (the other centers' train
           patients) and, with the config's w/ arm, with every center; probe / fine-tune on the
           center's train split, thresholds on its val split, metrics on its test split
  scaling  pre-train each method on nested fractions of the pool's train patients; evaluate on the
           labelled centers' fixed test split; report the saturation fraction

--config takes a JSON file (docs/experiment-config.md) or a bundled name: small-cpu, paper.
--engine  who trains every step (default: the config's engine, tfjs): tfjs (TensorFlow.js in the
          job), torch (the PyTorch trainer in cluster/ on this machine: CUDA with AMP when torch
          sees a GPU, else every CPU core; python3-torch, or OPENECG_PYTHON), slurm (a Slurm
          cluster), auto (torch when python3 imports torch >= 1.13, else tfjs; says why).
          Thresholds, metrics and the report are computed here on ONNX Runtime whatever trains.
Waits for the job and prints its tables; --json prints one document with the job id, the run id
(job-<id>) and folder and the summary. --detach returns at once.
Ctrl-C stops at the next step boundary with a checkpoint; openecg jobs resume <id> continues.`;

export function resolveConfig(value: string): string {
  const path = configPath(value);
  if (!path) throw new UsageError(`no config file '${value}' (and no bundled config of that name: ${bundledConfigNames().join(', ')})`);
  return path;
}

type Range = { readonly low: number; readonly high: number } | null | undefined;

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
/** Points with one decimal and a sign; a value that rounds to zero prints as 0.0, never -0.0. */
function pts(v: number | null | undefined): string {
  if (v === null || v === undefined) return 'n/a';
  const r = Math.round(v * 10) / 10;
  return r === 0 ? '0.0' : `${r > 0 ? '+' : ''}${r.toFixed(1)}`;
}
/** A difference in points with its 95% paired interval, and '*' when the interval excludes 0. */
const withCi = (v: number | null | undefined, ci: Range) => (v === null || v === undefined ? 'n/a' : ci ? `${pts(v)} [${pts(ci.low)},${pts(ci.high)}]${ci.low > 0 || ci.high < 0 ? '*' : ''}` : pts(v));

function lodoLines(s: ExperimentSummary): string[] {
  const rows = s.lodo ?? [];
  if (!rows.length) return [];
  const lines = ['target                 method                            protocol  AUROC w/o  AUROC w/  delta pts [95% CI]      baseline  vs baseline [95% CI]    F1 w/o'];
  for (const r of rows) {
    const base = r.protocol === 'finetune' ? r.scratch_auroc : r.random_probe_auroc;
    const cols = [r.target.padEnd(22), r.method.padEnd(33), r.protocol.padEnd(9), f3(r.auroc_without).padStart(9), f3(r.auroc_with).padStart(9), ` ${withCi(r.delta_auroc_points, r.delta?.ci_auroc_points).padEnd(23)}`, f3(base).padStart(9), ` ${withCi(r.vs_baseline?.auroc_points, r.vs_baseline?.ci_auroc_points).padEnd(23)}`, f3(r.f1_without).padStart(6)];
    lines.push(cols.join(' '));
  }
  lines.push('delta = AUROC w/ - w/o, vs baseline = AUROC w/o - baseline (scratch for finetune, random probe for probe), in points; * the 95% paired interval excludes 0');
  return lines;
}

function baselineLines(s: ExperimentSummary): string[] {
  const rows = s.baselines ?? [];
  if (!rows.length) return [];
  const lines = ['baselines (no pre-training)', 'target                 baseline                                  protocol  AUROC [95% CI]          F1'];
  for (const b of rows) lines.push(`${(b.target ?? '(pooled test)').padEnd(22)} ${b.method.padEnd(41)} ${b.protocol.padEnd(9)} ${`${f3(b.auroc)}${b.ci ? ` [${f3(b.ci.low)},${f3(b.ci.high)}]` : ''}`.padEnd(23)} ${f3(b.f1)}`);
  return lines;
}

/** One row per model (w/o arm and baselines), one column per corruption at its strongest setting. */
function robustnessLines(s: ExperimentSummary): string[] {
  const all = s.robustness_by_method ?? [];
  if (!all.length) return [];
  const hasWithout = all.some((c) => c.arm === 'without');
  const curves = all.filter((c) => c.baseline !== null || !hasWithout || c.arm === 'without');
  const kinds = [...new Set(curves.map((c) => c.corruption))];
  const last = (k: string) => curves.find((c) => c.corruption === k)?.points.at(-1)?.strength;
  const head = kinds.map((k) => `${k} ${last(k)}`.padStart(Math.max(12, k.length + 6)));
  const lines = [`robustness: macro AUROC change from clean (points) at each corruption's last strength, mean over targets${hasWithout ? ', w/o arm' : ''}`, `${'model'.padEnd(52)} ${'clean'.padStart(6)} ${head.join(' ')}`];
  for (const model of [...new Set(curves.map((c) => `${c.method} (${c.protocol})`))]) {
    const mine = curves.filter((c) => `${c.method} (${c.protocol})` === model);
    const cells = kinds.map((k, i) => {
      const c = mine.find((x) => x.corruption === k);
      const v = c?.points.at(-1)?.macro_auroc;
      return (c && v !== null && v !== undefined && c.clean_auroc !== null ? pts((v - c.clean_auroc) * 100) : 'n/a').padStart(head[i].length);
    });
    lines.push(`${model.padEnd(52)} ${f3(mine[0].clean_auroc).padStart(6)} ${cells.join(' ')}`);
  }
  return lines;
}

/** The LODO table (both arms, delta with its paired CI, baselines), baselines, robustness and scaling of a finished experiment, as text. */
export function experimentTable(s: ExperimentSummary): string {
  const lines: string[] = [...lodoLines(s)];
  for (const part of [baselineLines(s), robustnessLines(s)]) if (part.length) lines.push(...(lines.length ? [''] : []), ...part);
  for (const c of s.scaling ?? []) {
    lines.push(`${c.method} ${c.protocol}: saturation at ${c.saturation_fraction ?? 'n/a'} (within ${c.tolerance_points} AUROC points of the best)`);
    for (const p of c.points) lines.push(`  fraction ${String(p.fraction).padEnd(5)} ${String(p.pretrain_records).padStart(7)} records  AUROC ${f3(p.macro_auroc)}  F1 ${f3(p.macro_f1)}`);
  }
  for (const k of s.skipped_targets) lines.push(`skipped ${k.target}: ${k.reason}`);
  lines.push(`${s.steps} steps (${s.steps_reused} reused) in ${s.seconds} s, trained on ${s.engine ?? 'tfjs'} (TensorFlow.js backend ${s.backend}); run folder ${s.run_dir}`);
  return lines.join('\n') + '\n';
}

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'run the LODO or data-scaling experiment of a config as a job',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { workspace: { type: 'string' }, config: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' }, detach: { type: 'boolean' } });
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
    if (values.engine !== undefined) {
      if (!(TRAINING_ENGINES as readonly string[]).includes(values.engine)) throw new UsageError(`--engine must be one of ${TRAINING_ENGINES.join(', ')}, got '${values.engine}'`);
      config = { ...config, engine: values.engine as TrainingEngineName };
    }
    if (config.engine === 'torch') {
      // Said now, not minutes later from inside the job.
      const probe = await probeTorch();
      if (!probe.ok) {
        process.stderr.write(`openecg experiment: engine torch: ${probe.reason}\n`);
        return 1;
      }
    }
    const id = submitJob(values.workspace, 'experiment', { experiment: kind, config, config_file: file });
    const run = { run: `job-${id}`, run_dir: experimentRunDir(values.workspace, id) };
    const child = startJob(values.workspace, id, { detached: values.detach });
    if (values.detach) {
      process.stdout.write(values.json ? JSON.stringify({ job: id, pid: child.pid, ...run }) + '\n' : `experiment job ${id} started (pid ${child.pid}); openecg jobs --workspace ${values.workspace}\n`);
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
      if (values.json) printJson({ ...end, ...run });
      return 1;
    }
    const summary = end.result as ExperimentSummary;
    if (values.json) printJson({ job: id, ...run, ...summary });
    else process.stdout.write(`experiment job ${id}\n${experimentTable(summary)}`);
    return 0;
  },
};
