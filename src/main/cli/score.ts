// `openecg score --labels L.csv --scores S.csv [--thresholds T.csv] [--patients P.csv] [--bootstrap N] [--seed S] [--json]`:
// per-class and macro AUROC/AUPRC/F1/sensitivity/specificity, the challenge metric and patient-bootstrap CIs.
import type { Command } from './command.js';
import { intOption, parseCommandArgs, printJson, UsageError } from './command.js';
import { CLASSES } from '../../shared/classes.js';
import { FormatError } from '../formats/types.js';
import {
  CHALLENGE_WEIGHTS_SOURCE,
  DEFAULT_REPLICATES,
  DEFAULT_SEED,
  DEFAULT_THRESHOLD,
  evaluate,
  loadScoreSet,
  scoreClasses,
  type Evaluation,
  type Interval,
  type LoadedScoreSet,
} from '../experiments/metrics/index.js';

const DEFAULT_THRESHOLD_NOTE =
  `no --thresholds given: every class uses ${DEFAULT_THRESHOLD}. The documented rule (the threshold maximising F1 on validation data) ` +
  'needs validation scores, which this command does not read; pass thresholds chosen on validation data with --thresholds.';

export const scoreCommand: Command = {
  name: 'score',
  summary: 'score predictions against labels: AUROC, AUPRC, F1, challenge metric, bootstrap CIs',
  usage:
    'usage: openecg score --labels L.csv --scores S.csv [--thresholds T.csv] [--patients P.csv] [--bootstrap N] [--seed S] [--json]\n' +
    `  L: record + one 0/1 column per class (${CLASSES.map((c) => c.abbreviation).join(',')}), or a foreign model's output names\n` +
    '     (L\'s own columns are then the classes, as openecg evaluate writes labels.csv); S: the same columns with scores\n' +
    '  T: one row of thresholds under the class header; P: record,patient (records of a patient are resampled together)\n' +
    `  --bootstrap N replicates (default ${DEFAULT_REPLICATES}, 0 = no intervals), --seed S (default ${DEFAULT_SEED})`,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        labels: { type: 'string' },
        scores: { type: 'string' },
        thresholds: { type: 'string' },
        patients: { type: 'string' },
        bootstrap: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      false,
    );
    if (!values.labels || !values.scores) throw new UsageError('--labels and --scores are required');
    const replicates = intOption(values.bootstrap, 'bootstrap', DEFAULT_REPLICATES)!;
    const seed = intOption(values.seed, 'seed', DEFAULT_SEED)!;
    let loaded: LoadedScoreSet;
    try {
      loaded = loadScoreSet(
        { labels: values.labels, scores: values.scores, thresholds: values.thresholds, patients: values.patients },
        scoreClasses(values.labels, CLASSES.map((c) => c.abbreviation)),
      );
    } catch (err) {
      if (err instanceof FormatError) throw new UsageError(err.message);
      throw err;
    }
    const result = evaluate(loaded.input, { replicates, seed });
    const thresholds =
      loaded.thresholdSource === 'file' ? { source: 'file', file: values.thresholds } : { source: 'default', value: DEFAULT_THRESHOLD, note: DEFAULT_THRESHOLD_NOTE };
    if (values.json) {
      printJson({ ...result, thresholds, challenge_weights: CHALLENGE_WEIGHTS_SOURCE, warnings: loaded.warnings });
    } else {
      process.stdout.write(table(result, loaded));
      if (loaded.thresholdSource === 'default') process.stdout.write(`note: ${DEFAULT_THRESHOLD_NOTE}\n`);
    }
    for (const w of loaded.warnings) process.stderr.write(`openecg score: ${w}\n`);
    return 0;
  },
};

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : v.toFixed(4);
}

function interval(ci: Interval | null | undefined): string {
  return ci ? `[${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]` : '';
}

/** Left-aligned text columns, each as wide as its widest cell. */
function columns(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((cell, j) => (widths[j] = Math.max(widths[j] ?? 0, cell.length)));
  return rows.map((r) => r.map((cell, j) => (j === r.length - 1 ? cell : cell.padEnd(widths[j]))).join('  ').trimEnd());
}

function table(r: Evaluation, loaded: LoadedScoreSet): string {
  const withCi = r.ci !== null;
  const ciHead = withCi ? `${Math.round(r.ci!.level * 100)}% CI` : '';
  const metric = (name: string) => (withCi ? [name, ciHead] : [name]);
  const rows: string[][] = [['class', 'pos', 'neg', ...metric('AUROC'), ...metric('AUPRC'), ...metric('F1'), 'sens', 'spec', 'thr']];
  const absent: string[] = [];
  for (const [name, c] of Object.entries(r.per_class)) {
    if (!c.present) {
      absent.push(`${name.padEnd(7)}${c.positives} positives, ${c.negatives} negatives: absent (${c.reason})`);
      continue;
    }
    const cell = (v: number, ci: Interval | null | undefined) => (withCi ? [num(v), interval(ci)] : [num(v)]);
    rows.push([
      name,
      String(c.positives),
      String(c.negatives),
      ...cell(c.auroc, c.ci?.auroc),
      ...cell(c.auprc, c.ci?.auprc),
      ...cell(c.f1, c.ci?.f1),
      num(c.sensitivity),
      num(c.specificity),
      String(Number(c.threshold.toPrecision(6))),
    ]);
  }
  const lines = [
    `records ${r.records}, patients ${r.patients}${withCi ? `, bootstrap ${r.ci!.replicates} replicates over ${r.ci!.resampled} (seed ${r.ci!.seed})` : ''}`,
    `thresholds ${loaded.thresholdSource === 'file' ? 'from file' : `default ${DEFAULT_THRESHOLD}`}`,
    '',
    ...columns(rows),
    ...absent,
    '',
    `macro over ${r.classes_averaged} of ${Object.keys(r.per_class).length} classes (absent: ${r.classes_absent.length ? r.classes_absent.join(', ') : 'none'})`,
    ...columns([
      ['AUROC', num(r.macro_auroc), interval(r.ci?.macro_auroc)],
      ['AUPRC', num(r.macro_auprc), interval(r.ci?.macro_auprc)],
      ['F1', num(r.macro_f1), interval(r.ci?.macro_f1)],
      ['sensitivity', num(r.macro_sensitivity), ''],
      ['specificity', num(r.macro_specificity), ''],
    ]).map((l) => `  ${l}`),
    `challenge metric ${num(r.challenge_metric)} ${interval(r.ci?.challenge_metric)}${r.challenge_metric_note ? ` (${r.challenge_metric_note})` : ''}`.trimEnd(),
  ];
  return lines.join('\n') + '\n';
}
