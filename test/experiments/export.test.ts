// The .npy export read back by NumPy itself, and the CSV rows in the same order as the array.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { exportWorkspace } from '../../src/main/experiments/export/export.js';
import { npyHeader } from '../../src/main/experiments/export/npy.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { demoWorkspace } from './fixtures.js';

let ws: string;
const out = mkdtempSync(join(tmpdir(), 'openecg-export-'));
beforeAll(async () => {
  ws = await demoWorkspace('export');
});
afterAll(() => [ws, out].forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('export', () => {
  it('the header is 64-byte aligned and names dtype, order and shape', () => {
    const h = npyHeader([3, 12, 1000]);
    expect(h.length % 64).toBe(0);
    expect(h.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect(h.readUInt16LE(8)).toBe(h.length - 10);
    expect(h.toString('latin1')).toContain("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 12, 1000), }");
    expect(h[h.length - 1]).toBe(0x0a);
  });

  it('numpy loads (n, 12, 1000) float32 equal to the store, rows matching the CSV', () => {
    const s = exportWorkspace(ws, out, { chunk: 7 });
    const catalog = Catalog.open(ws, { readonly: true });
    const n = catalog.summary().records;
    const first = catalog.db.prepare('SELECT id, shard, offset FROM records ORDER BY id LIMIT 1').get() as { id: number; shard: number; offset: number };
    const last = catalog.db.prepare('SELECT id, shard, offset FROM records ORDER BY id DESC LIMIT 1').get() as { id: number; shard: number; offset: number };
    catalog.close();
    expect(s.shape).toEqual([n, 12, 1000]);
    const py = `import numpy, sys, json
a = numpy.load(sys.argv[1], mmap_mode='r')
print(json.dumps({'shape': list(a.shape), 'dtype': str(a.dtype), 'first': [float(v) for v in a[0, 1, :5]], 'last': [float(v) for v in a[-1, 11, -3:]]}))`;
    const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, s.signals], { encoding: 'utf8' })) as { shape: number[]; dtype: string; first: number[]; last: number[] };
    expect(got.shape).toEqual([n, 12, 1000]);
    expect(got.dtype).toBe('float32');
    const store = ShardStore.openReader(join(ws, 'store'));
    const a = store.read(first.shard, first.offset);
    const z = store.read(last.shard, last.offset);
    store.close();
    expect(got.first).toEqual(Array.from(a.subarray(1000, 1005)));
    expect(got.last).toEqual(Array.from(z.subarray(12000 - 3, 12000)));
    const rows = readFileSync(s.labels, 'utf8').trim().split('\n');
    expect(rows.length).toBe(n + 1);
    expect(rows[0].split(',').slice(0, 8)).toEqual(['index', 'record_id', 'record', 'center', 'patient', 'part', 'age', 'sex']);
    expect(rows[0].split(',').length).toBe(8 + 24);
    expect(rows[1].split(',')[1]).toBe(String(first.id));
    expect(rows[n].split(',')[1]).toBe(String(last.id));
    expect(rows.slice(1).every((r) => /,(train|val|test),/.test(r))).toBe(true);
  });
});
