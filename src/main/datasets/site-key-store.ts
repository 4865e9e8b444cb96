// Where the site key (the secret behind every pseudonym) lives: never in the workspace, since the
// HMAC patient keys it protects sit there and patient ids have little entropy. By default it is
// <config>/keys/<workspace id>.key in the user's configuration folder (0600 in a 0700 folder), or
// <workspace id>.safe there when the desktop app made it (encrypted by the OS keychain, safeStorage);
// a site key file given by path (--site-key, OPENECG_SITE_KEY_FILE) lets several workstations of
// one site share pseudonyms. The workspace keeps only its id and the key's fingerprint
// (site/key.json), so a missing or wrong key is told apart from a first import.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const SITE_DIR = 'site';
/** The old place of the key, inside the workspace (moved out by migrateOldSecret). */
export const OLD_SECRET_FILE = 'secret';
export const MARKER_FILE = 'key.json';
export const KEY_BYTES = 32;
export const SITE_KEY_FILE_ENV = 'OPENECG_SITE_KEY_FILE';
export const CONFIG_HOME_ENV = 'OPENECG_CONFIG_HOME';
/** A key file whose content an OS keychain (Electron's safeStorage) encrypted starts with this line. */
export const PROTECTED_MAGIC = Buffer.from('openecg-site-key protected v1\n');
/** The configuration folder's name for a keychain-protected key (<workspace id>.safe); a plain one is <workspace id>.key. */
export const PROTECTED_SUFFIX = '.safe';

/** A missing, wrong or unreadable site key: the message says what to do. */
export class SiteKeyError extends Error {
  constructor(
    readonly code: 'site-key-missing' | 'site-key-wrong' | 'site-key-unreadable' | 'site-key-conflict' | 'site-key-protected',
    message: string,
  ) {
    super(message);
    this.name = 'SiteKeyError';
  }
}

export function siteDir(workspace: string): string {
  return join(workspace, SITE_DIR);
}

/** The workstation's configuration folder: OPENECG_CONFIG_HOME, else the platform's per-user one. */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env[CONFIG_HOME_ENV]) return resolve(env[CONFIG_HOME_ENV]!);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'OpenECG Workstation', 'config');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OpenECG Workstation', 'config');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'openecg-workstation');
}

export function keysDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), 'keys');
}

/** Encrypts key files with an OS keychain (Electron's safeStorage in the Electron main process). */
export interface KeyProtector {
  readonly name: string;
  protect(plain: Buffer): Buffer;
  unprotect(data: Buffer): Buffer;
}

let protector: KeyProtector | null = null;
let protectNewKeys = false;
/** The key the desktop app handed this child process (key-handover.ts), with its protected form. */
let handed: HandedKey | null = null;

/** Registers the keychain (or removes it, null); `protectNew`: keys made in the configuration folder from now on are <id>.safe, encrypted. */
export function setKeyProtector(p: KeyProtector | null, protectNew = false): void {
  protector = p;
  protectNewKeys = p !== null && protectNew;
  handed = null;
}

/** In a child of the desktop app whose keychain could not open the workspace's <id>.safe: that reason, when a protected key is opened. */
export function refuseProtectedKeys(reason: string): void {
  const refuse = (): never => {
    throw new SiteKeyError('site-key-unreadable', reason);
  };
  setKeyProtector({ name: 'the desktop app (key refused)', protect: refuse, unprotect: refuse }, true);
}

/** The registered keychain, and whether new keys are protected (the desktop app's main process). */
export function keyProtector(): { readonly protector: KeyProtector; readonly protectNew: boolean } | null {
  return protector ? { protector, protectNew: protectNewKeys } : null;
}

/** A configuration-folder key resolved by the desktop app: the key, and the file content (after the magic line) that holds it protected. */
export interface HandedKey {
  readonly key: Buffer;
  readonly sealed: Buffer;
}

/**
 * In a child process (import, job) of the desktop app, which has no keychain: the key the app read
 * (or made) for the workspace, used exactly as the keychain would be. The protected file whose
 * content is `sealed` opens to `key`, and a key made now is that key, written as `sealed`, so the
 * workspace's fingerprint checks it as any other key. Any other protected file stays unopenable.
 */
export function setHandedKey(k: HandedKey | null): void {
  const stand: KeyProtector | null = k && {
    name: 'the desktop app (key handed over)',
    protect: (plain) => {
      if (!plain.equals(k.key)) throw new SiteKeyError('site-key-protected', 'only the desktop app can protect a site key');
      return Buffer.from(k.sealed);
    },
    unprotect: (data) => {
      if (!data.equals(k.sealed)) throw new SiteKeyError('site-key-protected', 'this protected site key is not the one the desktop app handed over (it changed meanwhile): start the import again');
      return Buffer.from(k.key);
    },
  };
  setKeyProtector(stand, true);
  handed = k;
}

/** What the workspace records of its key: never the key, only an id (names the default key file) and a fingerprint. */
export interface KeyMarker {
  readonly version: 1;
  readonly workspace_id: string;
  /** HMAC-SHA256(key, fixed label), first 32 hex digits; absent until the first key is bound. */
  readonly fingerprint?: string;
}

function markerPath(workspace: string): string {
  return join(siteDir(workspace), MARKER_FILE);
}

export function readMarker(workspace: string): KeyMarker | null {
  let text: string;
  try {
    text = readFileSync(markerPath(workspace), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SiteKeyError('site-key-unreadable', `cannot read ${markerPath(workspace)}: ${(err as Error).message}`);
  }
  let doc: Partial<KeyMarker> = {};
  try {
    doc = JSON.parse(text) as Partial<KeyMarker>;
  } catch {
    // Reported below as damaged.
  }
  if (doc.version !== 1 || typeof doc.workspace_id !== 'string' || !/^[\w-]{8,64}$/.test(doc.workspace_id)) {
    throw new SiteKeyError('site-key-unreadable', `${markerPath(workspace)} is damaged (no workspace id)`);
  }
  return { version: 1, workspace_id: doc.workspace_id, ...(typeof doc.fingerprint === 'string' ? { fingerprint: doc.fingerprint } : {}) };
}

function ensureSiteDir(workspace: string): void {
  mkdirSync(siteDir(workspace), { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') chmodSync(siteDir(workspace), 0o700);
}

/** Writes the marker atomically (temporary file + rename). */
export function writeMarker(workspace: string, marker: KeyMarker): void {
  ensureSiteDir(workspace);
  const file = markerPath(workspace);
  const tmp = `${file}.${process.pid}.tmp`;
  writeDurably(tmp, Buffer.from(JSON.stringify(marker, null, 2) + '\n'), 'w');
  renameSync(tmp, file);
}

/** The workspace's marker, made with a fresh id when there is none. */
export function ensureMarker(workspace: string): KeyMarker {
  const found = readMarker(workspace);
  if (found) return found;
  const marker: KeyMarker = { version: 1, workspace_id: randomUUID() };
  ensureSiteDir(workspace);
  // 'wx': two first imports racing cannot give the workspace two ids; the loser reads the winner's.
  try {
    writeDurably(markerPath(workspace), Buffer.from(JSON.stringify(marker, null, 2) + '\n'), 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readMarker(workspace)!;
  }
  return marker;
}

export function fingerprintOf(key: Buffer): string {
  return createHmac('sha256', key).update('openecg-site-key-fingerprint-v1').digest('hex').slice(0, 32);
}

/** Where this workspace's key is looked for: an explicit file, else OPENECG_SITE_KEY_FILE, else the configuration folder. */
export interface KeyLocation {
  readonly path: string;
  readonly origin: 'option' | 'env' | 'config';
}

/**
 * In the configuration folder a plain <id>.key wins (an existing key keeps working, and is not
 * converted); else <id>.safe; a new key is <id>.safe where the keychain protects new keys.
 */
export function keyLocation(marker: KeyMarker, keyFile?: string, env: NodeJS.ProcessEnv = process.env): KeyLocation {
  if (keyFile) return { path: resolve(keyFile), origin: 'option' };
  if (env[SITE_KEY_FILE_ENV]) return { path: resolve(env[SITE_KEY_FILE_ENV]!), origin: 'env' };
  const plain = defaultKeyPath(marker, env);
  const safe = protectedKeyPath(marker, env);
  if (existsSync(plain)) return { path: plain, origin: 'config' };
  return { path: existsSync(safe) || protectNewKeys ? safe : plain, origin: 'config' };
}

export function defaultKeyPath(marker: KeyMarker, env: NodeJS.ProcessEnv = process.env): string {
  return join(keysDir(env), `${marker.workspace_id}.key`);
}

export function protectedKeyPath(marker: KeyMarker, env: NodeJS.ProcessEnv = process.env): string {
  return join(keysDir(env), `${marker.workspace_id}${PROTECTED_SUFFIX}`);
}

export function isProtectedPath(path: string): boolean {
  return path.endsWith(PROTECTED_SUFFIX);
}

/** The key in a file, or null when the file does not exist. Accepts 64 hex digits (written here), 32 raw bytes (the old secret) or a protected file. */
export function readKeyFile(path: string, workspace = '<workspace>'): Buffer | null {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new SiteKeyError('site-key-unreadable', `cannot read the site key ${path}: ${(err as Error).message}`);
  }
  if (data.subarray(0, PROTECTED_MAGIC.length).equals(PROTECTED_MAGIC)) {
    if (!protector) throw new SiteKeyError('site-key-protected', `the site key ${path} is protected by the desktop app's OS keychain (Electron safeStorage) and only the app can open it: run the import from the app, or export it as a plain key file with \`openecg site key --workspace ${workspace} --export FILE\` and give that with --site-key FILE`);
    try {
      data = protector.unprotect(data.subarray(PROTECTED_MAGIC.length));
    } catch (err) {
      if (err instanceof SiteKeyError) throw err;
      throw new SiteKeyError('site-key-unreadable', `the OS keychain (${protector.name}) cannot open the site key ${path}: ${(err as Error).message} (a .safe key opens only for the user and machine that made it)`);
    }
  }
  if (data.length === KEY_BYTES) return data;
  const text = data.toString('latin1').trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  throw new SiteKeyError('site-key-unreadable', `the site key ${path} is damaged: want 64 hexadecimal digits, found ${data.length} bytes of something else`);
}

function writeDurably(path: string, data: Buffer, flag: 'w' | 'wx'): void {
  const fd = openSync(path, flag, 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a key file (0600; a folder it makes is 0700). 'wx': two processes racing to make it cannot
 * both win; the loser gets EEXIST and reads the winner's. Plain hex, or encrypted by the keychain
 * (magic line + safeStorage's bytes) when `protect` (a configuration folder's <id>.safe).
 */
export function writeKeyFile(path: string, key: Buffer, protect: boolean): void {
  if (protect && !protector) throw new SiteKeyError('site-key-protected', `cannot make the protected site key ${path}: no OS keychain in this process`);
  const folder = dirname(path);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') chmodSync(folder, 0o700);
  }
  const content = protect ? Buffer.concat([PROTECTED_MAGIC, protector!.protect(key)]) : Buffer.from(key.toString('hex') + '\n');
  writeDurably(path, content, 'wx');
  if (process.platform !== 'win32') chmodSync(path, 0o600);
}

/** A fresh random key; for a protected file in a child of the desktop app, the one it handed over (only that one can be written protected). */
export function newKey(protect = false): Buffer {
  return protect && handed ? Buffer.from(handed.key) : randomBytes(KEY_BYTES);
}

/** Keeps a key file private: 0600 when group or others could read it. */
export function tightenMode(path: string): void {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/** Overwrites a file with zeros, syncs, then removes it (the old secret: its bytes should not linger in the file's blocks). */
export function shred(path: string): void {
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(size));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
}
