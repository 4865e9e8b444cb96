import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Catalog, SCHEMA_VERSION, claimJob, finishJob, getJob, insertJob, listJobs, markInterrupted, updateJobProgress } from '../../src/main/catalog/index.js';
import { openDatabase } from '../../src/main/catalog/database.js';
import { MIGRATIONS } from '../../src/main/catalog/schema.js';
import { generatedRecords, workspace } from './fixtures.js';

describe('schema migrations', () => {
  it('run in order, one transaction each, and record the version', () => {
    const file = join(workspace(), 'steps.sqlite');
    const steps = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, description: 'b', sql: 'ALTER TABLE a ADD COLUMN y TEXT' },
    ];
    const db = openDatabase(file, {}, steps.slice(0, 1));
    db.prepare('INSERT INTO a (x) VALUES (7)').run();
    db.close();
    // Reopening with a longer list upgrades the old file and keeps its rows.
    const upgraded = openDatabase(file, {}, steps);
    expect(upgraded.pragma('user_version', { simple: true })).toBe(2);
    expect(upgraded.prepare('SELECT x, y FROM a').all()).toEqual([{ x: 7, y: null }]);
    upgraded.close();
  });

  it('leave the previous version intact when a step fails', () => {
    const file = join(workspace(), 'broken.sqlite');
    openDatabase(file, {}, [{ version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' }]).close();
    const broken = [
      { version: 1, description: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, description: 'bad', sql: 'CREATE TABLE b (z INTEGER); INSERT INTO nowhere VALUES (1)' },
    ];
    expect(() => openDatabase(file, {}, broken)).toThrow(/no such table: nowhere/);
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuse a catalog written by a newer program, naming both versions', () => {
    const dir = workspace();
    Catalog.open(dir).close();
    const db = new Database(join(dir, 'catalog.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => Catalog.open(dir)).toThrow(
      new RegExp(`schema version ${SCHEMA_VERSION + 5} is newer than this program supports \\(${SCHEMA_VERSION}\\)`),
    );
  });

  it('refuse to upgrade through a read-only connection', () => {
    const file = join(workspace(), 'old.sqlite');
    openDatabase(file, {}, []).close();
    expect(() => openDatabase(file, { readonly: true }, MIGRATIONS)).toThrow(/needs an upgrade .* open it once with write access/);
  });

  it('bring an empty file to the current schema, usable at once', () => {
    const dir = workspace();
    const c = Catalog.open(dir);
    c.insertRecords(generatedRecords(3, ['alpha']));
    c.close();
    const again = Catalog.open(dir, { readonly: true });
    expect(again.summary().records).toBe(3);
    again.close();
  });

  it('version 2 adds jobs: queued, claimed once, progress clamped, dead processes marked interrupted', () => {
    const dir = workspace();
    // A version-1 catalog with records upgrades in place.
    const v1 = openDatabase(join(dir, 'catalog.sqlite'), {}, MIGRATIONS.slice(0, 1));
    v1.close();
    const c = Catalog.open(dir);
    try {
      expect(c.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const id = insertJob(c, { kind: 'pretrain', params: { steps: 3 } });
      expect(getJob(c, id)).toMatchObject({ state: 'queued', params: { steps: 3 }, attempts: 0, progress: 0 });
      expect(claimJob(c, id, 4242)).toBe(true);
      expect(claimJob(c, id, 4343)).toBe(false); // a second process cannot take a running job
      updateJobProgress(c, id, { progress: 1.7, eta_s: 12, message: 'step 3/3' });
      expect(getJob(c, id)).toMatchObject({ state: 'running', pid: 4242, progress: 1, eta_s: 12, message: 'step 3/3', attempts: 1 });
      expect(markInterrupted(c, (pid) => pid !== 4242)).toEqual([id]);
      expect(getJob(c, id)).toMatchObject({ state: 'interrupted', pid: null });
      expect(claimJob(c, id, 4343)).toBe(true);
      finishJob(c, id, { state: 'done', result: { bundle: 'b' } });
      expect(getJob(c, id)).toMatchObject({ state: 'done', progress: 1, result: { bundle: 'b' }, attempts: 2 });
      expect(() => c.db.prepare("INSERT INTO jobs (kind, state, created_at) VALUES ('bake', 'queued', 'now')").run()).toThrow(/CHECK constraint/);
      expect(listJobs(c, { states: ['done'] }).map((j) => j.id)).toEqual([id]);
    } finally {
      c.close();
    }
  });
});
