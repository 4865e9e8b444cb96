import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Catalog, SCHEMA_VERSION } from '../../src/main/catalog/index.js';
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
});
