// The desktop app's keychain-protected site key (issue #22 item 5): Electron's safeStorage (a test
// double of Electron's interface: AES-256-GCM under a fixed key) drives the real key store; the
// real import child (import.start) and job runner, forked as the app forks them, get the key over
// their IPC channel and pseudonymise exactly as with the plain key; the key is never in a child's
// argv or environment, nor on disk unprotected; the CLI says clearly what to do with a protected key.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkstationApi } from '../../src/main/api/index.js';
import type { ImportJob } from '../../src/shared/api.js';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { siteKeyMessage, SiteKeyMessage } from '../../src/main/datasets/site-key-handover.js';
import { exportSiteKey } from '../../src/main/datasets/site-key-export.js';
import { setKeyProtector } from '../../src/main/datasets/site-key-store.js';
import { patientKey, siteKeyStatus, workspaceSecret } from '../../src/main/datasets/site-secret.js';
import { safeStorageProtector, type SafeStorage } from '../../src/main/electron/key-protector.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { startJob, submitJob, waitForJob } from '../../src/main/jobs/index.js';
import { REPO } from '../import/corpus.js';
import { tempDir } from '../temp.js';
import { HAVERBECK, museWith, VEXMOOR, writeFile, type Identity } from './site-fixtures.js';

const BIN = join(REPO, 'bin', 'openecg.js');
const HOME = process.env.OPENECG_CONFIG_HOME!;

/** Stands in for Electron's safeStorage (its API, not ours): AES-256-GCM under a fixed key, as the OS keychain's. */
function safeStorageDouble(available = true, masterByte = 0x42): SafeStorage {
  const master = Buffer.alloc(32, masterByte);
  return {
    isEncryptionAvailable: () => available,
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', master, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from('v10'), iv, c.getAuthTag(), body]);
    },
    decryptString(data) {
      const d = createDecipheriv('aes-256-gcm', master, data.subarray(3, 15));
      d.setAuthTag(data.subarray(15, 31));
      return Buffer.concat([d.update(data.subarray(31)), d.final()]).toString('utf8');
    },
  };
}

/** As index.ts does in the app's main process. */
const asTheApp = () => setKeyProtector(safeStorageProtector(safeStorageDouble()), true);

function openecg(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function siteFolder(prefix: string, people: readonly Identity[] = [HAVERBECK]): string {
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

const workspaceId = (ws: string) => (JSON.parse(readFileSync(join(ws, 'site', 'key.json'), 'utf8')) as { workspace_id: string }).workspace_id;
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));

/** The forms the key could leak in: hex, base64, raw bytes. */
function leaks(bytes: Buffer, key: Buffer): string[] {
  const found: string[] = [];
  if (bytes.includes(key.toString('hex'))) found.push('hex');
  if (bytes.includes(key.toString('hex').toUpperCase())) found.push('HEX');
  if (bytes.includes(key.toString('base64'))) found.push('base64');
  if (bytes.includes(key)) found.push('raw');
  return found;
}

/** Every file under the folders that holds the key unprotected. */
function filesHolding(key: Buffer, ...dirs: string[]): string[] {
  return dirs.flatMap(files).filter((f) => leaks(readFileSync(f), key).length > 0);
}

/** The live children of this process whose command line names `script`: argv and environment as the kernel holds them. */
function children(script: string): { pid: number; cmdline: Buffer; environ: Buffer }[] {
  const out: { pid: number; cmdline: Buffer; environ: Buffer }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`);
      if (cmdline.includes(script)) out.push({ pid: Number(name), cmdline, environ: readFileSync(`/proc/${name}/environ`) });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

afterEach(() => setKeyProtector(null));

describe("the app's main process with safeStorage", () => {
  it('makes a new key <id>.safe (0600, encrypted), reads it back, and leaves an existing plain key plain', async () => {
    asTheApp();
    const ws = tempDir('safe-new');
    await runImport({ folder: siteFolder('safe-new-src'), workspace: ws, dataset: 'site', workers: 0 });
    const safe = join(HOME, 'keys', `${workspaceId(ws)}.safe`);
    expect(statSync(safe).mode & 0o777).toBe(0o600);
    expect(existsSync(join(HOME, 'keys', `${workspaceId(ws)}.key`))).toBe(false);
    const key = workspaceSecret(ws);
    expect(readFileSync(safe).subarray(0, 30).toString()).toBe('openecg-site-key protected v1\n');
    expect(filesHolding(key, ws, HOME)).toEqual([]);
    expect(patientKeys(ws)).toEqual([patientKey(key, HAVERBECK.id)]);
    expect(siteKeyStatus(ws)).toMatchObject({ status: 'ok', key_file: safe, origin: 'config' });

    // A key made before (plain <id>.key) keeps working in the app, and is not converted.
    setKeyProtector(null);
    const old = tempDir('safe-old');
    await runImport({ folder: siteFolder('safe-old-src'), workspace: old, dataset: 'site', workers: 0 });
    const plain = join(HOME, 'keys', `${workspaceId(old)}.key`);
    const before = readFileSync(plain, 'utf8');
    asTheApp();
    await runImport({ folder: siteFolder('safe-old-src2', [VEXMOOR]), workspace: old, dataset: 'site', workers: 0 });
    expect(readFileSync(plain, 'utf8')).toBe(before);
    expect(existsSync(join(HOME, 'keys', `${workspaceId(old)}.safe`))).toBe(false);
    expect(patientKeys(old)).toEqual([HAVERBECK.id, VEXMOOR.id].map((id) => patientKey(Buffer.from(before.trim(), 'hex'), id)).sort());
  });

  it("is not used where the OS has no keychain (safeStorage unavailable, or Linux's hard-coded 'basic_text' store): keys stay plain", () => {
    expect(safeStorageProtector(safeStorageDouble(false))).toBeNull();
    expect(safeStorageProtector(undefined)).toBeNull();
    expect(safeStorageProtector({ ...safeStorageDouble(), getSelectedStorageBackend: () => 'basic_text' })).toBeNull();
    expect(safeStorageProtector({ ...safeStorageDouble(), getSelectedStorageBackend: () => 'gnome_libsecret' })?.name).toBe('Electron safeStorage');
  });
});

describe('the import child and the job runner get the key over IPC', () => {
  it('import.start: a new key made protected, the same pseudonyms as the plain key, never in argv, environment or disk', async () => {
    asTheApp();
    const ws = tempDir('safe-ipc');
    const api = createWorkstationApi({ workspace: ws, importWorkers: 1 });
    const until = async (id: number): Promise<ImportJob> => {
      for (let i = 0; i < 1200; i++) {
        const job = await api.call('import.status', { id });
        if (['done', 'failed', 'cancelled'].includes(job.state)) return job;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('import did not finish in 60 s');
    };
    try {
      const started = await api.call('import.start', { folder: siteFolder('safe-ipc-src'), dataset: 'site' });
      const [child] = children('import-child.js');
      expect(child, 'the import child is running').toBeDefined();
      const first = await until(started.id);
      expect(first.state, first.message ?? '').toBe('done');
      const safe = join(HOME, 'keys', `${workspaceId(ws)}.safe`);
      expect(existsSync(safe)).toBe(true);
      expect(existsSync(join(HOME, 'keys', `${workspaceId(ws)}.key`))).toBe(false);
      const key = workspaceSecret(ws);
      expect(child.cmdline.toString()).toContain('--site-key-over-ipc');
      expect(leaks(child.cmdline, key)).toEqual([]);
      expect(leaks(child.environ, key)).toEqual([]);

      // A second import opens the existing <id>.safe in the app and hands it over: the patient keeps its pseudonym.
      const again = await api.call('import.start', { folder: siteFolder('safe-ipc-src2', [HAVERBECK, VEXMOOR]), dataset: 'site' });
      const [second] = children('import-child.js');
      expect((await until(again.id)).state).toBe('done');
      if (second) expect(leaks(second.environ, key).concat(leaks(second.cmdline, key))).toEqual([]);
      expect(patientKeys(ws)).toEqual([HAVERBECK.id, VEXMOOR.id].map((id) => patientKey(key, id)).sort());

      // The same files imported with that key as a plain file give the same patient keys.
      setKeyProtector(null);
      const plainFile = join(tempDir('safe-ipc-plain'), 'site.key');
      writeFileSync(plainFile, key.toString('hex') + '\n', { mode: 0o600 });
      const other = tempDir('safe-ipc-other');
      await runImport({ folder: siteFolder('safe-ipc-src3', [HAVERBECK, VEXMOOR]), workspace: other, dataset: 'site', workers: 0, site: { keyFile: plainFile } });
      expect(patientKeys(other)).toEqual(patientKeys(ws));
      expect(filesHolding(key, ws, HOME)).toEqual([]);
    } finally {
      api.close();
    }
  });

  it('the job runner (detached, as the UI starts it) imports with the handed-over key', async () => {
    asTheApp();
    const ws = tempDir('safe-job');
    await runImport({ folder: siteFolder('safe-job-src'), workspace: ws, dataset: 'site', workers: 0 });
    const key = workspaceSecret(ws);
    const id = submitJob(ws, 'import', { folder: siteFolder('safe-job-src2', [HAVERBECK, VEXMOOR]), dataset: 'site', workers: 1 });
    const child = startJob(ws, id, { detached: true });
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`);
    const environ = readFileSync(`/proc/${child.pid}/environ`);
    const done = await waitForJob(ws, id, { child, intervalMs: 100 });
    expect(done.state, done.error ?? '').toBe('done');
    expect(cmdline.toString()).toContain('--site-key-over-ipc');
    expect(leaks(cmdline, key)).toEqual([]);
    expect(leaks(environ, key)).toEqual([]);
    expect(patientKeys(ws)).toEqual([HAVERBECK.id, VEXMOOR.id].map((i) => patientKey(key, i)).sort());
    expect(filesHolding(key, ws, HOME)).toEqual([]);
  });

  it('hands over only what a child cannot read itself; children started together get one new key', async () => {
    const ws = tempDir('safe-what');
    expect(siteKeyMessage(ws), 'no keychain (CLI, browser mode)').toBeNull();
    asTheApp();
    const first = siteKeyMessage(ws);
    expect(first).toMatchObject({ type: 'site-key', key: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(siteKeyMessage(ws)).toEqual(first);
    expect(siteKeyMessage(ws, { ...process.env, OPENECG_SITE_KEY_FILE: join(ws, 'shared.key') }), 'a site key file named by the environment').toBeNull();
    setKeyProtector(null);
    const plain = tempDir('safe-what-plain');
    await runImport({ folder: siteFolder('safe-what-src'), workspace: plain, dataset: 'site', workers: 0 });
    asTheApp();
    expect(siteKeyMessage(plain), 'a plain <id>.key').toBeNull();
    // A locked keychain: the child is told why, and says it only if it must make a key.
    const locked: SafeStorage = {
      ...safeStorageDouble(),
      encryptString: () => {
        throw new Error('keychain locked');
      },
    };
    setKeyProtector(safeStorageProtector(locked), true);
    expect(siteKeyMessage(tempDir('safe-what-locked'))).toEqual({ type: 'site-key', refused: expect.stringMatching(/cannot protect a new site key: keychain locked/) });
  });

  it("a child of an app whose keychain cannot open <id>.safe (another user or machine) says so when it needs the key", async () => {
    asTheApp();
    const ws = tempDir('safe-other');
    await runImport({ folder: siteFolder('safe-other-src'), workspace: ws, dataset: 'site', workers: 0 });
    setKeyProtector(safeStorageProtector(safeStorageDouble(true, 0x17)), true);
    const api = createWorkstationApi({ workspace: ws, importWorkers: 0 });
    try {
      const started = await api.call('import.start', { folder: siteFolder('safe-other-src2', [VEXMOOR]), dataset: 'site' });
      let job = await api.call('import.status', { id: started.id });
      for (let i = 0; i < 1200 && !['done', 'failed', 'cancelled'].includes(job.state); i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await api.call('import.status', { id: started.id });
      }
      expect(job.state).toBe('failed');
      expect(job.message).toMatch(/the OS keychain \(Electron safeStorage\) cannot open the site key .*\.safe.*opens only for the user and machine that made it/);
    } finally {
      api.close();
    }
    expect(patientKeys(ws)).toHaveLength(1);
  });

  it('a child refuses a malformed key message (checked with zod)', () => {
    const good = { type: 'site-key', key: 'ab'.repeat(32), sealed: Buffer.from('x').toString('base64') };
    expect(SiteKeyMessage.safeParse(good).success).toBe(true);
    expect(SiteKeyMessage.safeParse({ ...good, key: 'ab'.repeat(31) }).success).toBe(false);
    expect(SiteKeyMessage.safeParse({ ...good, sealed: 'not base64!' }).success).toBe(false);
    expect(SiteKeyMessage.safeParse({ ...good, extra: 1 }).success).toBe(false);
    expect(SiteKeyMessage.safeParse({ type: 'site-key', refused: 'no keychain' }).success).toBe(true);
    expect(SiteKeyMessage.safeParse({ type: 'site-key', refused: '' }).success).toBe(false);
  });
});

describe('outside the app (CLI, browser mode)', () => {
  it('says in one line that the key is protected and how to move to a plain key file; the exported copy works', async () => {
    asTheApp();
    const ws = tempDir('safe-cli');
    await runImport({ folder: siteFolder('safe-cli-src'), workspace: ws, dataset: 'site', workers: 0 });
    const key = workspaceSecret(ws);
    setKeyProtector(null);

    const more = siteFolder('safe-cli-src2', [VEXMOOR]);
    const r = openecg({}, 'import', more, '--workspace', ws, '--dataset', 'site');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/protected by the desktop app's OS keychain .*run the import from the app, or export it as a plain key file with `openecg site key --workspace .* --export FILE` and give that with --site-key FILE/);
    const status = openecg({}, 'site', 'key', '--workspace', ws, '--json');
    expect(status.status).toBe(1);
    expect(JSON.parse(status.stdout)).toMatchObject({ status: 'protected', origin: 'config' });
    // Without the app's keychain the CLI cannot export it (here: no Electron, or an Electron whose keychain is not the one that made it).
    const cli = openecg({}, 'site', 'key', '--workspace', ws, '--export', join(tempDir('safe-cli-x'), 'k'));
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli.stderr).toMatch(/protected by the desktop app's OS keychain|the desktop app could not export the site key/);

    // The app's export (what `--export-site-key` runs in Electron's main process): a plain 0600 copy, never over a file.
    asTheApp();
    const dest = join(tempDir('safe-cli-export'), 'site.key');
    expect(exportSiteKey(ws, dest)).toMatchObject({ file: dest });
    expect(readFileSync(dest, 'utf8')).toBe(key.toString('hex') + '\n');
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(() => exportSiteKey(ws, dest)).toThrow(/exists: the key is not written over another file/);
    setKeyProtector(null);

    // With the exported file the CLI imports into the same workspace: same fingerprint, the same pseudonyms.
    const withFile = openecg({}, 'import', more, '--workspace', ws, '--dataset', 'site', '--site-key', dest, '--workers', '1', '--json');
    expect(withFile.status, withFile.stderr).toBe(0);
    expect(patientKeys(ws)).toEqual([HAVERBECK.id, VEXMOOR.id].map((id) => patientKey(key, id)).sort());
    // A plain key file is copied by the CLI itself.
    const copy = openecg({}, 'site', 'key', '--workspace', ws, '--site-key', dest, '--export', join(tempDir('safe-cli-copy'), 'k'), '--json');
    expect(copy.status, copy.stderr).toBe(0);
    expect(readFileSync(JSON.parse(copy.stdout).file as string, 'utf8')).toBe(key.toString('hex') + '\n');
  });
});
