// `openecg evaluate --bundle B --workspace W [--center C]... [--split test|all]
//   [--thresholds FILE|from-validation|VALUE] --out DIR [--config NAME|FILE] [--bootstrap N] [--batch N] [--json]`:
// the evaluate job (jobs/evaluate.ts) started in the workspace and waited for, with a progress bar
// on stderr; the job writes the evaluation folder into --out (experiments/evaluation-folder.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSES } from '../../shared/classes.js';
import { Catalog, type JobRow } from '../catalog/index.js';
import { ConfigError, readExperimentConfig, type ExperimentConfig } from '../experiments/config.js';
import { SITE_KEY_FILE_ENV } from '../datasets/site-key-store.js';
import { EVALUATION_FILES } from '../experiments/evaluation-folder.js';
import { loadThresholds, type Evaluation } from '../experiments/metrics/index.js';
import { FormatError } from '../formats/types.js';
import { formatDuration, progressLine, RateMeter } from '../import/progress.js';
import { foreignBundleOf, foreignOutputsOf } from '../jobs/evaluate-foreign.js';
import { EvaluationSelectionError, selectEvaluation, type EvaluateParams, type ForeignOutputs } from '../jobs/evaluate-select.js';
import { cancelJob, jobDir, startJob, submitJob, waitForJob } from '../jobs/index.js';
import { PARAMS } from '../jobs/kinds.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';
import { resolveConfig } from './experiment.js';

const USAGE = `usage: openecg evaluate --bundle <dir> --workspace <dir> --out <dir> [options]

Scores a classifier bundle on the workspace's records as a job (listed by openecg jobs and in the
app; Ctrl-C stops it at the next batch, openecg jobs resume <id> continues), on ONNX Runtime with a
GPU provider (CUDA, DirectML, CoreML) where one is present, else its CPU provider, else
TensorFlow.js. Writes into --out: evaluation.json (per-class and per-center AUROC, AUPRC, F1,
sensitivity, specificity with patient-bootstrap 95% intervals, macro values, the engine and
provider), predictions.csv, labels.csv, thresholds.csv and patients.csv (what openecg score
--scores --labels --thresholds --patients reads), records.csv (which records) and report.html.
A foreign model (openecg model import --onnx --card) reads its records from their source files at
its own rate; its columns are the card's output names (docs/model-card.md).

options:
  --bundle <dir>        the classifier bundle (bundle.json)                              (required)
  --workspace <dir>     the workspace whose records are scored                            (required)
  --out <dir>           the output folder (created; files of an earlier evaluation replaced) (required)
  --center <name>       a center to score (repeatable; default: every labelled center)
  --split test|all      the centers' test split, or every record               (default: test)
  --thresholds <t>      from-validation (the F1-maximising threshold per class on the centers'
                        validation split; default for --split test), a value in [0, 1] for every
                        class (0.5: default for --split all), card (a foreign model's card
                        thresholds, else 0.5: its default), or a thresholds CSV as openecg score
                        reads (the class header, or a foreign model's output names, and one row)
  --config <name|file>  the experiment config whose patient split and evaluation settings apply
                        (default: small-cpu; docs/experiment-config.md)
  --bootstrap <n>       bootstrap replicates over patients (default: the config's; 0: no intervals)
  --batch <n>           records per inference batch (default: the config's)
  --site-key <file>     the site key file the records were imported with (openecg import
                        --site-key): a foreign model reads site records again from their files,
                        found by their keyed names (default: OPENECG_SITE_KEY_FILE, else this
                        machine's key store)
  --json                print one JSON document (out dir, job id, metrics summary) on stdout
exit status: 0 done, 2 unusable arguments, 1 the job failed or was cancelled`;

const f3 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));

/** --thresholds: the rule name, a value, or a CSV file read now (the job keeps the values): our classes' columns, or a foreign model's outputs. */
function thresholdsOption(value: string | undefined, foreign: ForeignOutputs | undefined): Pick<EvaluateParams, 'thresholds' | 'thresholds_file'> {
  if (value === undefined) return {};
  if (value === 'from-validation') return { thresholds: 'from-validation' };
  if (value === 'card') {
    if (!foreign) throw new UsageError("--thresholds card: only a foreign model (openecg model import) has a card");
    return { thresholds: 'card' };
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value)) {
    const v = Number(value);
    if (!(v >= 0 && v <= 1)) throw new UsageError(`--thresholds ${value}: a fixed threshold must lie in [0, 1]`);
    return { thresholds: v };
  }
  if (!existsSync(value)) throw new UsageError(`--thresholds: no file '${value}' (give a thresholds CSV, from-validation or a value in [0, 1])`);
  if (statSync(value).isDirectory()) throw new UsageError(`--thresholds: '${value}' is a folder, not a thresholds CSV`);
  try {
    return { thresholds: loadThresholds(value, foreign ? foreign.keys : CLASSES.map((c) => c.abbreviation)), thresholds_file: resolve(value) };
  } catch (err) {
    if (err instanceof FormatError) throw new UsageError(`--thresholds: ${err.message}`);
    throw err;
  }
}

function configOption(value: string | undefined): ExperimentConfig {
  try {
    return readExperimentConfig(resolveConfig(value ?? 'small-cpu'));
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

function bundleOption(dir: string): void {
  const manifest = join(dir, 'bundle.json');
  if (!existsSync(manifest)) throw new UsageError(`no model bundle at '${dir}' (no bundle.json)`);
  let task: unknown;
  try {
    task = (JSON.parse(readFileSync(manifest, 'utf8')) as { task?: unknown }).task;
  } catch (err) {
    throw new UsageError(`${manifest} is not JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof task === 'string' && task.startsWith('pretrain')) throw new UsageError(`'${dir}' is a ${task} bundle: it has no classification head to evaluate`);
}

/** The job's params from the arguments, checked against the workspace before any job exists. */
export function evaluateParamsOf(argv: string[]): { params: EvaluateParams; workspace: string; json: boolean; siteKey: string | null } {
  const { values } = parseCommandArgs(
    argv,
    {
      bundle: { type: 'string' },
      workspace: { type: 'string' },
      center: { type: 'string', multiple: true },
      split: { type: 'string' },
      thresholds: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      bootstrap: { type: 'string' },
      batch: { type: 'string' },
      'site-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (!values.bundle) throw new UsageError('--bundle is required');
  if (!values.workspace) throw new UsageError('--workspace is required');
  if (!values.out) throw new UsageError('--out is required');
  const siteKey = values['site-key'];
  if (siteKey !== undefined && (!siteKey.trim() || !existsSync(siteKey) || statSync(siteKey).isDirectory())) throw new UsageError(`--site-key: no key file '${siteKey}'`);
  if (values.split !== undefined && values.split !== 'test' && values.split !== 'all') throw new UsageError(`--split must be test or all, got '${values.split}'`);
  if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}': import records first (or openecg demo)`);
  bundleOption(values.bundle);
  const foreignDir = foreignBundleOf(values.workspace, values.bundle);
  let foreign: ForeignOutputs | undefined;
  try {
    foreign = foreignDir ? foreignOutputsOf(foreignDir) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  if (existsSync(values.out) && !statSync(values.out).isDirectory()) throw new UsageError(`--out '${values.out}' is a file, not a folder`);
  const config = configOption(values.config);
  const bootstrap = intOption(values.bootstrap, 'bootstrap');
  const batch = intOption(values.batch, 'batch');
  if (batch === 0) throw new UsageError('--batch must be at least 1');
  const evaluation = { ...config.evaluation, ...(bootstrap !== undefined ? { bootstrap } : {}), ...(batch !== undefined ? { batchSize: batch } : {}) };
  const params = PARAMS.evaluate.parse({
    config: { ...config, evaluation },
    bundle: resolve(foreignDir ?? values.bundle),
    ...(values.center?.length ? { centers: [...new Set(values.center)] } : {}),
    part: (values.split as 'test' | 'all' | undefined) ?? 'test',
    ...thresholdsOption(values.thresholds, foreign),
    out: resolve(values.out),
  });
  const catalog = Catalog.open(values.workspace);
  try {
    selectEvaluation(catalog, params, foreign);
  } catch (err) {
    if (err instanceof EvaluationSelectionError) throw new UsageError(err.message);
    throw err;
  } finally {
    catalog.close();
  }
  return { params, workspace: values.workspace, json: values.json === true, siteKey: siteKey === undefined ? null : resolve(siteKey) };
}

/** Redraws a bar with the records' rate and ETA from the job row's "scored N/M records" messages. */
function jobProgress(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  let meter: RateMeter | null = null;
  let phase = '';
  let last = 0;
  let drawn = '';
  let shown = '';
  return {
    update(row: JobRow) {
      const m = /^(scored|import) (\d+)\/(\d+) records/.exec(row.message ?? '');
      if (!m) return;
      if (m[1] !== phase) {
        if (drawn && tty) stream.write('\n');
        phase = m[1];
        meter = new RateMeter();
      }
      const p = meter!.progress(Number(m[2]), Number(m[3]), 0);
      drawn = progressLine(p, phase === 'scored' ? 'evaluate' : 'import  ');
      const now = performance.now();
      // The last line of a phase once; otherwise redrawn at 10 Hz on a terminal, a line every 5 s elsewhere.
      const final = p.done >= p.total;
      if ((final && shown === row.message) || (!final && now - last < (tty ? 100 : 5000))) return;
      last = now;
      shown = row.message ?? '';
      stream.write(tty ? `\r${drawn}\x1b[K` : `${drawn}\n`);
    },
    end() {
      if (drawn && tty) stream.write('\n');
    },
  };
}

function macroLine(label: string, records: number, e: Evaluation | null): string {
  if (!e) return `${label.padEnd(24)} ${String(records).padStart(7)}  no records`;
  const ci = (r: { low: number; high: number } | null | undefined) => (r ? ` [${f3(r.low)},${f3(r.high)}]` : '');
  return `${label.padEnd(24)} ${String(records).padStart(7)}  AUROC ${f3(e.macro_auroc)}${ci(e.ci?.macro_auroc)}  AUPRC ${f3(e.macro_auprc)}${ci(e.ci?.macro_auprc)}  F1 ${f3(e.macro_f1)}${ci(e.ci?.macro_f1)}  sens ${f3(e.macro_sensitivity)}  spec ${f3(e.macro_specificity)}`;
}

interface JobResult {
  readonly centers: string[];
  readonly part: string;
  readonly thresholds_from: string;
  readonly evaluation: Evaluation;
  readonly per_center: { center: string; records: number; evaluation: Evaluation | null }[];
  readonly engine: { engine: string; provider: string; reason: string; threads?: number } | null;
  readonly seconds?: { setup: number; scoring: number; metrics: number; report: number };
  /** A foreign model's outputs and the records it could not be fed (jobs/evaluate-foreign.ts). */
  readonly foreign?: { name: string; columns: { key: string; labels: string; threshold: number }[]; skipped: { record: string; reason: string }[] };
}

const macroOf = (e: Evaluation | null) =>
  e && { records: e.records, patients: e.patients, short_records: e.short_records ?? 0, macro_auroc: e.macro_auroc, macro_auprc: e.macro_auprc, macro_f1: e.macro_f1, macro_sensitivity: e.macro_sensitivity, macro_specificity: e.macro_specificity, ci_macro_auroc: e.ci?.macro_auroc ?? null, classes_averaged: e.classes_averaged };

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'score a classifier bundle on a workspace as a job: per-class and per-center metrics with CIs, predictions, report',
  usage: USAGE,
  async run(argv) {
    const { params, workspace, json, siteKey } = evaluateParamsOf(argv);
    // The job process inherits the environment: where it reads site files again, it finds the key there.
    if (siteKey) process.env[SITE_KEY_FILE_ENV] = siteKey;
    const started = performance.now();
    const id = submitJob(workspace, 'evaluate', params);
    const child = startJob(workspace, id);
    process.stderr.write(`evaluate job ${id}: ${params.bundle} on ${workspace} (openecg jobs --workspace ${workspace})\n`);
    const bar = jobProgress();
    let stopping = false;
    // Ctrl-C reaches the job process too (same process group); a signal sent to this process alone is passed on.
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\nstopping job ${id} at the next batch (openecg jobs resume ${id} --workspace ${workspace} continues)\n`);
      try {
        cancelJob(workspace, id);
      } catch {
        // Already ending.
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let end: JobRow;
    try {
      end = await waitForJob(workspace, id, { child, intervalMs: 250, onUpdate: (row) => bar.update(row) });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      bar.end();
    }
    if (end.state !== 'done') {
      process.stderr.write(`openecg evaluate: job ${id} ${end.state}${end.error ? `: ${end.error}` : ''}; log ${end.log_path}${end.state === 'cancelled' || end.state === 'interrupted' ? `; openecg jobs resume ${id} --workspace ${workspace} continues` : ''}\n`);
      if (json) printJson({ job: id, state: end.state, error: end.error, log: end.log_path });
      return 1;
    }
    const r = end.result as JobResult;
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const out = params.out!;
    if (json) {
      printJson({
        out,
        job: id,
        job_folder: jobDir(workspace, id),
        bundle: params.bundle,
        centers: r.centers,
        split: r.part,
        thresholds_from: r.thresholds_from,
        engine: r.engine,
        seconds,
        job_seconds: r.seconds ?? null,
        overall: macroOf(r.evaluation),
        per_center: r.per_center.map((c) => ({ center: c.center, records: c.records, ...macroOf(c.evaluation) })),
        foreign: r.foreign ? { name: r.foreign.name, outputs: r.foreign.columns.map((c) => ({ name: c.key, labels: c.labels, threshold: c.threshold })), skipped: r.foreign.skipped.length } : null,
        files: Object.fromEntries(Object.entries(EVALUATION_FILES).map(([k, f]) => [k, join(out, f)])),
      });
      return 0;
    }
    const e = r.evaluation;
    const lines = [
      `evaluate job ${id}: ${e.records} records (${e.patients} patients${e.short_records ? `, ${e.short_records} zero-padded` : ''}) of ${r.centers.join(', ')} (${r.part}) in ${formatDuration(seconds)} on ${r.engine ? `${r.engine.engine} (${r.engine.provider}${r.engine.threads ? `, ${r.engine.threads} threads` : ''})` : 'an unrecorded engine'}; thresholds ${r.thresholds_from}`,
      `${'center'.padEnd(24)} ${'records'.padStart(7)}  macro values [95% patient-bootstrap CI]`,
      macroLine('all', e.records, e),
      ...r.per_center.map((c) => macroLine(c.center, c.records, c.evaluation)),
      `absent classes (no positives or no negatives): ${e.classes_absent.length ? e.classes_absent.join(', ') : 'none'}`,
      ...(r.foreign
        ? [
            `foreign model ${r.foreign.name}: outputs without labels here (predicted, not scored): ${r.foreign.columns.filter((c) => c.labels === 'none').map((c) => c.key).join(', ') || 'none'}`,
            `records the model could not be fed: ${r.foreign.skipped.length}${r.foreign.skipped.length ? ` (first: ${r.foreign.skipped[0].record}: ${r.foreign.skipped[0].reason}; all in records.csv)` : ''}`,
          ]
        : []),
      `written to ${out}: ${Object.values(EVALUATION_FILES).join(', ')}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};
