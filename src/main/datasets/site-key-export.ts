// A plain copy of the workspace's site key, for a site moving from the desktop app's keychain-protected
// <id>.safe to a plain or shared site key file (--site-key, OPENECG_SITE_KEY_FILE) that the CLI,
// browser mode and other workstations can use. Only a process that can open the key can copy it:
// the desktop app (`--export-site-key FILE`, which `openecg site key --export FILE` starts when the
// key is protected), or any process for a plain key.
import { resolve } from 'node:path';
import { fingerprintOf, writeKeyFile } from './site-key-store.js';
import { workspaceSecret, type SiteKeyOptions } from './site-secret.js';

export interface ExportedKey {
  readonly file: string;
  readonly fingerprint: string;
}

/**
 * Writes the workspace's key, checked against its fingerprint, as 64 hex digits to `dest` (0600;
 * never over an existing file). Throws SiteKeyError when the key is missing, wrong or cannot be opened here.
 */
export function exportSiteKey(workspace: string, dest: string, options: SiteKeyOptions = {}): ExportedKey {
  const key = workspaceSecret(workspace, false, options);
  const file = resolve(dest);
  try {
    writeKeyFile(file, key, false);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} exists: the key is not written over another file; give a new path`);
    throw err;
  }
  return { file, fingerprint: fingerprintOf(key) };
}
