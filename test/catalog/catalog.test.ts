import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog, SCHEMA_VERSION, type NewRecord } from '../../src/main/catalog/index.js';
import { cincRecords, codeToAbbreviation, generatedRecords, labelRows, workspace } from './fixtures.js';

const open: Catalog[] = [];
function openCatalog(dir = workspace()): Catalog {
  const c = Catalog.open(dir);
  open.push(c);
  return c;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

describe('Catalog.open', () => {
  it('creates the folder and a WAL catalog at the current schema version with foreign keys on', () => {
    const dir = join(workspace(), 'nested', 'ws');
    const c = openCatalog(dir);
    expect(existsSync(join(dir, 'catalog.sqlite'))).toBe(true);
    expect(c.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(c.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(c.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(c.summary()).toEqual({ records: 0, patients: 0, per_center: {}, centers: [], per_class: {} });
  });

  it('refuses a missing catalog when asked not to create one', () => {
    expect(() => Catalog.open(workspace(), { create: false })).toThrow(/no catalog in .*catalog\.sqlite not found/);
  });
});

describe('insertRecords and summary on the 52 real CinC records', () => {
  it('count records per center and per class as labels.csv says', () => {
    const c = openCatalog();
    const result = c.insertRecords(cincRecords());
    expect(result.ids).toHaveLength(52);
    expect(result.skipped).toEqual([]);

    const rows = labelRows();
    const abbr = codeToAbbreviation();
    const perCenter: Record<string, number> = {};
    const perClass: Record<string, number> = {};
    for (const r of rows) {
      perCenter[r.center] = (perCenter[r.center] ?? 0) + 1;
      for (const a of new Set(r.codes.map((code) => abbr.get(code)).filter((a) => a !== undefined))) {
        perClass[a!] = (perClass[a!] ?? 0) + 1;
      }
    }
    const s = c.summary();
    expect(s.records).toBe(52);
    expect(s.patients).toBe(52); // no patient ids in the challenge data: each record is its own patient
    expect(s.per_center).toEqual(perCenter);
    expect(s.per_class).toEqual(perClass);
    const ptb = s.centers.find((x) => x.center === 'ptb')!;
    expect(ptb.records).toBe(4);
    const ptbClasses: Record<string, number> = {};
    for (const r of rows.filter((r) => r.center === 'ptb')) {
      for (const a of new Set(r.codes.map((code) => abbr.get(code)).filter((a) => a !== undefined))) {
        ptbClasses[a!] = (ptbClasses[a!] ?? 0) + 1;
      }
    }
    expect(ptb.per_class).toEqual(ptbClasses);
  });

  it('keep every code, mapping scored ones to their class index and others to null', () => {
    const c = openCatalog();
    const { ids } = c.insertRecords(cincRecords());
    const q0001 = labelRows().findIndex((r) => r.record === 'Q0001');
    const detail = c.getRecord(ids[q0001])!;
    expect(detail.record).toBe('Q0001');
    expect(detail.center).toBe('cpsc-extra');
    expect(detail.age).toBe(53);
    expect(detail.sex).toBe('M');
    expect(detail.durationS).toBe(10);
    expect(detail.ownRecord).toBe(true);
    expect(detail.labels).toEqual([
      { code: '164867002', classIndex: null, abbreviation: null },
      { code: '427084000', classIndex: 21, abbreviation: 'STach' },
    ]);
    expect(detail.classes).toEqual(['STach']);
    expect(c.getRecord(999_999)).toBeUndefined();
  });

  it('skip source keys already imported, so a resumed import adds nothing twice', () => {
    const c = openCatalog();
    const records = cincRecords();
    c.insertRecords(records.slice(0, 30));
    const before = c.summary();
    const again = c.insertRecords(records);
    expect(again.ids).toHaveLength(22);
    expect(again.skipped).toEqual(records.slice(0, 30).map((r) => r.sourceKey));
    expect(c.summary().records).toBe(52);
    expect(before.records).toBe(30);
    expect(c.importedKeys()).toEqual(new Set(records.map((r) => r.sourceKey)));
    expect(c.hasSourceKey('cpsc/A0001')).toBe(true);
    expect(c.hasSourceKey('cpsc/A9999')).toBe(false);
  });

  it('group records by patient id, and never merge a patient with a record that is its own patient', () => {
    const c = openCatalog();
    const [a, b, d] = generatedRecords(3, ['alpha']);
    c.insertRecords([
      { ...a, patient: 'p7' },
      { ...b, patient: 'p7' },
      { ...d, sourceKey: 'p7', patient: null },
    ]);
    const s = c.summary();
    expect(s.records).toBe(3);
    expect(s.patients).toBe(2);
    const rows = c.db.prepare('SELECT key, own_record FROM patients ORDER BY id').all();
    expect(rows).toEqual([
      { key: 'p7', own_record: 0 },
      { key: 'p7', own_record: 1 },
    ]);
  });

  it('keep counts equal to a recount from the rows', () => {
    const c = openCatalog();
    c.insertRecords(generatedRecords(800, ['alpha', 'beta', 'gamma'], 3));
    c.insertRecords(generatedRecords(300, ['beta', 'delta'], 4, 'second-'));
    const kept = c.summary();
    const countsBefore = c.db.prepare('SELECT * FROM center_counts ORDER BY center_id, kind, key').all();
    c.recount();
    expect(c.summary()).toEqual(kept);
    expect(c.db.prepare('SELECT * FROM center_counts ORDER BY center_id, kind, key').all()).toEqual(countsBefore);
    const patients = c.db.prepare('SELECT count(*) FROM patients').pluck().get();
    expect(kept.patients).toBe(patients);
    expect(kept.records).toBe(1100);
  });
});

describe('insertRecords atomicity', () => {
  it('rolls the whole batch back when one row is bad, new centers included', () => {
    const c = openCatalog();
    c.insertRecords(generatedRecords(10, ['alpha'], 1));
    const batch: NewRecord[] = generatedRecords(20, ['omega'], 2, 'b-');
    const bad = { ...batch[15], fs: 0 };
    expect(() => c.insertRecords([...batch.slice(0, 15), bad])).toThrow(/sampling frequency must be positive/);
    expect(c.summary().records).toBe(10);
    expect(c.centers().map((x) => x.name)).toEqual(['alpha']);
    // The writer still works after the rollback, and re-creates the center it had forgotten.
    expect(c.insertRecords(batch).ids).toHaveLength(20);
    expect(c.summary().per_center).toEqual({ alpha: 10, omega: 20 });
  });

  it('rejects a sex outside M/F and a non-finite age with the record named', () => {
    const c = openCatalog();
    const [r] = generatedRecords(1, ['alpha']);
    expect(() => c.insertRecords([{ ...r, sex: 'X' as 'M' }])).toThrow(/alpha\/r0: sex must be/);
    expect(() => c.insertRecords([{ ...r, age: Number.NaN }])).toThrow(/alpha\/r0: age must be/);
  });
});

describe('import runs', () => {
  it('record start, progress, errors and the finish', () => {
    const c = openCatalog();
    const run = c.beginImportRun({ folder: '/data/cinc', dataset: 'cinc', settings: { rate: 100 } });
    expect(c.importRun(run)).toMatchObject({ status: 'running', folder: '/data/cinc', settings: { rate: 100 }, imported: 0 });
    c.insertRecords(cincRecords().map((r) => ({ ...r, importRunId: run, shard: 0, offset: 0 })).slice(0, 3));
    c.updateImportRun(run, { recordsSeen: 5, imported: 3, skipped: 0, failed: 1 });
    c.recordImportError(run, { sourceKey: 'cpsc/A0004', path: '/data/cpsc/A0004.mat', code: 'truncated', message: 'short file' });
    c.finishImportRun(run, 'done', { recordsSeen: 5, imported: 3, skipped: 1, failed: 1 });
    const done = c.importRun(run)!;
    expect(done).toMatchObject({ status: 'done', recordsSeen: 5, imported: 3, skipped: 1, failed: 1 });
    expect(done.finishedAt).not.toBeNull();
    expect(c.importErrors(run)).toEqual([
      { sourceKey: 'cpsc/A0004', path: '/data/cpsc/A0004.mat', code: 'truncated', message: 'short file' },
    ]);
    expect(() => c.finishImportRun(run + 1, 'failed', { recordsSeen: 0, imported: 0, skipped: 0, failed: 0 })).toThrow(/no import run/);
  });

  it('give the last store location in append order', () => {
    const c = openCatalog();
    expect(c.lastStoreLocation()).toBeNull();
    const rows = generatedRecords(5, ['alpha']).map((r, i) => ({ ...r, shard: i < 3 ? 0 : 1, offset: i < 3 ? i : i - 3 }));
    c.insertRecords(rows);
    expect(c.lastStoreLocation()).toEqual({ shard: 1, offset: 1 });
  });
});

describe('settings', () => {
  it('store and overwrite workspace settings', () => {
    const c = openCatalog();
    c.setSetting('canonical.rate', '100');
    c.setSetting('canonical.rate', '250');
    c.setSetting('store.dtype', 'int16');
    expect(c.getSetting('canonical.rate')).toBe('250');
    expect(c.getSetting('missing')).toBeUndefined();
    expect(c.settings()).toEqual({ 'canonical.rate': '250', 'store.dtype': 'int16' });
  });
});

describe('a second connection', () => {
  it('reads committed rows while the writer holds an open transaction', () => {
    const dir = workspace();
    const writer = openCatalog(dir);
    writer.insertRecords(generatedRecords(10, ['alpha']));
    const reader = Catalog.open(dir, { readonly: true });
    open.push(reader);
    writer.db.exec('BEGIN IMMEDIATE');
    writer.db.prepare("INSERT INTO settings (key, value) VALUES ('x', '1')").run();
    expect(reader.summary().records).toBe(10);
    expect(reader.getSetting('x')).toBeUndefined();
    writer.db.exec('COMMIT');
    expect(reader.getSetting('x')).toBe('1');
    writer.insertRecords(generatedRecords(5, ['beta'], 9, 'more-'));
    expect(reader.summary().per_center).toEqual({ alpha: 10, beta: 5 });
    expect(() => reader.setSetting('y', '2')).toThrow(/readonly/);
  });
});
