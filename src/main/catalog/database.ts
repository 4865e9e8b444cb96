// Opens catalog.sqlite with the settings every connection needs and brings its schema up to date.
import Database from 'better-sqlite3';
import { sqliteBinding } from '../platform/electron-native.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './schema.js';

export type Db = Database.Database;

export class CatalogError extends Error {
  /** Set when a read-only open met an older schema: the version found (0: being created right now). */
  upgradeFrom?: number;
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

export interface OpenOptions {
  /** Open without write access (a second process reading while an import writes). */
  readonly readonly?: boolean;
  /** Milliseconds a connection waits for another process's lock before SQLITE_BUSY. */
  readonly busyTimeoutMs?: number;
}

export function openDatabase(file: string, options: OpenOptions = {}, migrations: readonly Migration[] = MIGRATIONS): Db {
  const readonly = options.readonly ?? false;
  const nativeBinding = sqliteBinding();
  const db = new Database(file, { readonly, fileMustExist: readonly, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!readonly) {
      // WAL lets a reader process see committed rows while the importer writes.
      db.pragma('journal_mode = WAL');
      // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536'); // 64 MiB: the filter index of a 1.2M-record catalog stays hot
    db.pragma('temp_store = MEMORY');
    migrate(db, readonly, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Db, readonly: boolean, migrations: readonly Migration[]): void {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new CatalogError(
      `catalog schema version ${current} is newer than this program supports (${latest}); ` +
        'open it with a newer OpenECG Workstation',
    );
  }
  if (current === latest) return;
  if (readonly) {
    const err = new CatalogError(`catalog schema version ${current} needs an upgrade to ${latest}; open it once with write access`);
    err.upgradeFrom = current;
    throw err;
  }
  for (const step of migrations) {
    if (step.version <= current) continue;
    // Each step and its version bump commit together, so a failed step leaves the previous version intact.
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}

export { SCHEMA_VERSION };
