// Messages between the import pipeline (main thread) and its worker threads.
import type { Candidate, RecordMeta } from '../datasets/types.js';
import type { StoreDtype } from '../signal/store-file.js';

export interface CanonicalSettings {
  readonly rate: number;
  readonly length: number;
  readonly window: 'first' | 'center' | 'cleanest';
}

/** What a worker needs to turn a record into the store's bytes. */
export interface LoadSettings extends CanonicalSettings {
  readonly dtype: StoreDtype;
}

/** A worker's workerData: the canonical settings, and the resampling kernel's binary (null: the JS path). */
export interface WorkerSetup {
  readonly settings: LoadSettings;
  readonly fir: Uint8Array | null;
  /** Site imports: the workspace's pseudonymisation key, resolved by the main thread (never written anywhere by the worker). */
  readonly siteKey?: { readonly workspace: string; readonly key: Uint8Array } | null;
}

/** What a worker sends back for one record: catalog metadata plus the canonical signal. */
export interface LoadedRecord {
  readonly meta: RecordMeta;
  readonly fs: number;
  readonly sigLen: number;
  readonly leads: readonly string[];
  /** The canonical record (12 x length, lead-major) as the store writes it (encodeRecord). */
  readonly encoded: Uint8Array;
  /** Samples clipped by the int16 encoding. */
  readonly clipped: number;
  readonly missingLeads: readonly string[];
  /** First source sample of the canonical window (annotations are placed on the canonical view with it). */
  readonly windowStart: number;
  /** Seconds of zero padding at the end of the canonical record (record shorter than the window). */
  readonly paddedS: number;
  readonly derivedLeads: readonly string[];
  readonly warnings: readonly string[];
  /** Bytes of signal files read, for the MB/s figure. */
  readonly bytes: number;
}

export interface LoadFailure {
  readonly code: string;
  readonly message: string;
  readonly path: string;
}

/** Records go to a worker, and come back, in batches: one message per batch, not per record. */
export type ToWorker =
  | { readonly type: 'load'; readonly id: number; readonly candidates: readonly Candidate[] }
  | { readonly type: 'stop' };

export type LoadResult = { readonly ok: true; readonly record: LoadedRecord } | { readonly ok: false; readonly failure: LoadFailure };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'loaded'; readonly id: number; readonly results: readonly LoadResult[] };
