// `openecg export --workspace <dir> --out <folder> [--split-seed N] [--json]`
import { Catalog } from '../catalog/index.js';
import { exportWorkspace } from '../experiments/export/export.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg export --workspace <dir> --out <folder> [--split-seed N] [--json]

Writes the canonical signals as <out>/signals.npy, a NumPy array (n, 12, 1000) float32 in mV
(leads I, II, III, aVR, aVL, aVF, V1-V6), and <out>/labels.csv with one row per record in the same
order: index, record_id, record, center, patient, part (train/val/test of the patient split with
--split-seed, default 0), age, sex and one 0/1 column per class abbreviation.`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'export the canonical signals as NumPy .npy (n, 12, 1000) float32 plus a labels/splits CSV',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, out: { type: 'string' }, 'split-seed': { type: 'string' }, json: { type: 'boolean' } }, false);
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!values.out) throw new UsageError('--out is required');
    if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}'`);
    const s = exportWorkspace(values.workspace, values.out, { splitSeed: intOption(values['split-seed'], 'split-seed', 0) });
    if (values.json) printJson(s);
    else process.stdout.write(`${s.records} records -> ${s.signals} (${s.shape.join(' x ')} float32), ${s.labels} in ${s.seconds} s\n`);
    return 0;
  },
};
