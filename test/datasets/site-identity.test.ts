// Identity never stored: a site folder whose files, file names and folder names carry patients'
// names, ids, birth dates, addresses and account numbers is imported with the CLI (and a second
// one through the UI's import job), then exported, listed, mapped and browsed through the API;
// every byte under the workspace and every byte the CLI and the API gave back is searched for
// each identifying string (and the acquisition dates, since times are not kept by default).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkstationApi } from '../../src/main/api/index.js';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { REPO } from '../import/corpus.js';
import { tempDir } from '../temp.js';
import { ACQUISITION_DATES, ALL_IDENTITIES, HAVERBECK, identifyingStrings, museWith, VEXMOOR, writeFile, writeSiteFolder, ZORBQ, aecgWith } from './site-fixtures.js';

const BIN = join(REPO, 'bin', 'openecg.js');

function openecg(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Where (file or output name) each string occurs, case-insensitively, as Latin-1/UTF-8 or UTF-16LE text. */
function findIdentity(haystacks: Map<string, Buffer>, needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const [name, buf] of haystacks) {
    const texts = [buf.toString('latin1'), buf.toString('utf16le'), buf.subarray(1).toString('utf16le')].map((t) => t.toLowerCase());
    for (const n of needles) if (texts.some((t) => t.includes(n.toLowerCase()))) hits.push(`${n} in ${name}`);
  }
  return hits;
}

describe('site import: identity never stored', () => {
  it('leaves no name, id, birth date, address, account number or acquisition date in the workspace, the export, the CLI output or the API', async () => {
    const root = tempDir('site-src');
    writeSiteFolder(root);
    const ws = join(tempDir('site-ws'), 'workspace');
    const outputs = new Map<string, Buffer>();
    const run = (...args: string[]) => {
      const r = openecg(...args);
      outputs.set(`stdout of ${args[0]} ${args[1]}`, Buffer.from(r.stdout));
      outputs.set(`stderr of ${args[0]} ${args[1]}`, Buffer.from(r.stderr));
      return r;
    };

    const imported = run('import', root, '--workspace', ws, '--dataset', 'site', '--center', 'General Hospital', '--workers', '1', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ dataset: 'site', imported: 9, failed: 2, errors_by_code: { 'not-ecg': 1, truncated: 1 } });
    expect(summary.errors.every((e: { path: string }) => /^ecg-[0-9a-f]{12}$/.test(e.path))).toBe(true);
    expect(summary.site).toMatchObject({ keep_times: false, keep_paths: false, records_without_patient_id: 1 });
    const unmapped = summary.site.unmapped.map((u: { statement: string }) => u.statement);
    expect(unmapped).toContain('Borderline ECG of unusual wording');
    expect(unmapped).toContain('No atrial fibrillation'); // a negated statement maps to nothing
    expect(unmapped).toContain('Compared with ECG of [redacted], [redacted] ([redacted])');
    const human = run('import', root, '--workspace', ws, '--dataset', 'site', '--workers', '1');
    expect(human.status, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/imported 0 records/);

    const map = run('site', 'map', '--workspace', ws, '--statement', 'borderline ECG of unusual wording.', '--class', 'TAb', '--json');
    expect(map.status, map.stderr).toBe(0);
    expect(JSON.parse(map.stdout)).toMatchObject({ codes: ['164934002'], relabelled_records: 1 });
    const left = run('site', 'unmapped', '--workspace', ws, '--json');
    expect(JSON.parse(left.stdout).unmapped.map((u: { statement: string }) => u.statement)).not.toContain('Borderline ECG of unusual wording');
    expect(run('catalog', '--workspace', ws, '--json').status).toBe(0);
    const exported = run('export', '--workspace', ws, '--out', join(ws, 'export'), '--json');
    expect(exported.status, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout).records).toBe(9);

    // The UI's import job (child process) on a second folder into the same workspace.
    const second = tempDir('site-src2');
    writeFile(second, `${VEXMOOR.lastName}/${VEXMOOR.id}`, museWith(VEXMOOR, { acquired: '03-15-2019', time: '09:00:00', statements: [`Sinus rhythm, ${VEXMOOR.firstName} ${VEXMOOR.lastName}`], sex: 'FEMALE' }));
    const api = createWorkstationApi({ workspace: ws, importWorkers: 1 });
    try {
      let job = await api.call('import.start', { folder: second, dataset: 'site' });
      for (let i = 0; i < 600 && !['done', 'failed', 'cancelled'].includes(job.state); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = await api.call('import.status', { id: job.id });
      }
      expect(job.state, job.message ?? '').toBe('done');
      outputs.set('import job', Buffer.from(JSON.stringify(job)));
      const summaryApi = await api.call('catalog.summary', {});
      expect(summaryApi.records).toBe(10);
      const page = await api.call('catalog.query', { filter: {}, page: { limit: 100 } });
      outputs.set('catalog.summary', Buffer.from(JSON.stringify(summaryApi)));
      outputs.set('catalog.query', Buffer.from(JSON.stringify(page)));
      for (const row of page.rows) {
        const detail = await api.call('record.get', { id: row.id });
        outputs.set(`record.get ${row.id}`, Buffer.from(JSON.stringify(detail)));
        const canonical = await api.call('record.signals', { id: row.id, source: 'canonical' });
        expect(canonical.leads).toHaveLength(12);
        // The raw file is found again by its keyed name in the import folder; what comes back names no one.
        const raw = await api.call('record.signals', { id: row.id, source: 'raw' });
        expect(raw.leads.length).toBeGreaterThan(0);
        outputs.set(`record.signals raw ${row.id}`, Buffer.from(JSON.stringify(raw.notes)));
      }
    } finally {
      api.close();
    }

    // An import job (the job table, its log and result) on a third folder: an earlier ECG of a known patient.
    const third = tempDir('site-src3');
    writeFile(third, `${HAVERBECK.lastName}_${HAVERBECK.id}/older`, museWith(HAVERBECK, { acquired: '03-14-2019', time: '10:20:30', statements: ['Sinus rhythm'], sex: 'FEMALE' }));
    const jobId = submitJob(ws, 'import', { folder: third, dataset: 'site', center: 'General Hospital', workers: 1 });
    const done = await waitForJob(ws, jobId, { child: startJob(ws, jobId), intervalMs: 100 });
    expect(done.state, done.error ?? '').toBe('done');
    expect(done.result).toMatchObject({ imported: 1, site: { records_without_patient_id: 0 } });

    const haystacks = new Map<string, Buffer>(outputs);
    const files = filesUnder(ws);
    expect(files.some((f) => f.endsWith('catalog.sqlite'))).toBe(true);
    expect(files.some((f) => f.endsWith('labels.csv'))).toBe(true);
    for (const f of files) haystacks.set(f.slice(ws.length), readFileSync(f));
    const needles = [...ALL_IDENTITIES.flatMap(identifyingStrings), ...ACQUISITION_DATES];
    expect(findIdentity(haystacks, needles)).toEqual([]);
    // The search reads what the workspace holds: the labels of the failed files are in the catalog (or its WAL).
    expect(findIdentity(haystacks, summary.errors.map((e: { path: string }) => e.path)).some((hit) => hit.includes('catalog.sqlite'))).toBe(true);
    // The search itself finds what is there: the source folder holds every identity.
    const sources = new Map(filesUnder(root).map((f) => [f, readFileSync(f)] as const));
    sources.set('paths', Buffer.from(filesUnder(root).join('\n')));
    for (const p of [ZORBQ, HAVERBECK]) expect(findIdentity(sources, identifyingStrings(p)).length).toBeGreaterThan(0);
    // The key is not in the workspace (only its id and fingerprint are): in the configuration folder, readable by its owner only.
    expect(files.some((f) => f.endsWith(join('site', 'secret')))).toBe(false);
    const { workspace_id: id, fingerprint } = JSON.parse(readFileSync(join(ws, 'site', 'key.json'), 'utf8')) as { workspace_id: string; fingerprint: string };
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(join(process.env.OPENECG_CONFIG_HOME!, 'keys', `${id}.key`)).mode & 0o777).toBe(0o600);

    const catalog = Catalog.open(ws, { readonly: true });
    try {
      const rows = catalog.db
        .prepare("SELECT r.format, r.age, r.sex, r.recorded_at AS at, p.key, p.own_record AS own FROM records r JOIN patients p ON p.id = r.patient_id ORDER BY r.id")
        .all() as { format: string; age: number | null; sex: string | null; at: string | null; key: string; own: number }[];
      // DICOM, aECG and SCP carry the same patient id: one key, age 55 (1947-11-03 -> 2002-11-22).
      const hl7 = rows.filter((r) => ['dicom', 'aecg', 'scp'].includes(r.format));
      expect(new Set(hl7.map((r) => r.key)).size).toBe(1);
      expect(hl7.map((r) => r.age)).toEqual([55, 55, 55]);
      expect(hl7[0].key).toMatch(/^[0-9a-f]{64}$/);
      // MUSE: two records of one patient a day apart, the earlier one the anchor; the anonymous one its own patient.
      const muse = rows.filter((r) => r.format === 'muse');
      // The job's earlier record became the anchor: the others moved by a day.
      expect(muse.filter((r) => r.age === 57 && r.sex === 'F').map((r) => r.at).sort()).toEqual(['+0s', '+172800s', '+86400s']);
      expect(muse.filter((r) => r.own === 1)).toHaveLength(1);
      expect(rows.every((r) => r.at === null || /^\+\d+s$/.test(r.at))).toBe(true);
    } finally {
      catalog.close();
    }
  }, 180_000);

  it('gives the same patient id the same key within a workspace and a different key in another workspace', async () => {
    const root = tempDir('site-keys');
    writeFile(root, 'a.xml', aecgWith(ZORBQ));
    writeFile(root, 'sub/b', aecgWith(ZORBQ));
    const keys = (ws: string) => {
      const c = Catalog.open(ws, { readonly: true });
      try {
        return c.db.prepare('SELECT DISTINCT p.key FROM records r JOIN patients p ON p.id = r.patient_id').pluck().all() as string[];
      } finally {
        c.close();
      }
    };
    const { runImport } = await import('../../src/main/import/pipeline.js');
    const [ws1, ws2] = [tempDir('site-k1'), tempDir('site-k2')];
    for (const ws of [ws1, ws2]) expect((await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 })).imported).toBe(2);
    const [k1, k2] = [keys(ws1), keys(ws2)];
    expect(k1).toHaveLength(1);
    expect(k2).toHaveLength(1);
    expect(k1[0]).not.toBe(k2[0]);
  });
});
