// Electron's safeStorage (the OS keychain: Keychain, DPAPI, libsecret/kwallet) as the site key's
// protector. It exists only in the Electron main process, so it is handed to the key store from
// there (index.ts) and never imported elsewhere; every other process reads plain key files.
import type { KeyProtector } from '../datasets/site-key-store.js';

/** The part of Electron's safeStorage the protector uses. */
export interface SafeStorage {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** A protector over safeStorage, or null where the OS offers no keychain (Linux without a secret service). */
export function safeStorageProtector(safeStorage: SafeStorage | undefined): KeyProtector | null {
  if (!safeStorage?.isEncryptionAvailable()) return null;
  return {
    name: 'Electron safeStorage',
    // The key travels as hex text: safeStorage encrypts strings.
    protect: (plain) => safeStorage.encryptString(plain.toString('hex')),
    unprotect: (data) => Buffer.from(safeStorage.decryptString(data), 'hex'),
  };
}
