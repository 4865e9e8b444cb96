// Imports started through the API: they run in a child process (the built dist/main/api/import-child.js),
// report progress and the catalog's per-record errors, can be cancelled, and refuse bad folders.
// Also the optional native-dialog capability and workspace.open.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseOutput, type ImportJob } from '../../src/shared/api.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { CINC, tempDir } from './fixtures.js';

let root: string;
let incoming: string;
let api: WorkstationApi;

/** Three real CPSC records and one header that declares 12 signals but lists one. */
function makeIncoming(dir: string, n = 3): void {
  const cpsc = join(dir, 'cpsc');
  mkdirSync(cpsc, { recursive: true });
  const names = readdirSync(join(CINC, 'cpsc')).filter((f) => f.endsWith('.hea')).sort().slice(0, n).map((f) => f.slice(0, -4));
  for (const name of names) for (const ext of ['.hea', '.mat']) copyFileSync(join(CINC, 'cpsc', name + ext), join(cpsc, name + ext));
  writeFileSync(join(cpsc, 'A9999.hea'), 'A9999 12 500 5000\nA9999.mat 16+24 1000/mV 16 0 28 -1716 0 I\n');
}

async function until(id: number, done: (j: ImportJob) => boolean): Promise<ImportJob> {
  for (let i = 0; i < 600; i++) {
    const job = await api.call('import.status', { id });
    if (done(job)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish in 30 s');
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

beforeAll(() => {
  root = tempDir('import-jobs');
  incoming = join(root, 'incoming');
  makeIncoming(incoming);
  mkdirSync(join(root, 'ws'));
  api = createWorkstationApi({ workspace: join(root, 'ws'), importWorkers: 0 });
});
afterAll(() => {
  api?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('import.start / import.status', () => {
  it('imports a folder in a child process with progress and the per-record error', async () => {
    expect((await api.call('system.info', {})).catalog).toBe(false);
    const started = await api.call('import.start', { folder: incoming });
    expect(started.state).toBe('starting');
    expect(started.folder).toBe(incoming);
    const job = await until(started.id, (j) => j.state === 'done' || j.state === 'failed');
    expect(parseOutput('import.status', job)).toEqual(job);
    expect(job).toMatchObject({ state: 'done', done: 4, total: 4, failed: 1, imported: 3, skipped: 0, message: null });
    expect(job.run).toBeGreaterThan(0);
    expect(job.errors).toHaveLength(1);
    expect(job.errors[0]).toMatchObject({ key: 'cpsc/A9999', code: 'header' });
    expect(job.errors[0].message).toMatch(/12 signals declared but only 1/);
    // The API's own reader sees the rows the child wrote.
    expect((await api.call('catalog.summary', {})).records).toBe(3);
    const catalog = Catalog.open(api.workspace, { readonly: true });
    expect(catalog.importRun(job.run!)?.status).toBe('done');
    catalog.close();
  });

  it('a second import of the same folder skips what is in the catalog', async () => {
    const again = await api.call('import.start', { folder: incoming, dataset: 'cinc' });
    const job = await until(again.id, (j) => j.state === 'done' || j.state === 'failed');
    expect(job).toMatchObject({ state: 'done', imported: 0, skipped: 3, failed: 1, dataset: 'cinc' });
  });

  it('refuses a missing folder, a file, an unknown job and malformed input', async () => {
    expect((await failure(api.call('import.start', { folder: join(root, 'nope') }))).code).toBe('invalid-input');
    expect((await failure(api.call('import.start', { folder: join(incoming, 'cpsc', 'A9999.hea') }))).message).toMatch(/no folder/);
    expect((await failure(api.call('import.status', { id: 999 }))).code).toBe('not-found');
    expect((await failure(api.call('import.start', { folder: '' }))).code).toBe('invalid-input');
    expect((await failure(api.call('import.start', { folder: incoming, dataset: '../x' }))).code).toBe('invalid-input');
    expect((await failure(api.call('import.cancel', { id: 1, now: true }))).message).toMatch(/now/);
  });

  it('reports an unknown dataset layout as a failed job with the reason', async () => {
    const started = await api.call('import.start', { folder: incoming, dataset: 'nosuch' });
    const job = await until(started.id, (j) => j.state === 'failed' || j.state === 'done');
    expect(job.state).toBe('failed');
    expect(job.message).toMatch(/unknown dataset 'nosuch'/);
  });

  it('cancels a running import', async () => {
    const big = join(root, 'big');
    makeIncoming(big, 8);
    const other = createWorkstationApi({ workspace: join(root, 'ws-cancel'), importWorkers: 0 });
    mkdirSync(other.workspace, { recursive: true });
    try {
      const started = await other.call('import.start', { folder: big });
      const cancelled = await other.call('import.cancel', { id: started.id });
      expect(cancelled.id).toBe(started.id);
      let job = cancelled;
      for (let i = 0; i < 600 && !['done', 'cancelled', 'failed'].includes(job.state); i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await other.call('import.status', { id: started.id });
      }
      // SIGTERM before the child listens ends it outright (failed); after, it stops at a batch boundary.
      expect(['cancelled', 'failed']).toContain(job.state);
      expect(job.imported).toBeLessThan(8);
    } finally {
      other.close();
    }
  });
});

describe('native dialogs and workspaces', () => {
  it('browser mode reports no native dialogs and refuses dialog.chooseFolder', async () => {
    const info = await api.call('system.info', {});
    expect(info.capabilities).toEqual({ nativeDialogs: false });
    expect(info.importDatasets).toEqual(expect.arrayContaining(['cinc', 'wfdb', 'ptbxl']));
    expect((await failure(api.call('dialog.chooseFolder', { purpose: 'data' }))).code).toBe('unsupported');
    expect((await failure(api.call('dialog.chooseFolder', { purpose: 'secrets' }))).code).toBe('invalid-input');
  });

  it('a front end with dialogs answers with the chosen folder or null', async () => {
    const asked: string[] = [];
    const desk = createWorkstationApi({
      workspace: root,
      dialogs: { chooseFolder: async (purpose) => (asked.push(purpose), purpose === 'data' ? incoming : null) },
    });
    try {
      expect((await desk.call('system.info', {})).capabilities.nativeDialogs).toBe(true);
      expect(await desk.call('dialog.chooseFolder', { purpose: 'data' })).toEqual({ folder: incoming });
      expect(await desk.call('dialog.chooseFolder', { purpose: 'workspace' })).toEqual({ folder: null });
      expect(asked).toEqual(['data', 'workspace']);
    } finally {
      desk.close();
    }
  });

  it('workspace.open switches to another folder and refuses a missing one', async () => {
    const other = createWorkstationApi({ workspace: join(root, 'ws') });
    try {
      const empty = join(root, 'empty-ws');
      mkdirSync(empty);
      const info = await other.call('workspace.open', { folder: empty });
      expect(info).toMatchObject({ workspace: empty, catalog: false });
      expect(other.workspace).toBe(empty);
      expect((await failure(other.call('catalog.summary', {}))).code).toBe('not-found');
      expect((await failure(other.call('workspace.open', { folder: join(root, 'missing') }))).code).toBe('invalid-input');
      await other.call('workspace.open', { folder: join(root, 'ws') });
      expect((await other.call('catalog.summary', {})).records).toBe(3);
    } finally {
      other.close();
    }
  });
});
