// `openecg splits --workspace <dir> [--seed N] [--ratios 80,10,10] [--json]`: the patient-level
// split, the leave-one-dataset-out folds and the nested scaling subsets, made once and stored.
import {
  Catalog,
  CatalogError,
  ensureLodoFolds,
  ensurePatientSplit,
  ensureScalingSet,
  isShortRecordsRule,
  lodoFolds,
  SCALING_FRACTIONS,
  setShortRecordsRule,
  SHORT_RECORDS_RULES,
  shortRecordsPerPart,
  shortRecordsRule,
  scalingSizes,
  splitTable,
} from '../catalog/index.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg splits --workspace <dir> [--seed N] [--ratios TRAIN,VAL,TEST] [--short-records include|exclude] [--json]

Splits every center's patients into train / validation / test (default 80,10,10, seed 0): a
patient's part comes from a hash of the seed, the center and the patient id, so patients imported
later never move the earlier ones and no patient lies in two parts. Also stores the
leave-one-dataset-out folds (each center held out once) and the nested data-scaling subsets of
all centers' patients at ${SCALING_FRACTIONS.map((f) => `${f * 100}%`).join(', ')}.

--short-records sets, for the workspace, whether records shorter than the canonical window (stored
zero-padded at its end) are trained on: 'include' (the default) or 'exclude' from the train and
validation parts. Test parts always keep them, and evaluations count them. An experiment
configuration's shortRecords overrides the workspace's setting.`;

function parseRatios(text: string | undefined): { train: number; val: number; test: number } | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0) || parts.every((x) => x === 0)) {
    throw new UsageError(`--ratios takes three non-negative numbers like 80,10,10, got '${text}'`);
  }
  return { train: parts[0], val: parts[1], test: parts[2] };
}

export const splitsCommand: Command = {
  name: 'splits',
  summary: 'make and show the patient-level splits, LODO folds and scaling subsets',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, seed: { type: 'string' }, ratios: { type: 'string' }, 'short-records': { type: 'string' }, json: { type: 'boolean' } }, false);
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}': import records into it first (openecg import)`);
    const seed = intOption(values.seed, 'seed', 0)!;
    const ratios = parseRatios(values.ratios);
    const short = values['short-records'];
    if (short !== undefined && !isShortRecordsRule(short)) throw new UsageError(`--short-records takes ${SHORT_RECORDS_RULES.join(' or ')}, got '${short}'`);
    const catalog = Catalog.open(values.workspace);
    try {
      const centers = catalog.summary().centers.map((c) => c.center);
      if (centers.length === 0) throw new UsageError(`the catalog in '${values.workspace}' holds no records yet`);
      if (short !== undefined) setShortRecordsRule(catalog, short);
      const split = ensurePatientSplit(catalog, { seed, ratios });
      const folds = lodoFolds(catalog);
      const lodoSet = ensureLodoFolds(catalog, seed, folds);
      const scaling = ensureScalingSet(catalog, { seed, centers, unit: 'patient' });
      const doc = {
        split: { id: split.id, seed, ratios: split.ratios, patients: split.counts, per_center: splitTable(catalog, split.id) },
        short_records: { rule: shortRecordsRule(catalog), per_part: shortRecordsPerPart(catalog, split.id) },
        lodo: { id: lodoSet, folds },
        scaling: { id: scaling.id, unit: scaling.unit, pool_patients: scaling.size, sizes: Object.entries(scalingSizes(catalog, scaling.id)).map(([f, patients]) => ({ fraction: Number(f), patients })).sort((a, b) => a.fraction - b.fraction) },
      };
      if (values.json) printJson(doc);
      else {
        const lines = [`patient split ${split.id} (seed ${seed}, ${split.ratios.train}/${split.ratios.val}/${split.ratios.test}): train ${split.counts.train}, val ${split.counts.val}, test ${split.counts.test} patients`];
        for (const r of doc.split.per_center) lines.push(`  ${r.center.padEnd(20)} ${r.part.padEnd(5)} ${String(r.patients).padStart(7)} patients ${String(r.records).padStart(8)} records`);
        const sp = doc.short_records.per_part;
        lines.push(`short records (zero-padded, shorter than the window): train ${sp.train}, val ${sp.val}, test ${sp.test}; ${doc.short_records.rule === 'include' ? 'trained on' : 'left out of train and val'} (--short-records ${doc.short_records.rule})`);
        lines.push(`LODO folds (set ${lodoSet}): ${folds.map((f) => f.target).join(', ')}`);
        lines.push(`scaling subsets (set ${scaling.id}, ${scaling.size} patients): ${doc.scaling.sizes.map((s) => `${s.fraction * 100}% ${s.patients}`).join(', ')}`);
        process.stdout.write(lines.join('\n') + '\n');
      }
      return 0;
    } catch (err) {
      if (err instanceof CatalogError) throw new UsageError(err.message);
      throw err;
    } finally {
      catalog.close();
    }
  },
};
