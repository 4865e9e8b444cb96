// The canonical store's settings for a workspace: chosen by the first import, kept after it.
import { CANONICAL_DEFAULTS } from '../../shared/leads.js';
import type { Catalog } from '../catalog/catalog.js';
import { ImportArgumentError } from './errors.js';
import type { CanonicalSettings } from './protocol.js';

export type StoreDtype = 'int16' | 'float32';

export interface StoreRequest {
  readonly rate?: number;
  readonly length?: number;
  readonly dtype?: StoreDtype;
  readonly window?: CanonicalSettings['window'];
}

export interface StoreSettings extends CanonicalSettings {
  readonly dtype: StoreDtype;
}

const KEYS = { rate: 'store.rate', length: 'store.length', dtype: 'store.dtype', window: 'store.window' } as const;

/**
 * Defaults: 100 Hz x 1000 samples (10 s), int16 microvolts (half the disk of float32, 1 uV steps,
 * +-32.7 mV range), the 'cleanest' 10 s window. A workspace keeps what its first import chose;
 * asking for other settings later is refused, since one store holds one shape.
 */
export function resolveStoreSettings(catalog: Catalog, request: StoreRequest): StoreSettings {
  const stored = catalog.settings();
  const has = stored[KEYS.rate] !== undefined;
  const current: StoreSettings = has
    ? { rate: Number(stored[KEYS.rate]), length: Number(stored[KEYS.length]), dtype: stored[KEYS.dtype] as StoreDtype, window: stored[KEYS.window] as StoreSettings['window'] }
    : { rate: CANONICAL_DEFAULTS.rate, length: CANONICAL_DEFAULTS.length, dtype: 'int16', window: 'cleanest' };
  const wanted: StoreSettings = {
    rate: request.rate ?? current.rate,
    length: request.length ?? current.length,
    dtype: request.dtype ?? current.dtype,
    window: request.window ?? current.window,
  };
  if (has) {
    for (const k of ['rate', 'length', 'dtype', 'window'] as const) {
      if (wanted[k] !== current[k]) {
        throw new ImportArgumentError(`this workspace's canonical store uses ${k} ${current[k]}; it cannot take ${wanted[k]} (use a new workspace)`);
      }
    }
    return current;
  }
  if (!(wanted.rate > 0) || !Number.isInteger(wanted.length) || wanted.length < 1) {
    throw new ImportArgumentError(`unusable store settings: rate ${wanted.rate} Hz, length ${wanted.length} samples`);
  }
  catalog.setSetting(KEYS.rate, String(wanted.rate));
  catalog.setSetting(KEYS.length, String(wanted.length));
  catalog.setSetting(KEYS.dtype, wanted.dtype);
  catalog.setSetting(KEYS.window, wanted.window);
  return wanted;
}
