// The UI browses a workspace read-only; one made by an earlier version is migrated once with write
// access, while a catalog an import process is still creating (version 0) is left alone.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/shared/api.js';
import { createWorkstationApi } from '../../src/main/api/index.js';
import { SCHEMA_VERSION } from '../../src/main/catalog/index.js';
import { openDatabase } from '../../src/main/catalog/database.js';
import { MIGRATIONS } from '../../src/main/catalog/schema.js';
import { workspace } from '../catalog/fixtures.js';

const version = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('catalog schema upgrade through the API', () => {
  it('migrates an older catalog and then answers', async () => {
    const dir = workspace();
    const file = join(dir, 'catalog.sqlite');
    openDatabase(file, {}, MIGRATIONS.slice(0, 1)).close();
    expect(version(file)).toBe(1);
    const api = createWorkstationApi({ workspace: dir });
    try {
      const summary = await api.call('catalog.summary', {});
      expect(summary.records).toBe(0);
      expect(version(file)).toBe(SCHEMA_VERSION);
    } finally {
      api.close();
    }
  });

  it('leaves a catalog that is being created (version 0) untouched and says so', async () => {
    const dir = workspace();
    const file = join(dir, 'catalog.sqlite');
    new Database(file).close();
    const api = createWorkstationApi({ workspace: dir });
    try {
      const err = await api.call('catalog.summary', {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).message).toMatch(/schema version 0 needs an upgrade/);
      expect(version(file)).toBe(0);
    } finally {
      api.close();
    }
  });
});
