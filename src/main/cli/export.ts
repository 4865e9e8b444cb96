// `openecg export --workspace <dir> --out <folder> [--format npy|shards] ...`
import { Catalog } from '../catalog/index.js';
import { exportWorkspace } from '../experiments/export/export.js';
import { exportShards, type ShardDtype } from '../experiments/export/shards.js';
import { intOption, parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg export --workspace <dir> --out <folder> [--format npy|shards] [--split-seed N] [--json]
       shards: [--centers A,B] [--fold CENTER] [--fraction F] [--dtype int16|float32] [--shard-size N] [--verify]

--format npy (default): the canonical signals as <out>/signals.npy, a NumPy array (n, 12, 1000)
float32 in mV (leads I, II, III, aVR, aVL, aVF, V1-V6), and <out>/labels.csv with one row per
record in the same order: index, record_id, record, center, patient, part (train/val/test of the
patient split with --split-seed, default 0), age, sex and one 0/1 column per class abbreviation.

--format shards: the pool for a cluster run (docs/cluster.md) in fixed-size shards every rank
memory-maps: signals-NNNNNN.npy (n, 12, 1000) int16 uV (default) or float32 mV, labels-NNNNNN.npy
(n, 24) uint8, index.json (record and patient ids, centers, split part per record, SHA-256 per
shard). --centers limits the pool, --fold T takes LODO fold T's pool (every center but T),
--fraction F the scaling subset (train part) at F. Resumable; shards already there with the same
records are kept, so a second export of the same pool writes nothing.`;

function fractionOption(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const f = Number(v);
  if (!(f > 0 && f <= 1)) throw new UsageError(`--fraction must be in (0, 1], got '${v}'`);
  return f;
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'export the canonical signals as NumPy .npy (n, 12, 1000) plus labels/splits, or as shards for a cluster run',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(
      argv,
      {
        workspace: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        'split-seed': { type: 'string' },
        centers: { type: 'string' },
        fold: { type: 'string' },
        fraction: { type: 'string' },
        dtype: { type: 'string' },
        'shard-size': { type: 'string' },
        verify: { type: 'boolean' },
        json: { type: 'boolean' },
      },
      false,
    );
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!values.out) throw new UsageError('--out is required');
    if (!Catalog.exists(values.workspace)) throw new UsageError(`no catalog in '${values.workspace}'`);
    const format = values.format ?? 'npy';
    const splitSeed = intOption(values['split-seed'], 'split-seed', 0);
    if (format === 'shards') {
      const dtype = (values.dtype ?? 'int16') as ShardDtype;
      if (dtype !== 'int16' && dtype !== 'float32') throw new UsageError(`--dtype must be int16 or float32, got '${values.dtype}'`);
      const tty = process.stderr.isTTY && !values.json;
      const t0 = performance.now();
      const s = exportShards(values.workspace, values.out, {
        centers: values.centers?.split(',').map((c) => c.trim()).filter(Boolean),
        fold: values.fold,
        fraction: fractionOption(values.fraction),
        splitSeed,
        dtype,
        shardSize: intOption(values['shard-size'], 'shard-size'),
        verify: values.verify,
        onProgress(done, total, bytes) {
          if (!tty) return;
          const mbs = bytes / 1e6 / Math.max(1e-3, (performance.now() - t0) / 1000);
          const bar = '#'.repeat(Math.round((20 * done) / total)).padEnd(20, '.');
          process.stderr.write(`\r[${bar}] shard ${done}/${total}  ${mbs.toFixed(0)} MB/s `);
        },
      });
      if (tty) process.stderr.write('\n');
      if (values.json) printJson(s);
      else process.stdout.write(`${s.records} records in ${s.shards} shards -> ${s.out} (${s.written} written, ${s.shards - s.written} kept; ${(s.bytes_written / 1e6).toFixed(1)} MB at ${s.mb_per_s} MB/s)\n`);
      return 0;
    }
    if (format !== 'npy') throw new UsageError(`--format must be npy or shards, got '${format}'`);
    const s = exportWorkspace(values.workspace, values.out, { splitSeed });
    if (values.json) printJson(s);
    else process.stdout.write(`${s.records} records -> ${s.signals} (${s.shape.join(' x ')} float32), ${s.labels} in ${s.seconds} s\n`);
    return 0;
  },
};
