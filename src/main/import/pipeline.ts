// Import: a folder on disk -> dataset adapter -> worker threads (read + canonicalize) ->
// canonical store shards + catalog rows, batch by batch, resumable at any point.
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Catalog } from '../catalog/catalog.js';
import type { NewRecord } from '../catalog/types.js';
import { adapterByName, ADAPTERS, detectAdapter } from '../datasets/index.js';
import { migrateOldSecret, onSiteKeyNotice, provideWorkspaceSecret, withdrawWorkspaceSecret, workspaceSecret } from '../datasets/site-secret.js';
import type { Candidate, DatasetAdapter } from '../datasets/types.js';
import { FormatError } from '../formats/types.js';
import { ShardStore } from '../signal/store.js';
import { ImportArgumentError } from './errors.js';
import { BATCH_RECORDS, LoaderPool } from './pool.js';
import { RateMeter, type Progress } from './progress.js';
import type { LoadedRecord } from './protocol.js';
import { resolveStoreSettings, type StoreRequest } from './settings.js';
import { HEADER_COMMENT_ADAPTERS, HeaderImport, type HeaderImportSummary } from './header-import.js';
import { SITE_SETTINGS, SiteImport, siteChoice, type SiteChoices, type SiteImportSummary } from './site-import.js';

export { ImportArgumentError };

export interface ImportOptions {
  readonly folder: string;
  readonly workspace: string;
  /** Adapter name; detected from the folder when absent. */
  readonly dataset?: string;
  /** Center name for every record, instead of the one the adapter derives (a site's own name). */
  readonly center?: string;
  /** Worker threads (default: one per core); 0 loads in the calling thread. */
  readonly workers?: number;
  readonly store?: StoreRequest;
  /** Site data (dataset 'site'): keep times / paths for this import (default: the workspace's settings, else off). */
  readonly site?: SiteChoices;
  readonly signal?: AbortSignal;
}

export interface ImportEvents {
  phase?(phase: 'scan' | 'import', detail: string): void;
  /** What must be said loudly, once (the pseudonymisation key moved out of the workspace, a new key made); default: stderr. */
  notice?(text: string): void;
  progress?(p: Progress): void;
}

export interface ImportErrorSummary {
  readonly key: string;
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export interface ImportSummary {
  readonly run: number;
  readonly folder: string;
  readonly dataset: string;
  readonly status: 'done' | 'cancelled';
  readonly records_seen: number;
  readonly imported: number;
  /** Already in the catalog from an earlier run: not read again. */
  readonly skipped: number;
  readonly failed: number;
  readonly errors: ImportErrorSummary[];
  readonly errors_by_code: Record<string, number>;
  readonly workers: number;
  /** From the start of the scan (the loading overlaps it) to the last record stored; process start-up and exit not included. */
  readonly seconds: number;
  readonly records_per_s: number;
  readonly MB_per_s: number;
  readonly warnings: number;
  /** Records with samples clipped to the int16 store's +-32.767 mV. */
  readonly clipped_records: number;
  readonly store: { rate: number; length: number; dtype: string };
  /** Site imports: pseudonymisation choices, records without a patient id, statements mapped and unmapped. */
  readonly site?: SiteImportSummary;
  /** WFDB-family imports (wfdb, cinc, ptbxl): patient ids from header comments, free-text diagnoses mapped and unmapped. */
  readonly comments?: HeaderImportSummary;
}

/** Rows per store append + catalog transaction (each ends in two fsyncs): large enough to amortise them, small enough to lose little on a crash. */
const BATCH = 256;
const ERRORS_SHOWN = 50;

async function chooseAdapter(folder: string, name?: string): Promise<DatasetAdapter> {
  if (name) {
    try {
      return adapterByName(name);
    } catch {
      throw new ImportArgumentError(`unknown dataset '${name}': choose one of ${ADAPTERS.map((a) => a.name).join(', ')}`);
    }
  }
  try {
    return await detectAdapter(folder);
  } catch (err) {
    if (err instanceof FormatError) throw new ImportArgumentError(err.message);
    throw err;
  }
}

function checkFolder(folder: string): void {
  let st;
  try {
    st = statSync(folder);
  } catch {
    throw new ImportArgumentError(`folder not found: ${folder}`);
  }
  if (!st.isDirectory()) throw new ImportArgumentError(`not a folder: ${folder}`);
}

function toRow(rec: LoadedRecord, key: string, loc: { shard: number; offset: number }, run: number, center?: string): NewRecord {
  const m = rec.meta;
  return {
    sourceKey: key,
    record: m.record,
    center: center ?? m.center,
    patient: m.patient,
    sourcePath: m.sourcePath,
    statements: (m.statements ?? []).map((text) => ({ text, codes: null })),
    format: m.format,
    fs: rec.fs,
    sigLen: rec.sigLen,
    leads: rec.leads,
    age: m.age,
    sex: m.sex,
    recordedAt: m.recordedAt,
    codes: m.codes,
    missingLeads: rec.missingLeads,
    windowStart: rec.windowStart,
    annotators: m.annotators,
    paddedS: rec.paddedS,
    shard: loc.shard,
    offset: loc.offset,
    importRunId: run,
  };
}

export async function runImport(options: ImportOptions, events: ImportEvents = {}): Promise<ImportSummary> {
  const folder = resolve(options.folder);
  checkFolder(folder);
  const adapter = await chooseAdapter(folder, options.dataset);
  const workers = options.workers ?? availableParallelism();

  const workspace = resolve(options.workspace);
  const notices: string[] = [];
  const stopNotices = onSiteKeyNotice((text) => {
    notices.push(text);
    if (events.notice) events.notice(text);
    else process.stderr.write(`openecg: ${text}\n`);
  });
  const catalog = Catalog.open(workspace);
  let store: ShardStore | undefined;
  let pool: LoaderPool | undefined;
  try {
    // A key older versions kept inside the workspace moves out on the first import of any kind.
    migrateOldSecret(workspace);
    // Site files: the key (refused here when missing or wrong, before anything is read), the statement
    // mapping and the time anchors live on this thread; the workers get the key from it.
    const site =
      adapter.name === 'site'
        ? new SiteImport(catalog, workspace, siteChoice(catalog, options.site?.keepTimes, SITE_SETTINGS.keepTimes), siteChoice(catalog, options.site?.keepPaths, SITE_SETTINGS.keepPaths), options.site?.keyFile)
        : undefined;
    // Other layouts pseudonymise with the same key only when asked to (--site-key): resolved here too, so the workers need not.
    const siteKey = site ? site.secret : options.site?.keyFile ? workspaceSecret(workspace, true, { keyFile: options.site.keyFile }) : null;
    if (siteKey) provideWorkspaceSecret(workspace, siteKey);
    const settings = resolveStoreSettings(catalog, options.store ?? {});
    store = ShardStore.open(join(workspace, 'store'), settings);
    // Workers load their modules while this thread opens the store and starts the scan.
    pool = LoaderPool.create(workers, settings, siteKey ? { workspace, key: siteKey } : null);
    // Records the store holds beyond the catalog's last row were never committed (a crash between the two).
    const last = catalog.lastStoreLocation();
    store.truncateTo(last ? last.shard : 0, last ? last.offset + 1 : 0);
    for (const stale of catalog.importRuns().filter((r) => r.status === 'running')) {
      catalog.finishImportRun(stale.id, 'failed', stale);
      catalog.recordImportError(stale.id, { sourceKey: null, path: stale.folder, code: 'interrupted', message: 'the import stopped before it finished (crash or kill); a later run resumed it' });
    }
    const comments = HEADER_COMMENT_ADAPTERS.has(adapter.name) ? new HeaderImport(workspace) : undefined;
    const siteSettings = site ? { keepTimes: site.keepTimes, keepPaths: site.keepPaths } : {};
    const run = catalog.beginImportRun({ folder, dataset: adapter.name, settings: { ...settings, workers, ...siteSettings } });

    const errors: ImportErrorSummary[] = [];
    const byCode: Record<string, number> = {};
    let failed = 0;
    const fail = (e: ImportErrorSummary) => {
      failed++;
      byCode[e.code] = (byCode[e.code] ?? 0) + 1;
      if (errors.length < ERRORS_SHOWN) errors.push(e);
      catalog.recordImportError(run, { sourceKey: e.key, path: e.path, code: e.code, message: e.message });
    };

    // Scan and load at once: worker threads take batches as soon as the scan finds records, so the
    // folder walk and header parsing (~0.15 ms a record) no longer come before the first load.
    // Progress starts when the scan ends and the total is known, so it never runs backwards.
    events.phase?.('scan', `${adapter.name}: ${adapter.description}`);
    const known = catalog.importedKeys();
    const seenKeys = new Set<string>();
    const todo: Candidate[] = [];
    let candidates = 0;
    let skipped = 0;
    let scanFailed = 0;
    let scanning = true;
    let scanBroke = false;
    const seen = () => candidates + scanFailed;
    const scanReport = {
      error: (key: string, path: string, code: string, message: string) => {
        scanFailed++;
        fail({ key, path, code, message });
      },
    };
    // Batch slots waiting for the scan to find more records.
    let arrival: { promise: Promise<void>; resolve: () => void } | undefined;
    const moreRecords = () => {
      if (!arrival) {
        let resolve = () => {};
        const promise = new Promise<void>((r) => (resolve = r));
        arrival = { promise, resolve };
      }
      return arrival.promise;
    };
    const announce = () => {
      arrival?.resolve();
      arrival = undefined;
    };

    const meter = new RateMeter();
    const t0 = performance.now();
    let imported = 0;
    let bytes = 0;
    let warnings = 0;
    let clippedRecords = 0;
    let pending: { key: string; rec: LoadedRecord }[] = [];

    const flush = () => {
      if (pending.length === 0) return;
      const locs = store!.appendEncoded(pending.map((p) => p.rec.encoded));
      // On disk before the catalog names it: a power loss must not leave rows pointing at nothing.
      store!.flush();
      const rows = pending.map((p, i) => toRow(p.rec, p.key, locs[i], run, options.center));
      const metas = pending.map((p) => p.rec.meta);
      const result = catalog.insertRecords(site ? site.complete(rows) : comments ? comments.complete(rows, metas) : rows);
      imported += result.ids.length;
      // Samples beyond +-32.767 mV do not fit int16 microvolts: say how many records lost peaks.
      clippedRecords += pending.filter((p) => p.rec.clipped > 0).length;
      pending = [];
      catalog.updateImportRun(run, { recordsSeen: seen(), imported, skipped, failed });
    };

    let next = 0;
    const scan = async () => {
      const scanned = site ? (await import('../datasets/site.js')).scanSite(folder, scanReport, { workspace: site.workspace, keepPaths: site.keepPaths }, options.center ?? basename(folder)) : adapter.scan(folder, scanReport);
      try {
        for await (const c of scanned) {
          if (options.signal?.aborted) break;
          if (seenKeys.has(c.key)) continue;
          seenKeys.add(c.key);
          candidates++;
          if (known.has(c.key)) skipped++;
          else if (todo.push(c) - next >= BATCH_RECORDS) announce();
        }
      } catch (err) {
        scanBroke = true; // a fatal scan error (a bad index file) ends the import: no more batches
        throw err;
      } finally {
        scanning = false;
        announce();
      }
      events.phase?.('import', `${todo.length} records to import, ${skipped} already in the catalog`);
    };

    let cancelled = false;
    const worker = async () => {
      for (;;) {
        if (scanBroke) return;
        if (options.signal?.aborted) {
          cancelled = true;
          return;
        }
        if (scanning && todo.length - next < BATCH_RECORDS) {
          await moreRecords();
          continue;
        }
        if (next >= todo.length) return;
        const batch = todo.slice(next, next + BATCH_RECORDS);
        next += batch.length;
        const results = await pool!.loadBatch(batch);
        if (scanBroke) return; // the import is failing: the store and catalog are being closed
        results.forEach((result, i) => {
          const c = batch[i];
          if (result.ok) {
            bytes += result.record.bytes;
            warnings += result.record.warnings.length;
            pending.push({ key: c.key, rec: result.record });
            if (pending.length >= BATCH) flush();
          } else {
            // A site file is named by its label (file key or allowed relative path), never by its path.
            const label = c.hints?.label;
            fail({ key: c.key, path: typeof label === 'string' ? label : result.failure.path || c.path, code: result.failure.code, message: result.failure.message });
          }
        });
        if (!scanning) events.progress?.(meter.progress(imported + pending.length + failed, todo.length + failed, failed));
      }
    };
    await Promise.all([scan(), ...Array.from({ length: pool.capacity }, worker)]);
    flush();
    store.flush();
    const seconds = (performance.now() - t0) / 1000;
    const status = cancelled ? 'cancelled' : 'done';
    catalog.finishImportRun(run, status, { recordsSeen: seen(), imported, skipped, failed });
    events.progress?.(meter.progress(imported + failed, todo.length + failed, failed));
    return {
      run,
      folder,
      dataset: adapter.name,
      status,
      records_seen: seen(),
      imported,
      skipped,
      failed,
      errors,
      errors_by_code: byCode,
      workers,
      seconds: +seconds.toFixed(3),
      records_per_s: +(imported / Math.max(seconds, 1e-9)).toFixed(1),
      MB_per_s: +(bytes / Math.max(seconds, 1e-9) / 1e6).toFixed(2),
      warnings,
      clipped_records: clippedRecords,
      store: { rate: settings.rate, length: settings.length, dtype: settings.dtype },
      ...(site ? { site: { ...site.summary(), key_notices: notices } } : {}),
      ...(comments ? { comments: comments.summary() } : {}),
    };
  } finally {
    stopNotices();
    withdrawWorkspaceSecret(workspace);
    await pool?.close();
    store?.close();
    catalog.close();
  }
}
