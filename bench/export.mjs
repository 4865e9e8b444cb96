// Shard export benchmark: `export --format shards` of a workspace (default: a generated demo
// workspace of --records records), timed from an empty folder, then again (nothing to write).
// Run after `npm run build`:  node bench/export.mjs [--workspace W] [--records N] [--dtype int16|float32] [--shard-size N]
// Prints one JSON line: MB/s, records/s, and the projected time for 1.2 million records (the
// OpenECG pool) at this rate, next to a plain sequential write of the same bytes (disk speed).
import { closeSync, existsSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/main/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('experiments/export/shards.js', dist)))) {
  process.stderr.write('bench/export.mjs: dist/main is missing or old; run `npm run build` first\n');
  process.exit(2);
}
const { exportShards } = await import(new URL('experiments/export/shards.js', dist).href);
const { makeDemoWorkspace } = await import(new URL('workspace/demo.js', dist).href);

const { values } = parseArgs({ options: { workspace: { type: 'string' }, records: { type: 'string' }, dtype: { type: 'string' }, 'shard-size': { type: 'string' } } });
const scratch = mkdtempSync(join(tmpdir(), 'openecg-bench-export-'));
try {
  let ws = values.workspace;
  if (!ws) {
    ws = join(scratch, 'ws');
    process.stderr.write(`generating a demo workspace of ${values.records ?? 1000} records...\n`);
    await makeDemoWorkspace({ workspace: ws, records: Number(values.records ?? 1000), workers: 0 });
  }
  const out = join(scratch, 'shards');
  const options = { dtype: values.dtype ?? 'int16', shardSize: Number(values['shard-size'] ?? 4096) };
  const first = exportShards(ws, out, options);
  const second = exportShards(ws, out, options);
  // Disk speed here: the same number of bytes written sequentially and fsynced.
  const block = Buffer.alloc(1 << 22, 7);
  const t0 = performance.now();
  const fd = openSync(join(scratch, 'disk.bin'), 'w');
  for (let done = 0; done < first.bytes_written; done += block.length) writeSync(fd, block);
  fsyncSync(fd);
  closeSync(fd);
  const diskMbs = first.bytes_written / 1e6 / ((performance.now() - t0) / 1000);
  const perRecord = first.seconds / first.records;
  const bytesPerRecord = first.bytes_written / first.records;
  console.log(
    JSON.stringify({
      bench: 'export-shards',
      dtype: options.dtype,
      records: first.records,
      shards: first.shards,
      mb: +(first.bytes_written / 1e6).toFixed(1),
      seconds: first.seconds,
      mb_per_s: first.mb_per_s,
      records_per_s: Math.round(first.records / first.seconds),
      disk_mb_per_s: +diskMbs.toFixed(1),
      second_export_written: second.written,
      second_export_seconds: second.seconds,
      projected_1_2M: { gb: +((1.2e6 * bytesPerRecord) / 1e9).toFixed(1), minutes: +((1.2e6 * perRecord) / 60).toFixed(1) },
    }),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
