// The desktop app's site key, handed to the child processes that pseudonymise (the import child,
// the job runner). Only Electron's main process has the OS keychain (safeStorage), so it opens
// the workspace's <id>.safe key once, or makes a new key and its protected form, and sends both
// over the child's IPC channel (fork's message channel): never in argv, never in the environment,
// never on disk unprotected. The child checks the message (zod) and gives it to the key store
// (setHandedKey), which then finds, makes and checks the key against the workspace's fingerprint
// exactly as the app would. Without a keychain (CLI, browser mode) nothing is handed over.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import {
  defaultKeyPath,
  KEY_BYTES,
  keyProtector,
  newKey,
  PROTECTED_MAGIC,
  protectedKeyPath,
  readMarker,
  refuseProtectedKeys,
  setHandedKey,
  SITE_KEY_FILE_ENV,
  type HandedKey,
  type KeyProtector,
} from './site-key-store.js';

/** Tells a child that a site-key message follows on its IPC channel (a flag, never the key). */
export const HANDOVER_FLAG = '--site-key-over-ipc';

export const SiteKeyMessage = z.union([
  z
    .object({
      type: z.literal('site-key'),
      /** The key, 64 hexadecimal digits. */
      key: z.string().regex(new RegExp(`^[0-9a-f]{${KEY_BYTES * 2}}$`)),
      /** The protected form (base64): the content of <id>.safe after its first line. */
      sealed: z.string().min(1).max(16_384).regex(/^[A-Za-z0-9+/]+={0,2}$/),
    })
    .strict(),
  // The app's keychain could not open <id>.safe: the child says why if (and only if) it needs the key.
  z.object({ type: z.literal('site-key'), refused: z.string().min(1).max(2000) }).strict(),
]);
export type SiteKeyMessage = z.infer<typeof SiteKeyMessage>;

/** Keys this process opened or made, per keychain and workspace: decrypted once, and one new key per workspace even for children started together. */
const openedBy = new WeakMap<KeyProtector, Map<string, HandedKey>>();

function handedFor(workspace: string, env: NodeJS.ProcessEnv): HandedKey | { refused: string } | null {
  const keychain = keyProtector();
  // Only the app's main process (a keychain that protects new keys) has something to hand over;
  // a site key file named by the environment is plain, and the child reads it itself.
  if (!keychain?.protectNew || env[SITE_KEY_FILE_ENV]) return null;
  let marker;
  try {
    marker = readMarker(workspace);
  } catch {
    return null; // A damaged marker: the child reports it.
  }
  if (marker && existsSync(defaultKeyPath(marker, env))) return null; // A plain key: the child reads it.
  const opened = openedBy.get(keychain.protector) ?? new Map<string, HandedKey>();
  openedBy.set(keychain.protector, opened);
  const known = opened.get(workspace);
  let data: Buffer | null = null;
  if (marker) {
    try {
      data = readFileSync(protectedKeyPath(marker, env));
    } catch {
      data = null;
    }
  }
  if (data) {
    if (!data.subarray(0, PROTECTED_MAGIC.length).equals(PROTECTED_MAGIC)) return null; // Damaged: the child says so.
    const sealed = data.subarray(PROTECTED_MAGIC.length);
    if (known?.sealed.equals(sealed)) return known;
    const path = protectedKeyPath(marker!, env);
    let key: Buffer;
    try {
      key = keychain.protector.unprotect(sealed);
    } catch (err) {
      return { refused: `the OS keychain (${keychain.protector.name}) cannot open the site key ${path}: ${(err as Error).message} (a .safe key opens only for the user and machine that made it)` };
    }
    if (key.length !== KEY_BYTES) key = Buffer.from(key.toString('latin1').trim(), 'hex');
    if (key.length !== KEY_BYTES) return { refused: `the site key ${path} is damaged: the OS keychain opened it, but it holds no 32-byte key` };
    const handed = { key, sealed: Buffer.from(sealed) };
    opened.set(workspace, handed);
    return handed;
  }
  // A workspace keyed elsewhere whose key is not here: no new key would be accepted; the child says what to do.
  if (marker?.fingerprint) return null;
  if (known) return known;
  const key = newKey();
  let sealed: Buffer;
  try {
    sealed = keychain.protector.protect(key);
  } catch (err) {
    // A locked or broken keychain: an import that needs a new key says why; other imports run.
    return { refused: `the OS keychain (${keychain.protector.name}) cannot protect a new site key: ${(err as Error).message}; give a plain site key file with OPENECG_SITE_KEY_FILE (docs/site-data.md)` };
  }
  const made = { key, sealed };
  opened.set(workspace, made);
  return made;
}

/** The message for a child working on `workspace`, or null when this process has no keychain-protected key to hand over. */
export function siteKeyMessage(workspace: string, env: NodeJS.ProcessEnv = process.env): SiteKeyMessage | null {
  const handed = handedFor(resolve(workspace), env);
  if (!handed) return null;
  if ('refused' in handed) return { type: 'site-key', refused: handed.refused };
  return { type: 'site-key', key: handed.key.toString('hex'), sealed: handed.sealed.toString('base64') };
}

/** What the child sends when it listens: a message sent before its modules loaded could go unheard. */
export const SiteKeyRequest = z.object({ type: z.literal('site-key-request') }).strict();

/**
 * Answers a child started with HANDOVER_FLAG: once it asks, sends the key; `then` runs when the
 * key is written to the channel (or the child went away first).
 */
export function handOverSiteKey(child: ChildProcess, message: SiteKeyMessage, then?: () => void): void {
  const onMessage = (msg: unknown) => {
    if (!SiteKeyRequest.safeParse(msg).success) return;
    child.off('message', onMessage);
    child.off('exit', onExit);
    child.send(message, (err) => {
      if (err) child.kill('SIGTERM');
      then?.();
    });
  };
  const onExit = () => {
    child.off('message', onMessage);
    then?.();
  };
  child.on('message', onMessage);
  child.once('exit', onExit);
}

/**
 * In the child: asks for the site-key message on the IPC channel, waits for it and gives it to the
 * key store. Rejects on a malformed message, a closed channel or after `timeoutMs`.
 */
export function receiveSiteKey(timeoutMs = 30_000): Promise<void> {
  return new Promise((done, fail) => {
    if (!process.send) return fail(new Error('no IPC channel to receive the site key on'));
    const finish = (err?: Error) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      process.off('disconnect', onGone);
      if (err) fail(err);
      else done();
    };
    const onMessage = (msg: unknown) => {
      if ((msg as { type?: unknown } | null)?.type !== 'site-key') return;
      const parsed = SiteKeyMessage.safeParse(msg);
      if (!parsed.success) return finish(new Error(`the desktop app sent a malformed site key message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`));
      const m = parsed.data;
      if ('refused' in m) refuseProtectedKeys(m.refused);
      else setHandedKey({ key: Buffer.from(m.key, 'hex'), sealed: Buffer.from(m.sealed, 'base64') });
      finish();
    };
    const onGone = () => finish(new Error('the desktop app closed the channel before it sent the site key'));
    const timer = setTimeout(() => finish(new Error(`the desktop app did not send the site key within ${timeoutMs / 1000} s`)), timeoutMs);
    process.on('message', onMessage);
    process.once('disconnect', onGone);
    process.send({ type: 'site-key-request' });
  });
}
