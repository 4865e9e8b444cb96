// What the inspection methods need from the open workspace: the catalog's records, the canonical
// store (the models' input), and the model cache.
import { STANDARD_LEADS } from '../../shared/leads.js';
import { ApiError } from '../../shared/api.js';
import type { Catalog, RecordDetail } from '../catalog/index.js';
import type { ShardStore } from '../signal/store.js';
import type { ModelCache } from './model-cache.js';

export interface InspectContext {
  readonly workspace: string;
  catalog(): Catalog;
  store(): ShardStore;
  record(id: number): RecordDetail;
  readonly models: ModelCache;
}

/** A record's canonical row (12 x T, mV): exactly what training and evaluation fed the models. */
export function canonicalRecord(ctx: InspectContext, detail: RecordDetail): { data: Float32Array; samples: number; fs: number } {
  if (detail.shard === null || detail.offset === null) throw new ApiError('not-found', `record ${detail.id} (${detail.record}) is not in the canonical store`);
  const store = ctx.store();
  const data = store.read(detail.shard, detail.offset);
  const samples = data.length / STANDARD_LEADS.length;
  const rate = Number(ctx.catalog().settings()['store.rate'] ?? 100);
  return { data, samples, fs: rate };
}

/** Plain numbers for JSON: NaN (a hidden or invalid sample) cannot travel, and 5 decimals (10 nV) suffice. */
export function rounded(values: ArrayLike<number>, digits = 5): number[] {
  const k = 10 ** digits;
  return Array.from(values, (v) => (Number.isFinite(v) ? Math.round(v * k) / k : 0));
}
