// `export --format shards`: fixed-size shards numpy memory-maps with the store's values, labels
// from the catalog, the index's SHA-256s matching the files; a second export writes nothing; a
// lost shard is rewritten alone (resume); --fold and --fraction choose the pool.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { exportShards, type ShardIndex } from '../../src/main/experiments/export/shards.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { demoWorkspace } from '../experiments/fixtures.js';
import { tempDir } from '../temp.js';
import { python, torchMissing } from './python.js';

let ws: string;
beforeAll(async () => {
  ws = await demoWorkspace('cluster-shards');
}, 120_000);

const index = (dir: string) => JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as ShardIndex;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('shard export', () => {
  it('int16 shards of 64 records: index, hashes, a second export writes nothing, a lost shard is rewritten', () => {
    const out = tempDir('shards');
    const s = exportShards(ws, out, { shardSize: 64 });
    const catalog = Catalog.open(ws, { readonly: true });
    const n = catalog.summary().records;
    const rows = catalog.db.prepare('SELECT id, shard, offset, classes FROM records ORDER BY id').all() as { id: number; shard: number; offset: number; classes: number }[];
    catalog.close();
    expect(s.records).toBe(n);
    expect(s.shards).toBe(Math.ceil(n / 64));
    expect(s.written).toBe(s.shards);
    const idx = index(out);
    expect(idx.complete).toBe(true);
    expect(idx.records.id).toEqual(rows.map((r) => r.id));
    expect(new Set(idx.records.split)).toEqual(new Set(['train', 'val', 'test']));
    for (const e of idx.shards) expect(sha(join(out, e.signals))).toBe(e.signals_sha256);
    expect(idx.shards.map((e) => e.count)).toEqual(idx.shards.map((_, k) => Math.min(64, n - 64 * k)));

    const again = exportShards(ws, out, { shardSize: 64 });
    expect([again.written, again.bytes_written]).toEqual([0, 0]);
    expect(index(out).shards).toEqual(idx.shards);

    rmSync(join(out, idx.shards[1].signals));
    const resumed = exportShards(ws, out, { shardSize: 64 });
    expect(resumed.written).toBe(1);
    expect(index(out).shards[1].signals_sha256).toBe(idx.shards[1].signals_sha256);

    if (torchMissing) return;
    // numpy memory-maps the shards; row 70 is shard 1 offset 6, in microvolts.
    const py = `import numpy, json, sys
s = numpy.load(sys.argv[1] + '/signals-000001.npy', mmap_mode='r'); l = numpy.load(sys.argv[1] + '/labels-000001.npy', mmap_mode='r')
print(json.dumps({'shape': list(s.shape), 'dtype': str(s.dtype), 'v': [int(v) for v in s[6, 3, :8]], 'labels': [int(v) for v in l[6]], 'ldtype': str(l.dtype)}))`;
    const got = JSON.parse(python(['-c', py, out])) as { shape: number[]; dtype: string; v: number[]; labels: number[]; ldtype: string };
    expect(got.shape).toEqual([64, 12, 1000]);
    expect([got.dtype, got.ldtype]).toEqual(['int16', 'uint8']);
    const store = ShardStore.openReader(join(ws, 'store'));
    const mv = store.read(rows[70].shard, rows[70].offset);
    store.close();
    expect(got.v).toEqual(Array.from(mv.subarray(3000, 3008), (v) => Math.round(v * 1000)));
    expect(got.labels).toEqual(Array.from({ length: 24 }, (_, c) => (rows[70].classes >>> c) & 1));
  });

  it('float32 in mV; a LODO fold leaves its center out; a scaling fraction keeps train patients only', () => {
    const out = tempDir('shards-f32');
    exportShards(ws, out, { dtype: 'float32', shardSize: 1000 });
    const all = index(out);
    expect(all.units).toBe('mV');
    const target = all.centers[0];
    const fold = tempDir('shards-fold');
    exportShards(ws, fold, { fold: target });
    const f = index(fold);
    expect(f.centers).not.toContain(target);
    expect(f.count).toBe(all.records.center.filter((c) => all.centers[c] !== target).length);
    const half = tempDir('shards-half');
    exportShards(ws, half, { fraction: 0.5 });
    const h = index(half);
    expect(h.count).toBeGreaterThan(0);
    expect(h.count).toBeLessThan(all.records.split.filter((p) => p === 'train').length);
    expect(new Set(h.records.split)).toEqual(new Set(['train']));
  });
});
