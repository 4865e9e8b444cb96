// Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet) as the site key's
// protector. It exists only in the Electron main process, so it is handed to the key store from
// there (index.ts) and never imported elsewhere; the import and job processes the app forks get the
// opened key over their IPC channel (datasets/site-key-handover.ts); other processes read plain files.
import type { KeyProtector } from '../datasets/site-key-store.js';

/** The part of Electron's safeStorage the protector uses. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux, Electron 29+: which secret store is in use ('basic_text': none, a hard-coded password). */
  getSelectedStorageBackend?(): string;
}

/**
 * A protector over safeStorage, or null where the OS offers no keychain: no encryption at all, or
 * Linux without a secret service, where Electron falls back to 'basic_text' (a password written in
 * Chromium's source): that would only hide the key from the CLI, not from anyone else.
 */
export function safeStorageProtector(safeStorage: SafeStorage | undefined): KeyProtector | null {
  if (!safeStorage?.isEncryptionAvailable()) return null;
  if (safeStorage.getSelectedStorageBackend?.() === 'basic_text') return null;
  return {
    name: 'Electron safeStorage',
    // The key travels as hex text: safeStorage encrypts strings.
    protect: (plain) => safeStorage.encryptString(plain.toString('hex')),
    unprotect: (data) => Buffer.from(safeStorage.decryptString(data), 'hex'),
  };
}
