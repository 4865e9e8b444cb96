// Training and evaluation data straight from the canonical store: batches are read by step, so a
// pre-training pool of any size never has to fit in memory, and the same step gives the same batch
// (what makes a resumed run continue exactly).
import { CLASS_COUNT } from '../../shared/classes.js';
import type { Catalog } from '../catalog/index.js';
import { type LabelledSource, type RecordSource } from '../ml/index.js';
import { EpochOrder } from '../ml/train/data.js';
import type { ShardStore } from '../signal/store.js';

export interface RecordRef {
  readonly id: number;
  readonly patient: number;
  readonly shard: number;
  readonly offset: number;
  /** Bit i set: the record carries class i. */
  readonly classes: number;
  /** Seconds of zero padding at the end of the canonical record (records.padded_s). */
  readonly paddedS: number;
}

/** The store locations and labels of record ids, in id order; ids not in the store are refused. */
export function recordRefs(catalog: Catalog, ids: readonly number[]): RecordRef[] {
  const get = catalog.db.prepare('SELECT id, patient_id AS patient, shard, offset, classes, padded_s AS paddedS FROM records WHERE id = ?');
  const out: RecordRef[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const r = get.get(id) as RecordRef | undefined;
    if (!r || r.shard === null || r.offset === null) throw new Error(`record ${id} is not in the canonical store`);
    out.push(r);
  }
  return out;
}

export function storeSource(store: ShardStore, refs: readonly RecordRef[], seed: number): RecordSource {
  const order = new EpochOrder(refs.length, seed);
  return { size: refs.length, next: (size, step) => store.readMany(order.indices(size, step).map((i) => refs[i])) };
}

export function labelledStoreSource(store: ShardStore, refs: readonly RecordRef[], seed: number): LabelledSource {
  const order = new EpochOrder(refs.length, seed);
  return {
    size: refs.length,
    next(size, step) {
      const picked = order.indices(size, step).map((i) => refs[i]);
      return { x: store.readMany(picked), y: labelMatrix(picked) };
    },
  };
}

/** n x 24 0/1 labels, record-major (the layout trainSupervised takes). */
export function labelMatrix(refs: readonly RecordRef[]): Float32Array {
  const y = new Float32Array(refs.length * CLASS_COUNT);
  refs.forEach((r, i) => {
    for (let c = 0; c < CLASS_COUNT; c++) if (r.classes & (1 << c)) y[i * CLASS_COUNT + c] = 1;
  });
  return y;
}

/** [class][record] 0/1, the layout of the metrics. */
export function labelColumns(refs: readonly RecordRef[]): Uint8Array[] {
  return Array.from({ length: CLASS_COUNT }, (_, c) => Uint8Array.from(refs, (r) => ((r.classes >>> c) & 1 ? 1 : 0)));
}
