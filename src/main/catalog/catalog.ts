// The workspace catalog: one SQLite file, <workspace>/catalog.sqlite, written by one process at a time.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, openDatabase, type Db, type OpenOptions } from './database.js';
import { parseFilter, parsePage } from './filter.js';
import { recordAnnotations, type RecordAnnotations } from './annotators.js';
import { RecordWriter } from './insert.js';
import { getRecord, queryRecords, type RecordPage } from './query.js';
import { recount, summarize } from './summary.js';
import type {
  CatalogSummary,
  ImportCounts,
  ImportErrorRow,
  ImportRun,
  ImportStatus,
  InsertResult,
  NewRecord,
  RecordDetail,
} from './types.js';

export const CATALOG_FILE = 'catalog.sqlite';

export interface CatalogOpenOptions extends OpenOptions {
  /** Create the folder and file when missing (default true unless readonly). */
  readonly create?: boolean;
}

interface RunRow {
  id: number;
  folder: string;
  dataset: string;
  started_at: string;
  finished_at: string | null;
  status: ImportStatus;
  records_seen: number;
  imported: number;
  skipped: number;
  failed: number;
  settings: string;
}

export class Catalog {
  private writerCache: RecordWriter | undefined;

  private constructor(
    readonly db: Db,
    readonly file: string,
  ) {}

  static open(workspaceDir: string, options: CatalogOpenOptions = {}): Catalog {
    const file = join(workspaceDir, CATALOG_FILE);
    const create = options.create ?? !options.readonly;
    if (!existsSync(file)) {
      if (!create) throw new CatalogError(`no catalog in ${workspaceDir} (${CATALOG_FILE} not found); import records first`);
      mkdirSync(workspaceDir, { recursive: true });
    }
    return new Catalog(openDatabase(file, options), file);
  }

  /** True when the workspace folder holds a catalog file. */
  static exists(workspaceDir: string): boolean {
    return existsSync(join(workspaceDir, CATALOG_FILE));
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.db.readonly) this.db.pragma('optimize');
    this.db.close();
  }

  private get writer(): RecordWriter {
    this.writerCache ??= new RecordWriter(this.db);
    return this.writerCache;
  }

  // --- import runs ---------------------------------------------------------------------------

  beginImportRun(run: { folder: string; dataset: string; settings?: Record<string, unknown> }): number {
    const info = this.db
      .prepare("INSERT INTO import_runs (folder, dataset, started_at, status, settings) VALUES (?, ?, ?, 'running', ?)")
      .run(run.folder, run.dataset, new Date().toISOString(), JSON.stringify(run.settings ?? {}));
    return Number(info.lastInsertRowid);
  }

  /** Progress of a running import, so a crash leaves the last known counts. */
  updateImportRun(id: number, counts: ImportCounts): void {
    this.db
      .prepare('UPDATE import_runs SET records_seen = ?, imported = ?, skipped = ?, failed = ? WHERE id = ?')
      .run(counts.recordsSeen, counts.imported, counts.skipped, counts.failed, id);
  }

  finishImportRun(id: number, status: Exclude<ImportStatus, 'running'>, counts: ImportCounts): void {
    const info = this.db
      .prepare(
        `UPDATE import_runs SET status = ?, finished_at = ?, records_seen = ?, imported = ?, skipped = ?, failed = ?
         WHERE id = ?`,
      )
      .run(status, new Date().toISOString(), counts.recordsSeen, counts.imported, counts.skipped, counts.failed, id);
    if (info.changes !== 1) throw new CatalogError(`no import run ${id}`);
  }

  recordImportError(runId: number, error: ImportErrorRow): void {
    this.db
      .prepare('INSERT INTO import_errors (run_id, source_key, path, code, message) VALUES (?, ?, ?, ?, ?)')
      .run(runId, error.sourceKey, error.path, error.code, error.message);
  }

  importRun(id: number): ImportRun | undefined {
    const row = this.db.prepare('SELECT * FROM import_runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  importRuns(): ImportRun[] {
    return (this.db.prepare('SELECT * FROM import_runs ORDER BY id').all() as RunRow[]).map(toRun);
  }

  importErrors(runId: number, limit = 1000): ImportErrorRow[] {
    return this.db
      .prepare(
        'SELECT source_key AS sourceKey, path, code, message FROM import_errors WHERE run_id = ? ORDER BY id LIMIT ?',
      )
      .all(runId, limit) as ImportErrorRow[];
  }

  /** Every source key in the catalog (resume: skip what an earlier run committed). */
  importedKeys(): Set<string> {
    const keys = new Set<string>();
    for (const k of this.db.prepare('SELECT source_key FROM records').pluck().iterate()) keys.add(k as string);
    return keys;
  }

  hasSourceKey(key: string): boolean {
    return this.db.prepare('SELECT 1 FROM records WHERE source_key = ?').pluck().get(key) !== undefined;
  }

  /**
   * Where the last committed record sits in the canonical store (the store drops anything past it).
   * The store is append-only and rows are inserted in append order, so the highest id is the last slot.
   */
  lastStoreLocation(): { shard: number; offset: number } | null {
    const row = this.db
      .prepare('SELECT shard, offset FROM records WHERE shard IS NOT NULL ORDER BY id DESC LIMIT 1')
      .get() as { shard: number; offset: number } | undefined;
    return row ?? null;
  }

  // --- records -------------------------------------------------------------------------------

  /** Inserts a batch in one transaction; keys already present are skipped and listed. */
  insertRecords(rows: readonly NewRecord[]): InsertResult {
    return this.writer.insert(rows);
  }

  /**
   * Validates the filter and page (they may come from the UI over IPC) and returns one page in id order.
   * Page with `after` = the previous page's `next` (keyset: a deep page costs what the first does);
   * `offset` works too but walks the skipped rows. `total` is exact for filters on centers and one
   * class (kept counts) and otherwise counted up to COUNT_CAP; past it totalExact is false and
   * `estimated` gives a guess from the kept counts.
   */
  queryRecords(filter: unknown = {}, page: unknown = {}): RecordPage {
    return queryRecords(this.db, parseFilter(filter), parsePage(page));
  }

  getRecord(id: number): RecordDetail | undefined {
    return getRecord(this.db, id);
  }

  /** The record's annotation files and canonical window start; undefined for an unknown id. */
  recordAnnotations(id: number): RecordAnnotations | undefined {
    return recordAnnotations(this.db, id);
  }

  summary(): CatalogSummary {
    return summarize(this.db);
  }

  /** Rebuilds the kept counts from the rows (after a repair, or to verify them). */
  recount(): void {
    recount(this.db);
  }

  /** Refreshes the planner's statistics; worth it after a large import. */
  analyze(): void {
    this.db.exec('ANALYZE');
  }

  centers(): { id: number; name: string; description: string | null }[] {
    return this.db.prepare('SELECT id, name, description FROM centers ORDER BY name').all() as {
      id: number;
      name: string;
      description: string | null;
    }[];
  }

  // --- settings ------------------------------------------------------------------------------

  getSetting(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  }

  setSetting(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  settings(): Record<string, string> {
    const rows = this.db.prepare('SELECT key, value FROM settings ORDER BY key').all() as { key: string; value: string }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}

function toRun(row: RunRow): ImportRun {
  return {
    id: row.id,
    folder: row.folder,
    dataset: row.dataset,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    recordsSeen: row.records_seen,
    imported: row.imported,
    skipped: row.skipped,
    failed: row.failed,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
  };
}

export { CatalogError };
