// The one transport-free implementation of the Workstation API (src/shared/api.ts). Electron IPC,
// the browser-mode server and tests all call `call(method, input)`; every input is validated with
// the shared schema here, whatever carried it, since no transport is trusted to have checked it.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { API, ApiError, isApiMethod, parseInput, type ApiMethod, type ApiOutput, type ApiParsedInput } from '../../shared/api.js';
import { Catalog, CatalogError, type RecordDetail } from '../catalog/index.js';
import { ADAPTERS } from '../datasets/index.js';
import { ShardStore } from '../signal/store.js';
import { clusterResults } from './cluster-results.js';
import { ImportJobs, type ImportCatalogView } from './import-jobs.js';
import { cancelExperimentJob, listJobs, startExperimentJob } from './jobs.js';
import { inspectHandlers } from './inspect-handlers.js';
import { ModelCache } from './model-cache.js';
import { canonicalSignals, rawSignals } from './signals.js';
import { recordAnnotationsApi } from './annotations.js';
import { isSiteRecord, SiteSources } from './site-sources.js';
import { scrubPath } from '../datasets/site.js';
import { appRoot } from '../platform/app-paths.js';

/** Native folder pickers: only a front end with a desktop (Electron) has them. */
export interface NativeDialogs {
  /** The chosen folder, or null when the user cancelled. */
  chooseFolder(purpose: 'data' | 'workspace'): Promise<string | null>;
}

export interface WorkstationOptions {
  readonly workspace: string;
  /** Present in Electron: system.info then reports nativeDialogs and dialog.chooseFolder works. */
  readonly dialogs?: NativeDialogs;
  /** Worker threads of imports started from the UI (default: one per core). */
  readonly importWorkers?: number;
}

export interface WorkstationApi {
  /** The open workspace (workspace.open changes it). */
  readonly workspace: string;
  /** Validates `input` for `method` and runs it; ApiError for bad input, unknown ids or methods. */
  call<M extends ApiMethod>(method: M, input: unknown): Promise<ApiOutput<M>>;
  /** Same, for a method name that came over a wire as a string. */
  callByName(method: string, input: unknown): Promise<unknown>;
  close(): void;
}

type Handlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutput<M>> | ApiOutput<M> };

const VERSION = readVersion();

export function createWorkstationApi(options: WorkstationOptions): WorkstationApi {
  let workspace = resolve(options.workspace);
  let catalog: Catalog | undefined;
  let store: ShardStore | undefined;
  let sites: SiteSources | undefined;
  const siteSources = (): SiteSources => (sites?.workspace === workspace ? sites : (sites = new SiteSources(workspace)));
  const models = new ModelCache();
  const closeWorkspace = () => {
    models.close();
    catalog?.close();
    store?.close();
    catalog = undefined;
    store = undefined;
  };
  const importView = (): ImportCatalogView | null => {
    if (!Catalog.exists(workspace)) return null;
    let c: Catalog;
    try {
      c = openCatalog();
    } catch (err) {
      // The import's child process has created the file but not yet migrated it: no view yet.
      if (err instanceof ApiError) return null;
      throw err;
    }
    return {
      lastRun: () => c.importRuns().reduce((m, r) => Math.max(m, r.id), 0),
      runFor: (folder, after) => c.importRuns().find((r) => r.id > after && r.folder === folder)?.id ?? null,
      errors: (run, limit) => c.importErrors(run, limit).map((e) => ({ key: e.sourceKey, path: e.path, code: e.code, message: e.message })),
    };
  };
  const imports = new ImportJobs(() => workspace, importView, options.importWorkers);

  // Opened on first use and read-only: the UI browses while an import may be writing (WAL).
  const openCatalog = (): Catalog => {
    if (catalog) return catalog;
    if (!Catalog.exists(workspace)) throw new ApiError('not-found', `no catalog in ${workspace}: import records first`);
    try {
      catalog = Catalog.open(workspace, { readonly: true });
    } catch (err) {
      if (!(err instanceof CatalogError)) throw err;
      // A workspace made by an earlier version: migrate it once with write access, then browse
      // read-only. Version 0 is a catalog an import process is creating right now: not ours to touch.
      if (!err.upgradeFrom) throw new ApiError('failed', err.message);
      try {
        Catalog.open(workspace).close();
        catalog = Catalog.open(workspace, { readonly: true });
      } catch (again) {
        throw new ApiError('failed', again instanceof Error ? again.message : String(again));
      }
    }
    return catalog;
  };
  const openStore = (): ShardStore => {
    store ??= ShardStore.openReader(join(workspace, 'store'));
    return store;
  };
  const record = (id: number): RecordDetail => {
    const detail = openCatalog().getRecord(id);
    if (!detail) throw new ApiError('not-found', `no record ${id} in the catalog`);
    return detail;
  };

  const handlers: Handlers = {
    'system.info': () => {
      const hasCatalog = Catalog.exists(workspace);
      let storeInfo: ApiOutput<'system.info'>['store'] = null;
      if (hasCatalog) {
        const s = openCatalog().settings();
        if (s['store.rate'] !== undefined) storeInfo = { rate: Number(s['store.rate']), length: Number(s['store.length']), dtype: s['store.dtype'] ?? 'int16' };
      }
      return {
        app: 'OpenECG Workstation',
        version: VERSION,
        workspace,
        catalog: hasCatalog,
        store: storeInfo,
        runtime: process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`,
        capabilities: { nativeDialogs: options.dialogs !== undefined },
        importDatasets: ADAPTERS.map((a) => a.name),
      };
    },
    'catalog.summary': () => openCatalog().summary(),
    'catalog.query': ({ filter, page }) => {
      try {
        return openCatalog().queryRecords(filter, page);
      } catch (err) {
        if (err instanceof Error && err.name === 'ZodError') throw new ApiError('invalid-input', `catalog.query: ${err.message}`);
        throw err;
      }
    },
    'record.get': ({ id }) => record(id),
    'record.signals': async (input) => {
      const detail = record(input.id);
      if (input.source === 'canonical') return canonicalSignals(detail, openStore(), input);
      if (!isSiteRecord(detail.sourcePath)) return rawSignals(detail, input);
      const run = detail.importRunId === null ? undefined : openCatalog().importRuns().find((r) => r.id === detail.importRunId);
      const file = run ? await siteSources().resolve(run.folder, detail.sourceKey) : null;
      if (!file) throw new ApiError('not-found', `record.signals: the file of ${detail.record} is no longer in its import folder; the canonical signal is still available`);
      const signals = await rawSignals({ ...detail, sourcePath: file.path }, input);
      // Reader messages may name the file, whose path may carry a patient's name.
      return { ...signals, notes: signals.notes.map((n) => scrubPath(n, file.path, file.rel, detail.record)) };
    },
    'record.annotations': (input) => recordAnnotationsApi(openCatalog(), record(input.id), input),
    'dialog.chooseFolder': async ({ purpose }) => {
      if (!options.dialogs) throw new ApiError('unsupported', 'dialog.chooseFolder: this front end has no native dialogs (system.info capabilities.nativeDialogs is false): type the path');
      return { folder: await options.dialogs.chooseFolder(purpose) };
    },
    'workspace.open': ({ folder }) => {
      const next = resolve(folder);
      let isDir = false;
      try {
        isDir = statSync(next).isDirectory();
      } catch {
        // Reported below.
      }
      if (!isDir) throw new ApiError('invalid-input', `workspace.open: no folder ${next}`);
      closeWorkspace();
      workspace = next;
      return handlers['system.info']({});
    },
    'import.start': ({ folder, dataset }) => imports.start(folder, dataset),
    'import.status': ({ id }) => imports.status(id),
    'import.cancel': ({ id }) => imports.cancel(id),
    'jobs.list': () => {
      openCatalog();
      return listJobs(workspace);
    },
    'jobs.start': ({ experiment, config, engine }) => {
      openCatalog();
      return startExperimentJob(workspace, experiment, config, engine);
    },
    'jobs.cancel': ({ id }) => cancelExperimentJob(workspace, id),
    'results.cluster': ({ folder }) => clusterResults(folder),
    ...inspectHandlers(() => ({ workspace, catalog: openCatalog, store: openStore, record, models })),
  };

  const call = async <M extends ApiMethod>(method: M, input: unknown): Promise<ApiOutput<M>> => {
    const parsed = parseInput(method, input);
    const handler = handlers[method] as (i: ApiParsedInput<M>) => Promise<ApiOutput<M>> | ApiOutput<M>;
    return handler(parsed);
  };

  return {
    get workspace() {
      return workspace;
    },
    call,
    callByName(method, input) {
      if (!isApiMethod(method)) return Promise.reject(new ApiError('unknown-method', `unknown API method '${method}' (known: ${Object.keys(API).join(', ')})`));
      return call(method, input);
    },
    close() {
      imports.close();
      closeWorkspace();
    },
  };
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
