// store.json of the canonical store: the settings a store was written with, checked on every open.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEAD_COUNT, STANDARD_LEADS } from '../../shared/leads.js';

export const STORE_FORMAT = 'openecg-canonical-store';
export const STORE_VERSION = 1;
export const DEFAULT_RECORDS_PER_SHARD = 4096;
/** int16 stores microvolts. */
export const INT16_PER_MV = 1000;

export type StoreDtype = 'int16' | 'float32';

export interface StoreSettings {
  readonly rate: number;
  readonly length: number;
  readonly dtype: StoreDtype;
  /** Records per shard file (default 4096). */
  readonly recordsPerShard?: number;
}

export interface StoreFile {
  format: string;
  version: number;
  rate: number;
  length: number;
  dtype: StoreDtype;
  recordsPerShard: number;
  recordBytes: number;
  leads: string[];
  layout: string;
  int16PerMv: number;
}

export class StoreError extends Error {
  constructor(
    readonly code: 'settings-mismatch' | 'not-a-store' | 'corrupt' | 'bad-record' | 'out-of-range' | 'read-only' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function readStoreFile(dir: string): StoreFile {
  let file: StoreFile;
  try {
    file = JSON.parse(readFileSync(join(dir, 'store.json'), 'utf8')) as StoreFile;
  } catch (err) {
    throw new StoreError('not-a-store', `${join(dir, 'store.json')} is unreadable: ${(err as Error).message}`);
  }
  if (file.format !== STORE_FORMAT) throw new StoreError('not-a-store', `${dir} is not a canonical store (format '${file.format}')`);
  if (file.version !== STORE_VERSION) throw new StoreError('settings-mismatch', `${dir} is a canonical store of version ${file.version}; this build reads version ${STORE_VERSION}`);
  if (file.leads.join(',') !== STANDARD_LEADS.join(',')) throw new StoreError('settings-mismatch', `${dir} stores leads ${file.leads.join(', ')}; this build expects ${STANDARD_LEADS.join(', ')}`);
  return file;
}

export function createStoreFile(dir: string, settings: StoreSettings): StoreFile {
  const { rate, length, dtype } = settings;
  const recordsPerShard = settings.recordsPerShard ?? DEFAULT_RECORDS_PER_SHARD;
  if (!(rate > 0) || !Number.isInteger(length) || length < 1 || !Number.isInteger(recordsPerShard) || recordsPerShard < 1 || (dtype !== 'int16' && dtype !== 'float32')) {
    throw new RangeError(`bad store settings: ${JSON.stringify(settings)}`);
  }
  const file: StoreFile = {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    rate,
    length,
    dtype,
    recordsPerShard,
    recordBytes: LEAD_COUNT * length * (dtype === 'int16' ? 2 : 4),
    leads: [...STANDARD_LEADS],
    layout: 'records back to back; each 12 leads x length samples, lead-major, little-endian',
    int16PerMv: INT16_PER_MV,
  };
  const tmp = join(dir, `store.json.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(dir, 'store.json'));
  return file;
}

export function checkSettings(dir: string, file: StoreFile, settings: StoreSettings): void {
  const differ: string[] = [];
  if (file.rate !== settings.rate) differ.push(`rate ${file.rate} Hz, asked ${settings.rate} Hz`);
  if (file.length !== settings.length) differ.push(`length ${file.length}, asked ${settings.length}`);
  if (file.dtype !== settings.dtype) differ.push(`dtype ${file.dtype}, asked ${settings.dtype}`);
  if (settings.recordsPerShard !== undefined && file.recordsPerShard !== settings.recordsPerShard) differ.push(`recordsPerShard ${file.recordsPerShard}, asked ${settings.recordsPerShard}`);
  if (differ.length > 0) throw new StoreError('settings-mismatch', `the store in ${dir} was written with other settings (${differ.join('; ')}): use another folder or the same settings`);
}
