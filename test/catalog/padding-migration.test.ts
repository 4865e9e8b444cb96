// Migration 4 (records.padded_s): records imported before it get their padding from their length
// and the store's settings, the count the import itself now stores.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/catalog/database.js';
import { MIGRATIONS } from '../../src/main/catalog/schema.js';
import { workspace } from './fixtures.js';

const before = MIGRATIONS.filter((m) => m.version < 4);

function insert(db: ReturnType<typeof openDatabase>, key: string, fs: number, sigLen: number, shard: number | null): void {
  db.prepare(
    `INSERT INTO records (center_id, patient_id, source_key, record, source_path, format, fs, sig_len, duration_s, n_leads, leads, shard, offset)
     VALUES (1, 1, ?, ?, '/x', 'wfdb', ?, ?, ?, 12, 'I', ?, 0)`,
  ).run(key, key, fs, sigLen, sigLen / fs, shard);
}

describe('migration 4: zero padding of short records', () => {
  it('fills padded_s for earlier records from their length and the store settings', () => {
    const file = join(workspace(), 'old.sqlite');
    const old = openDatabase(file, {}, before);
    old.prepare("INSERT INTO centers (id, name) VALUES (1, 'c')").run();
    old.prepare("INSERT INTO patients (id, center_id, key) VALUES (1, 1, 'p')").run();
    old.prepare("INSERT INTO settings (key, value) VALUES ('store.rate', '100'), ('store.length', '1000')").run();
    insert(old, 'short', 400, 2920, 0); // 7.3 s -> 730 of 1000 samples
    insert(old, 'long', 400, 4080, 0); // 10.2 s
    insert(old, 'odd', 500, 3001, 0); // 6.002 s -> ceil(600.2) = 601 samples
    insert(old, 'unstored', 400, 2920, null);
    old.close();
    const db = openDatabase(file, {}, MIGRATIONS);
    const padded = Object.fromEntries((db.prepare('SELECT source_key, padded_s FROM records').all() as { source_key: string; padded_s: number }[]).map((r) => [r.source_key, r.padded_s]));
    expect(padded.short).toBeCloseTo(2.7, 9);
    expect(padded.long).toBe(0);
    expect(padded.odd).toBeCloseTo(3.99, 9);
    expect(padded.unstored).toBe(0);
    db.close();
  });

  it('leaves a catalog without store settings at 0', () => {
    const file = join(workspace(), 'fresh.sqlite');
    const old = openDatabase(file, {}, before);
    old.prepare("INSERT INTO centers (id, name) VALUES (1, 'c')").run();
    old.prepare("INSERT INTO patients (id, center_id, key) VALUES (1, 1, 'p')").run();
    insert(old, 'short', 400, 2920, 0);
    old.close();
    const db = openDatabase(file, {}, MIGRATIONS);
    expect(db.prepare('SELECT padded_s FROM records').pluck().get()).toBe(0);
    db.close();
  });
});
