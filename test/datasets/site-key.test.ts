// The pseudonymisation key outside the workspace: where it is made and with what mode, the move of
// an old workspace's site/secret, a workspace copied to a machine without the key (reads, refuses
// imports, and with the site key file gives the original pseudonyms), a wrong key, a site key file
// shared by two workstations, and the keychain-protected file format.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkstationApi } from '../../src/main/api/index.js';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { configDir, setKeyProtector, type KeyProtector } from '../../src/main/datasets/site-key-store.js';
import { patientKey, siteKeyStatus, workspaceSecret } from '../../src/main/datasets/site-secret.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { jobLog, startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { REPO } from '../import/corpus.js';
import { tempDir } from '../temp.js';
import { HAVERBECK, museWith, VEXMOOR, writeFile } from './site-fixtures.js';

const BIN = join(REPO, 'bin', 'openecg.js');
const HOME = process.env.OPENECG_CONFIG_HOME!;

function openecg(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A site folder with one MUSE file per patient. */
function siteFolder(prefix: string, people = [HAVERBECK]): string {
  const root = tempDir(prefix);
  people.forEach((p, i) => writeFile(root, `${p.lastName}/ecg${i}.xml`, museWith(p, { acquired: `03-1${i}-2019`, time: '10:00:00', statements: ['Sinus rhythm'], sex: 'FEMALE' })));
  return root;
}

function patientKeys(ws: string): string[] {
  const c = Catalog.open(ws, { readonly: true });
  try {
    return c.db.prepare('SELECT DISTINCT key FROM patients ORDER BY key').pluck().all() as string[];
  } finally {
    c.close();
  }
}

function marker(ws: string): { workspace_id: string; fingerprint?: string } {
  return JSON.parse(readFileSync(join(ws, 'site', 'key.json'), 'utf8')) as { workspace_id: string; fingerprint?: string };
}

const mode = (path: string) => statSync(path).mode & 0o777;

afterEach(() => {
  process.env.OPENECG_CONFIG_HOME = HOME;
  delete process.env.OPENECG_SITE_KEY_FILE;
  setKeyProtector(null);
});

describe('where the site key lives', () => {
  it('is the user configuration folder by default (XDG_CONFIG_HOME, else ~/.config), overridden by OPENECG_CONFIG_HOME', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/conf' }, 'linux')).toBe('/x/conf/openecg-workstation');
    expect(configDir({ HOME: '/home/u' }, 'linux')).toMatch(/\.config\/openecg-workstation$/);
    expect(configDir({ XDG_CONFIG_HOME: '/x/conf', OPENECG_CONFIG_HOME: '/o/c' }, 'linux')).toBe('/o/c');
  });

  it('is made by the first site import outside the workspace: 0600 in a 0700 folder, the workspace holding only its id and fingerprint', async () => {
    const ws = tempDir('key-ws');
    const notices: string[] = [];
    const s = await runImport({ folder: siteFolder('key-src'), workspace: ws, dataset: 'site', workers: 0 }, { notice: (t) => notices.push(t) });
    expect(s.imported).toBe(1);
    const m = marker(ws);
    const file = join(HOME, 'keys', `${m.workspace_id}.key`);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(HOME, 'keys'))).toBe(0o700);
    const hex = readFileSync(file, 'utf8').trim();
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    expect(notices.join('\n')).toContain(file);
    expect(s.site?.key).toEqual({ file, origin: 'config', fingerprint: m.fingerprint });
    // No byte of the key anywhere in the workspace, and the fingerprint is not the key.
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    for (const f of files(ws)) {
      const bytes = readFileSync(f);
      expect(bytes.includes(hex), f).toBe(false);
      expect(bytes.includes(Buffer.from(hex, 'hex')), f).toBe(false);
    }
    expect(m.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(hex.startsWith(m.fingerprint!)).toBe(false);
    expect(patientKeys(ws)).toEqual([patientKey(Buffer.from(hex, 'hex'), HAVERBECK.id)]);
  });
});

describe('an old workspace with site/secret', () => {
  it('moves the key out once, loudly: config folder, old file overwritten and removed, same pseudonyms as before', async () => {
    const ws = tempDir('key-old');
    // The old layout: 32 random bytes in <workspace>/site/secret (0600, folder 0700).
    const old = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255));
    mkdirSync(join(ws, 'site'), { mode: 0o700 });
    writeFileSync(join(ws, 'site', 'secret'), old, { mode: 0o600 });
    const notices: string[] = [];
    const s = await runImport({ folder: siteFolder('key-old-src'), workspace: ws, dataset: 'site', workers: 0 }, { notice: (t) => notices.push(t) });
    expect(s.imported).toBe(1);
    expect(existsSync(join(ws, 'site', 'secret'))).toBe(false);
    const dest = join(HOME, 'keys', `${marker(ws).workspace_id}.key`);
    expect(readFileSync(dest, 'utf8').trim()).toBe(old.toString('hex'));
    expect(mode(dest)).toBe(0o600);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(dest);
    expect(notices[0]).toMatch(/overwritten and removed/);
    expect(notices[0]).toMatch(/backups of the workspace .* still hold the key/i);
    expect(s.site?.key_notices).toEqual(notices);
    // The patients keep the keys the old secret gave them.
    expect(patientKeys(ws)).toEqual([patientKey(old, HAVERBECK.id)]);
    // Once: the next import says nothing.
    const again: string[] = [];
    await runImport({ folder: siteFolder('key-old-src2', [VEXMOOR]), workspace: ws, dataset: 'site', workers: 0 }, { notice: (t) => again.push(t) });
    expect(again).toEqual([]);
    expect(patientKeys(ws)).toEqual([patientKey(old, HAVERBECK.id), patientKey(old, VEXMOOR.id)].sort());
  });

  it('moves it on the CLI too, saying so on stderr', () => {
    const ws = tempDir('key-old-cli');
    mkdirSync(join(ws, 'site'), { mode: 0o700 });
    writeFileSync(join(ws, 'site', 'secret'), Buffer.alloc(32, 7), { mode: 0o600 });
    const r = openecg({}, 'site', 'key', '--workspace', ws, '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/moved this workspace's pseudonymisation key out of the workspace/);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'ok', origin: 'config' });
    expect(existsSync(join(ws, 'site', 'secret'))).toBe(false);
  });

  it('moves it in an import job too, saying so in the job log and the result', async () => {
    const ws = tempDir('key-old-job');
    mkdirSync(join(ws, 'site'), { mode: 0o700 });
    writeFileSync(join(ws, 'site', 'secret'), Buffer.alloc(32, 9), { mode: 0o600 });
    Catalog.open(ws).close();
    const id = submitJob(ws, 'import', { folder: siteFolder('key-old-job-src'), dataset: 'site', workers: 1 });
    const done = await waitForJob(ws, id, { child: startJob(ws, id), intervalMs: 100 });
    expect(done.state, done.error ?? '').toBe('done');
    expect(readFileSync(jobLog(ws, id), 'utf8')).toMatch(/moved this workspace's pseudonymisation key out of the workspace, to .*\.key/);
    expect(done.result).toMatchObject({ imported: 1, site: { key_notices: [expect.stringMatching(/overwritten and removed/)] } });
    expect(patientKeys(ws)).toEqual([patientKey(Buffer.alloc(32, 9), HAVERBECK.id)]);
  });
});

describe('a workspace copied to a machine without its key', () => {
  it('opens and reads, refuses new patients with what to do, and with the site key file gives the original pseudonyms', async () => {
    const ws = tempDir('key-orig');
    await runImport({ folder: siteFolder('key-orig-src'), workspace: ws, dataset: 'site', workers: 1 });
    const keyFile = join(HOME, 'keys', `${marker(ws).workspace_id}.key`);
    const [original] = patientKeys(ws);

    // The other machine: the workspace copied, its own (empty) configuration folder.
    const copy = join(tempDir('key-copy'), 'workspace');
    cpSync(ws, copy, { recursive: true });
    const otherHome = tempDir('key-other-home');
    process.env.OPENECG_CONFIG_HOME = otherHome;

    const api = createWorkstationApi({ workspace: copy, importWorkers: 0 });
    try {
      const page = await api.call('catalog.query', { filter: {}, page: { limit: 10 } });
      expect(page.rows).toHaveLength(1);
      const signals = await api.call('record.signals', { id: page.rows[0].id, source: 'canonical' });
      expect(signals.leads).toHaveLength(12);
    } finally {
      api.close();
    }

    // Commands that read the catalog need no key either: the catalog, an export of the signals and labels.
    const listed = openecg({ OPENECG_CONFIG_HOME: otherHome }, 'catalog', '--workspace', copy, '--json');
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ records: 1 });
    const exported = openecg({ OPENECG_CONFIG_HOME: otherHome }, 'export', '--workspace', copy, '--out', join(tempDir('key-copy-export'), 'out'), '--json');
    expect(exported.status, exported.stderr).toBe(0);

    const newcomers = siteFolder('key-new-src', [VEXMOOR]);
    await expect(runImport({ folder: newcomers, workspace: copy, dataset: 'site', workers: 0 })).rejects.toThrow(/not on this machine.*--site-key/);
    expect(patientKeys(copy)).toEqual([original]);
    expect(existsSync(join(otherHome, 'keys'))).toBe(false);

    const cli = openecg({ OPENECG_CONFIG_HOME: otherHome }, 'import', newcomers, '--workspace', copy, '--dataset', 'site');
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toMatch(/pseudonymisation key of this workspace is not on this machine.*give the site key file with --site-key FILE.*copy .*\.key from the configuration folder/);
    expect(siteKeyStatus(copy)).toMatchObject({ status: 'missing', fingerprint: marker(ws).fingerprint });

    // With the key file from the original machine: same pseudonyms for the same patient.
    const withKey = openecg({ OPENECG_CONFIG_HOME: otherHome }, 'import', siteFolder('key-both-src', [HAVERBECK, VEXMOOR]), '--workspace', copy, '--dataset', 'site', '--site-key', keyFile, '--workers', '1', '--json');
    expect(withKey.status, withKey.stderr).toBe(0);
    expect(JSON.parse(withKey.stdout)).toMatchObject({ imported: 2, site: { key: { file: keyFile, origin: 'option' } } });
    const keys = patientKeys(copy);
    expect(keys).toHaveLength(2);
    expect(keys).toContain(original);
    // The same through the environment variable.
    process.env.OPENECG_SITE_KEY_FILE = keyFile;
    expect(workspaceSecret(copy, true).toString('hex')).toBe(readFileSync(keyFile, 'utf8').trim());
  });
});

describe('a wrong key', () => {
  it('is refused by fingerprint, on import and in `site key`', async () => {
    const ws = tempDir('key-wrong');
    await runImport({ folder: siteFolder('key-wrong-src'), workspace: ws, dataset: 'site', workers: 0 });
    const wrong = join(tempDir('key-wrong-file'), 'other.key');
    writeFileSync(wrong, 'ab'.repeat(32) + '\n', { mode: 0o600 });
    await expect(runImport({ folder: siteFolder('key-wrong-src2', [VEXMOOR]), workspace: ws, dataset: 'site', workers: 0, site: { keyFile: wrong } })).rejects.toThrow(/is not the one this workspace was pseudonymised with/);
    expect(patientKeys(ws)).toHaveLength(1);
    const r = openecg({}, 'site', 'key', '--workspace', ws, '--site-key', wrong);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^site key: wrong; looked for .*other\.key \(--site-key\)/);
    const damaged = join(tempDir('key-damaged'), 'bad.key');
    writeFileSync(damaged, 'not a key');
    await expect(runImport({ folder: siteFolder('key-wrong-src3', [VEXMOOR]), workspace: ws, dataset: 'site', workers: 0, site: { keyFile: damaged } })).rejects.toThrow(/is damaged: want 64 hexadecimal digits/);
  });

  it('is not made anew for a workspace with site records whose key marker is gone', async () => {
    const ws = tempDir('key-unbound');
    await runImport({ folder: siteFolder('key-unbound-src'), workspace: ws, dataset: 'site', workers: 0 });
    const keyFile = join(HOME, 'keys', `${marker(ws).workspace_id}.key`);
    const [original] = patientKeys(ws);
    rmSync(join(ws, 'site', 'key.json'));
    await expect(runImport({ folder: siteFolder('key-unbound-src2'), workspace: ws, dataset: 'site', workers: 0 })).rejects.toThrow(/holds site records but no trace of the key .*--site-key FILE/);
    expect(existsSync(join(ws, 'site', 'key.json'))).toBe(false);
    // Naming the key binds it again, and the patient keeps its pseudonym.
    await runImport({ folder: siteFolder('key-unbound-src3', [HAVERBECK, VEXMOOR]), workspace: ws, dataset: 'site', workers: 0, site: { keyFile } });
    expect(patientKeys(ws)).toContain(original);
    expect(marker(ws).fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('a site key file shared by workstations', () => {
  it('is made on first use at the given path and gives two workspaces the same pseudonyms', async () => {
    const shared = join(tempDir('key-shared'), 'keys', 'site.key');
    const [a, b] = [tempDir('key-share-a'), tempDir('key-share-b')];
    await runImport({ folder: siteFolder('key-share-src'), workspace: a, dataset: 'site', workers: 0, site: { keyFile: shared } });
    expect(mode(shared)).toBe(0o600);
    process.env.OPENECG_SITE_KEY_FILE = shared;
    await runImport({ folder: siteFolder('key-share-src2'), workspace: b, dataset: 'site', workers: 0 });
    expect(patientKeys(a)).toEqual(patientKeys(b));
    expect(marker(a).fingerprint).toBe(marker(b).fingerprint);
    // Nothing was made in the configuration folder.
    expect(existsSync(join(HOME, 'keys', `${marker(b).workspace_id}.key`))).toBe(false);
    // A group-readable key file of one's own is tightened to 0600 on use.
    chmodSync(shared, 0o644);
    const c = tempDir('key-share-c');
    await runImport({ folder: siteFolder('key-share-src3'), workspace: c, dataset: 'site', workers: 0 });
    expect(mode(shared)).toBe(0o600);
  });
});

describe('a keychain-protected key file', () => {
  // Stands in for Electron's safeStorage, which only exists inside the Electron main process.
  const xor: KeyProtector = { name: 'test keychain', protect: (b) => Buffer.from(b.map((x) => x ^ 0x5a)), unprotect: (b) => Buffer.from(b.map((x) => x ^ 0x5a)) };

  it('is written encrypted when asked (<id>.safe), read back through the keychain, and refused clearly without it', async () => {
    setKeyProtector(xor, true);
    const ws = tempDir('key-protected');
    await runImport({ folder: siteFolder('key-prot-src'), workspace: ws, dataset: 'site', workers: 0 });
    const file = join(HOME, 'keys', `${marker(ws).workspace_id}.safe`);
    expect(existsSync(join(HOME, 'keys', `${marker(ws).workspace_id}.key`))).toBe(false);
    const content = readFileSync(file);
    expect(content.toString('latin1')).toMatch(/^openecg-site-key protected v1\n/);
    expect(content.toString('latin1')).not.toMatch(/[0-9a-f]{64}/);
    const key = workspaceSecret(ws);
    expect(patientKeys(ws)).toEqual([patientKey(key, HAVERBECK.id)]);
    setKeyProtector(null);
    const r = openecg({}, 'site', 'key', '--workspace', ws);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^site key: protected; .*protected by the desktop app's OS keychain \(Electron safeStorage\)/s);
  });
});
