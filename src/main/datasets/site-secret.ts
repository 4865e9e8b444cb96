// The secret behind every pseudonym of site data: patient keys and file keys are HMAC-SHA256
// under it, and the per-patient time anchors are sealed with a key derived from it. It lives
// outside the workspace (site-key-store.ts: the user's configuration folder, or a site key file
// shared by a site's workstations); the workspace keeps its fingerprint, so an import with no key
// or the wrong key is refused instead of making pseudonyms that match nothing already imported.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  defaultKeyPath,
  ensureMarker,
  fingerprintOf,
  isProtectedPath,
  KEY_BYTES,
  keyLocation,
  keysDir,
  newKey,
  OLD_SECRET_FILE,
  readKeyFile,
  readMarker,
  shred,
  SiteKeyError,
  siteDir,
  SITE_KEY_FILE_ENV,
  tightenMode,
  writeKeyFile,
  writeMarker,
  type KeyLocation,
  type KeyMarker,
} from './site-key-store.js';

export { SITE_DIR, siteDir, SiteKeyError } from './site-key-store.js';

/** How to find the key: an explicit site key file (--site-key) wins over OPENECG_SITE_KEY_FILE and the configuration folder. */
export interface SiteKeyOptions {
  readonly keyFile?: string;
  readonly env?: NodeJS.ProcessEnv;
}

type NoticeListener = (text: string) => void;
const listeners = new Set<NoticeListener>();

/** Hears what the key handling must say loudly (a migration, a new key); without a listener it goes to stderr. Returns the remover. */
export function onSiteKeyNotice(listener: NoticeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notice(text: string): void {
  if (listeners.size === 0) process.stderr.write(`openecg: ${text}\n`);
  for (const l of listeners) l(text);
}

const cache = new Map<string, Buffer>();
/** Keys found and checked against (or bound to) the workspace's fingerprint, by workspace and how they were looked for. */
const checked = new Map<string, Buffer>();
/** Keys handed over by the thread that resolved them (import workers): by workspace. */
const provided = new Map<string, Buffer>();

/** Gives this thread the workspace's key, resolved elsewhere (the import's main thread, for its workers). */
export function provideWorkspaceSecret(workspace: string, key: Uint8Array): void {
  provided.set(resolve(workspace), Buffer.from(key));
}

/** Takes back a key given with provideWorkspaceSecret (the import is over; a later one resolves it again). */
export function withdrawWorkspaceSecret(workspace: string): void {
  provided.delete(resolve(workspace));
}

function fixes(marker: KeyMarker, loc: KeyLocation, env: NodeJS.ProcessEnv): string {
  const own = defaultKeyPath(marker, env);
  return `give the site key file with --site-key FILE (or ${SITE_KEY_FILE_ENV}=FILE), or copy ${marker.workspace_id}.key from the configuration folder of the machine the workspace came from (its keys/ folder; where it is ${marker.workspace_id}.safe, export it there with \`openecg site key --export FILE\`) to ${loc.origin === 'config' && !isProtectedPath(loc.path) ? loc.path : own}`;
}

/**
 * Moves a key kept by older versions in <workspace>/site/secret to the configuration folder, once:
 * written there and checked, recorded by fingerprint, then the old file overwritten and removed.
 * Says so loudly (stderr or the import's log). Null when there is nothing to move.
 */
export function migrateOldSecret(workspace: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const old = join(siteDir(workspace), OLD_SECRET_FILE);
  if (!existsSync(old)) return null;
  const key = readFileSync(old);
  if (key.length !== KEY_BYTES) throw new SiteKeyError('site-key-unreadable', `the workspace's old site secret ${old} has ${key.length} bytes, not ${KEY_BYTES}: it is damaged; nothing was moved`);
  const marker = ensureMarker(workspace);
  const fp = fingerprintOf(key);
  if (marker.fingerprint && marker.fingerprint !== fp) throw new SiteKeyError('site-key-conflict', `${old} does not match the key this workspace records (fingerprint ${marker.fingerprint}): nothing was moved; keep the file and see docs/site-data.md`);
  const dest = defaultKeyPath(marker, env);
  let there = readKeyFile(dest);
  if (!there) {
    try {
      // Plain, as the old secret was: only keys made new are protected.
      writeKeyFile(dest, key, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    there = readKeyFile(dest);
  }
  if (!there || !there.equals(key)) throw new SiteKeyError('site-key-conflict', `cannot move the workspace's site secret: ${dest} already holds a different key; nothing was moved (the secret stays in ${old})`);
  writeMarker(workspace, { ...marker, fingerprint: fp });
  shred(old);
  const text =
    `moved this workspace's pseudonymisation key out of the workspace, to ${dest} (mode 0600). ` +
    `The old file ${old} was overwritten and removed. Copies and backups of the workspace made before now still hold the key: delete them, or keep them as safe as the patient ids. ` +
    `To use the workspace on another machine, copy ${dest} to the same place there (or give it with --site-key).`;
  notice(text);
  return text;
}

/**
 * The workspace's site key. `create`: a first site import may make it (in the configuration folder, or
 * at the given site key file when that does not exist yet) and binds the workspace to it. Throws
 * SiteKeyError when the key is missing, wrong (another fingerprint) or unreadable, with what to do.
 */
export function workspaceSecret(workspace: string, create = false, options: SiteKeyOptions = {}): Buffer {
  const ws = resolve(workspace);
  const env = options.env ?? process.env;
  const given = provided.get(ws);
  if (given && !options.keyFile) return given;
  // Once a key was checked against the workspace's fingerprint, the same way of finding it gives it at once (workers call this per record).
  const checkedKey = `${ws}\0${options.keyFile ?? ''}\0${env[SITE_KEY_FILE_ENV] ?? ''}\0${keysDir(env)}`;
  const checkedBefore = checked.get(checkedKey);
  if (checkedBefore) return checkedBefore;
  migrateOldSecret(ws, env);
  const marker = create ? ensureMarker(ws) : readMarker(ws);
  if (!marker) throw new SiteKeyError('site-key-missing', 'this workspace has no site key yet (it is made by the first site import)');
  const loc = keyLocation(marker, options.keyFile, env);
  const cacheKey = `${ws}\0${loc.path}`;
  // The file is read once per process; the fingerprint is checked (and bound) on every call, since the workspace's marker may change.
  let key = cache.get(cacheKey) ?? readKeyFile(loc.path, ws);
  if (!key) {
    if (marker.fingerprint) {
      throw new SiteKeyError(
        'site-key-missing',
        `the pseudonymisation key of this workspace is not on this machine (looked for ${loc.path}; the workspace was keyed with fingerprint ${marker.fingerprint}). ` +
          `New patients cannot be given the same pseudonyms without it, so nothing is imported: ${fixes(marker, loc, env)}. Reading and evaluating the workspace need no key.`,
      );
    }
    if (!create) throw new SiteKeyError('site-key-missing', `this workspace has no site key yet (it is made by the first site import; looked for ${loc.path})`);
    // Only a configuration folder's <id>.safe is protected: a site key file given by path is the site's to protect.
    const protect = loc.origin === 'config' && isProtectedPath(loc.path);
    try {
      writeKeyFile(loc.path, newKey(protect), protect);
      notice(
        `made a new pseudonymisation key for this workspace: ${loc.path} (mode 0600${protect ? ", encrypted by the OS keychain: only the desktop app of this user on this machine opens it; `openecg site key --export FILE` writes a plain copy" : ''}). ` +
          `Keep it: without it new patients cannot get the same pseudonyms${loc.origin === 'config' ? '; to share pseudonyms between workstations of a site, give them one site key file with --site-key' : ''}.`,
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    key = readKeyFile(loc.path, ws);
    if (!key) throw new SiteKeyError('site-key-unreadable', `the site key ${loc.path} vanished while it was being made`);
  }
  try {
    if (!cache.has(cacheKey)) tightenMode(loc.path);
  } catch {
    // A shared site key file owned by someone else: its mode is theirs to set.
  }
  const fp = fingerprintOf(key);
  if (!marker.fingerprint) {
    if (create) writeMarker(ws, { ...marker, fingerprint: fp });
  } else if (marker.fingerprint !== fp) {
    throw new SiteKeyError(
      'site-key-wrong',
      `the site key ${loc.path} is not the one this workspace was pseudonymised with (its fingerprint is ${fp}, the workspace's ${marker.fingerprint}); ` +
        `importing with it would give the same patients new pseudonyms, so nothing is imported: ${fixes(marker, loc, env)}`,
    );
  }
  cache.set(cacheKey, key);
  if (marker.fingerprint || create) checked.set(checkedKey, key);
  return key;
}

/** Where the workspace's key is and whether it is usable, for `openecg site key`. Never the key. */
export interface SiteKeyStatus {
  readonly workspace_id: string | null;
  readonly fingerprint: string | null;
  readonly key_file: string | null;
  readonly origin: KeyLocation['origin'] | null;
  /** protected: a <id>.safe key that only the desktop app (its OS keychain) opens. */
  readonly status: 'ok' | 'none-yet' | 'missing' | 'wrong' | 'unreadable' | 'protected';
  readonly message: string | null;
  readonly keys_folder: string;
}

export function siteKeyStatus(workspace: string, options: SiteKeyOptions = {}): SiteKeyStatus {
  const env = options.env ?? process.env;
  const base = { keys_folder: keysDir(env) };
  try {
    migrateOldSecret(resolve(workspace), env);
    const marker = readMarker(resolve(workspace));
    if (!marker) return { ...base, workspace_id: null, fingerprint: null, key_file: null, origin: null, status: 'none-yet', message: 'no site import yet: the first one makes the key' };
    const loc = keyLocation(marker, options.keyFile, env);
    const head = { ...base, workspace_id: marker.workspace_id, fingerprint: marker.fingerprint ?? null, key_file: loc.path, origin: loc.origin };
    try {
      workspaceSecret(workspace, false, options);
      return { ...head, status: marker.fingerprint ? 'ok' : 'none-yet', message: null };
    } catch (err) {
      if (!(err instanceof SiteKeyError)) throw err;
      const status = err.code === 'site-key-wrong' ? 'wrong' : err.code === 'site-key-missing' ? (marker.fingerprint ? 'missing' : 'none-yet') : err.code === 'site-key-protected' ? 'protected' : 'unreadable';
      return { ...head, status, message: err.message };
    }
  } catch (err) {
    if (!(err instanceof SiteKeyError)) throw err;
    return { ...base, workspace_id: null, fingerprint: null, key_file: null, origin: null, status: 'unreadable', message: err.message };
  }
}

function hmacHex(secret: Buffer, domain: string, value: string): string {
  // The domain keeps a patient id and a file path that happen to be equal from giving one key.
  return createHmac('sha256', secret).update(domain).update('\0').update(value, 'utf8').digest('hex');
}

/** Pseudonymous patient key: HMAC-SHA256 of the id as written (trimmed), hex. */
export function patientKey(secret: Buffer, id: string): string {
  return hmacHex(secret, 'patient', id.trim());
}

/** Pseudonymous file key of a file under an import root: stable across runs of the same folder (resume). */
export function fileKey(secret: Buffer, root: string, rel: string): string {
  return hmacHex(secret, 'file', `${root}\0${rel}`);
}

function anchorKey(secret: Buffer): Buffer {
  return createHmac('sha256', secret).update('time-anchor').digest();
}

/** Seals a number (epoch seconds) with AES-256-GCM: 12-byte nonce + 16-byte tag + ciphertext. */
export function sealNumber(secret: Buffer, value: number): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', anchorKey(secret), nonce);
  const body = Buffer.concat([cipher.update(String(value), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

export function openNumber(secret: Buffer, sealed: Buffer): number {
  const decipher = createDecipheriv('aes-256-gcm', anchorKey(secret), sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  const text = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  return Number(text);
}
