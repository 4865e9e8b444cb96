// The per-workspace secret behind every pseudonym of site data: patient keys and file keys are
// HMAC-SHA256 under it, and the per-patient time anchors are sealed with a key derived from it.
// Made on the first site import (32 random bytes), kept in <workspace>/site/secret with mode 0600
// in a 0700 folder; without it the keys cannot be recomputed from a patient id, so it never leaves
// the workspace (exports and the catalog carry only the keys).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../formats/types.js';

export const SITE_DIR = 'site';
export const SECRET_FILE = 'secret';
const SECRET_BYTES = 32;

export function siteDir(workspace: string): string {
  return join(workspace, SITE_DIR);
}

function secretPath(workspace: string): string {
  return join(siteDir(workspace), SECRET_FILE);
}

const cache = new Map<string, Buffer>();

/** The workspace's secret, made (0600) when `create` and none exists yet. FormatError when unusable. */
export function workspaceSecret(workspace: string, create = false): Buffer {
  const file = secretPath(workspace);
  const cached = cache.get(file);
  if (cached) return cached;
  let secret: Buffer | undefined;
  try {
    secret = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new FormatError('site-secret', `cannot read the workspace's site secret: ${(err as Error).message}`);
  }
  if (!secret) {
    if (!create) throw new FormatError('site-secret', 'this workspace has no site secret yet (it is made by the first site import)');
    mkdirSync(siteDir(workspace), { recursive: true, mode: 0o700 });
    chmodSync(siteDir(workspace), 0o700);
    secret = randomBytes(SECRET_BYTES);
    // 'wx': two imports racing to make it cannot both win; the loser reads the winner's.
    try {
      const fd = openSync(file, 'wx', 0o600);
      try {
        writeSync(fd, secret);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      secret = readFileSync(file);
    }
  }
  if (secret.length !== SECRET_BYTES) throw new FormatError('site-secret', `the workspace's site secret has ${secret.length} bytes, not ${SECRET_BYTES}: the file is damaged`);
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  cache.set(file, secret);
  return secret;
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
