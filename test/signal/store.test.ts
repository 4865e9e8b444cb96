import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockError } from '../../src/main/signal/lock.js';
import { encodeRecord } from '../../src/main/signal/store-encode.js';
import { ShardStore, StoreError, type StoreSettings } from '../../src/main/signal/store.js';
import { lcgNoise } from './scipy-fixtures.js';

const dirs: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'openecg-store-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() as string, { recursive: true, force: true });
});

const LENGTH = 50; // short records keep the files small; the layout is the same as for 1000
const values = 12 * LENGTH;
/** Record i: noise of about +-2.5 mV, different for every i. */
const row = (i: number) => Float32Array.from(lcgNoise(values, 1000 + i), (v) => v * 5);
const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => row(from + k));
const f32: StoreSettings = { rate: 100, length: LENGTH, dtype: 'float32', recordsPerShard: 3 };
const i16: StoreSettings = { rate: 100, length: LENGTH, dtype: 'int16', recordsPerShard: 3 };

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe(code);
    return;
  }
  throw new Error(`expected StoreError ${code}`);
}

describe('ShardStore', () => {
  it('writes records that workers encoded (appendEncoded) byte for byte as append does', () => {
    for (const settings of [i16, f32]) {
      const a = fresh();
      const b = fresh();
      const direct = ShardStore.open(a, settings);
      const viaBytes = ShardStore.open(b, settings);
      const source = rows(0, 5);
      source[1][7] = 40; // beyond +-32.767 mV: clipped in int16
      const appended = direct.append(source);
      const width = settings.dtype === 'int16' ? 2 : 4;
      const encoded = source.map((r) => {
        const out = new Uint8Array(values * width);
        return { out, clipped: encodeRecord(r, settings.dtype, out, 0) };
      });
      const locs = viaBytes.appendEncoded(encoded.map((e) => e.out));
      expect(locs).toEqual(appended.map(({ shard, offset }) => ({ shard, offset })));
      expect(encoded.map((e) => e.clipped)).toEqual(appended.map((r) => r.clipped));
      expect(encoded[1].clipped).toBe(settings.dtype === 'int16' ? 1 : 0);
      direct.close();
      viaBytes.close();
      for (const shard of ['shard-000000.bin', 'shard-000001.bin']) expect(readFileSync(join(b, shard))).toEqual(readFileSync(join(a, shard)));
      expectCode(() => ShardStore.open(b, settings).appendEncoded([new Uint8Array(10)]), 'bad-record');
    }
  });

  it('round-trips float32 records exactly and rolls over to new shards', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    const a = store.append(rows(0, 2));
    const b = store.append(rows(2, 4));
    const c = store.append(rows(6, 1));
    expect([...a, ...b, ...c].map(({ shard, offset }) => [shard, offset])).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2], [2, 0]]);
    expect([...a, ...b, ...c].every((r) => r.clipped === 0)).toBe(true);
    expect(store.count).toBe(7);
    expect(store.end()).toEqual({ shard: 2, offset: 1 });
    store.flush();
    expect(readdirSync(dir).sort()).toEqual(['shard-000000.bin', 'shard-000001.bin', 'shard-000002.bin', 'store.json', 'writer.lock']);
    expect(statSync(join(dir, 'shard-000000.bin')).size).toBe(3 * values * 4);
    expect(statSync(join(dir, 'shard-000002.bin')).size).toBe(values * 4);
    expect(store.read(1, 2)).toEqual(row(5));
    expect(store.read(2, 0)).toEqual(row(6));
    store.close();
    expect(existsSync(join(dir, 'writer.lock'))).toBe(false);
    const json = JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'openecg-canonical-store', version: 1, rate: 100, length: LENGTH, dtype: 'float32', recordsPerShard: 3, recordBytes: values * 4 });
  });

  it('reads a batch in the order asked, across shards, into one array', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    store.append(rows(0, 7));
    const order = [{ shard: 0, offset: 1 }, { shard: 0, offset: 2 }, { shard: 1, offset: 0 }, { shard: 2, offset: 0 }, { shard: 0, offset: 0 }, { shard: 1, offset: 1 }];
    const batch = store.readMany(order);
    expect(batch).toHaveLength(order.length * values);
    order.forEach(({ shard, offset }, k) => expect(batch.subarray(k * values, (k + 1) * values)).toEqual(row(shard * 3 + offset)));
    const out = new Float32Array(values * 2);
    store.readMany([{ shard: 1, offset: 2 }], out);
    expect(out.subarray(0, values)).toEqual(row(5));
    expectCode(() => store.read(2, 1), 'out-of-range');
    expectCode(() => store.read(3, 0), 'out-of-range');
    store.close();
  });

  it('stores int16 microvolts, rounded, clipped at +-32767 uV with the count returned', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, { ...i16, recordsPerShard: 4096 });
    const r = row(0);
    r[3] = 40; // 40 mV: beyond +32.767 mV
    r[4] = -50;
    r[5] = 32.767;
    r[6] = 0.0004; // below half a microvolt: 0
    r[7] = 0.0015; // 1.5 uV rounds to 2
    const [loc, clean] = store.append([r, row(1)]);
    expect(loc).toEqual({ shard: 0, offset: 0, clipped: 2 });
    expect(clean.clipped).toBe(0);
    expect(statSync(join(dir, 'shard-000000.bin')).size).toBe(2 * values * 2);
    const back = store.read(0, 0);
    expect([back[3], back[4], back[5], back[6], back[7]]).toEqual([32.767, -32.767, 32.767, 0, 0.002].map(Math.fround));
    let worst = 0;
    for (let i = 8; i < values; i++) worst = Math.max(worst, Math.abs(back[i] - r[i]));
    expect(worst).toBeLessThanOrEqual(0.0005 + 1e-6);
    expect(worst).toBeGreaterThan(0); // it is rounded, not stored as float
    store.close();
  });

  it('reopens with the same settings and appends after the last record', () => {
    const dir = fresh();
    const first = ShardStore.open(dir, i16);
    first.append(rows(0, 4));
    first.close();
    const again = ShardStore.open(dir, { rate: 100, length: LENGTH, dtype: 'int16' }); // recordsPerShard from store.json
    expect(again.recordsPerShard).toBe(3);
    expect(again.count).toBe(4);
    expect(again.append(rows(4, 3)).map(({ shard, offset }) => [shard, offset])).toEqual([[1, 1], [1, 2], [2, 0]]);
    const back = again.read(1, 0);
    for (let i = 0; i < values; i++) expect(Math.abs(back[i] - row(3)[i])).toBeLessThanOrEqual(0.0005 + 1e-6);
    again.close();
  });

  it('cuts a partial record left by a crash when opened for writing', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    store.append(rows(0, 5));
    store.close();
    appendFileSync(join(dir, 'shard-000001.bin'), Buffer.alloc(values * 4 - 10, 7)); // a record cut short
    const reader = ShardStore.openReader(dir);
    expect(reader.count).toBe(5); // readers ignore the partial bytes
    reader.close();
    const repaired = ShardStore.open(dir, f32);
    expect(statSync(join(dir, 'shard-000001.bin')).size).toBe(2 * values * 4);
    expect(repaired.append([row(5)])).toEqual([{ shard: 1, offset: 2, clipped: 0 }]);
    expect(repaired.read(1, 2)).toEqual(row(5));
    expect(repaired.read(1, 1)).toEqual(row(4));
    repaired.close();
  });

  it('drops records the catalog never committed with truncateTo', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    store.append(rows(0, 8));
    store.truncateTo(1, 1);
    expect(store.count).toBe(4);
    expect(store.end()).toEqual({ shard: 1, offset: 1 });
    expect(existsSync(join(dir, 'shard-000002.bin'))).toBe(false);
    expect(statSync(join(dir, 'shard-000001.bin')).size).toBe(values * 4);
    expect(store.append([row(20)])).toEqual([{ shard: 1, offset: 1, clipped: 0 }]);
    expect(store.read(1, 1)).toEqual(row(20));
    expect(store.read(1, 0)).toEqual(row(3));
    expectCode(() => store.truncateTo(3, 0), 'out-of-range');
    store.truncateTo(0, 0);
    expect(store.count).toBe(0);
    expect(store.append([row(30)])).toEqual([{ shard: 0, offset: 0, clipped: 0 }]);
    store.close();
  });

  it('refuses other settings than the store was written with', () => {
    const dir = fresh();
    ShardStore.open(dir, i16).close();
    for (const other of [{ ...i16, rate: 250 }, { ...i16, length: 1000 }, { ...i16, dtype: 'float32' as const }, { ...i16, recordsPerShard: 4096 }]) {
      expectCode(() => ShardStore.open(dir, other), 'settings-mismatch');
    }
    expect(() => ShardStore.open(dir, { ...i16, rate: 250 })).toThrow(/rate 100 Hz, asked 250 Hz/);
    expect(existsSync(join(dir, 'writer.lock'))).toBe(false); // a refused open leaves no lock behind
    const orphan = fresh();
    writeFileSync(join(orphan, 'shard-000000.bin'), Buffer.alloc(16));
    expectCode(() => ShardStore.open(orphan, i16), 'not-a-store');
    writeFileSync(join(fresh(), 'store.json'), '{"format":"something else"}');
    expectCode(() => ShardStore.openReader(dirs[dirs.length - 1]), 'not-a-store');
  });

  it('rejects records of the wrong size and writes through a reader', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    expectCode(() => store.append([new Float32Array(values - 1)]), 'bad-record');
    store.append(rows(0, 1));
    const reader = ShardStore.openReader(dir);
    expectCode(() => reader.append(rows(1, 1)), 'read-only');
    store.append(rows(1, 3)); // appended after the reader opened: it sees them on demand
    expect(reader.read(1, 0)).toEqual(row(3));
    expect(reader.readMany([{ shard: 0, offset: 1 }, { shard: 0, offset: 2 }])).toEqual(Float32Array.from([...row(1), ...row(2)]));
    reader.close();
    store.close();
  });
});

describe('ShardStore writer lock', () => {
  it('allows one writer at a time', () => {
    const dir = fresh();
    const store = ShardStore.open(dir, f32);
    expect(() => ShardStore.open(dir, f32)).toThrow(LockError);
    expect(readFileSync(join(dir, 'writer.lock'), 'utf8').trim()).toBe(String(process.pid));
    store.close();
    ShardStore.open(dir, f32).close();
  });

  it('takes over the lock of a dead process and refuses the lock of a live one', async () => {
    const dir = fresh();
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    writeFileSync(join(dir, 'writer.lock'), `${dead}\n`);
    const store = ShardStore.open(dir, f32);
    expect(readFileSync(join(dir, 'writer.lock'), 'utf8').trim()).toBe(String(process.pid));
    store.close();

    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      writeFileSync(join(dir, 'writer.lock'), `${child.pid}\n`);
      expect(() => ShardStore.open(dir, f32)).toThrow(new RegExp(`running process ${child.pid}`));
    } finally {
      child.kill();
    }
  });
});
