// `openecg export --format shards`: the canonical signals of a pool of records in fixed-size
// shards that every rank of a cluster job memory-maps (docs/cluster.md): signals-<6>.npy
// (n, 12, T) int16 uV or float32 mV, labels-<6>.npy (n, 24) uint8, and index.json (record and
// patient ids, centers, split part per record, each shard's records and SHA-256). Each shard is
// written under a temporary name and renamed; index.json is rewritten after every shard, so an
// interrupted export resumes at the first missing shard, and a shard whose records, dtype and
// size match the previous index is kept as it is (a second export of the same pool writes nothing).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES } from '../../../shared/classes.js';
import { LEAD_COUNT, STANDARD_LEADS } from '../../../shared/leads.js';
import { Catalog, ensurePatientSplit } from '../../catalog/index.js';
import { ShardStore } from '../../signal/store.js';
import { writeFileAtomic } from '../run-folder.js';
import { scalingRecords } from '../selection.js';
import { npyHeader } from './npy.js';

export const SHARDS_FORMAT = 'openecg-shards';
export const SHARDS_VERSION = 1;
export const SHARDS_INDEX = 'index.json';
export type ShardDtype = 'int16' | 'float32';

export interface ShardExportOptions {
  /** Centers taking part (default all). */
  readonly centers?: readonly string[];
  /** LODO fold: the pool of the fold whose held-out target is this center (every other center). */
  readonly fold?: string;
  /** Scaling subset of the train part at this fraction (nested, by patient; seed `scalingSeed`). */
  readonly fraction?: number;
  readonly scalingSeed?: number;
  readonly splitSeed?: number;
  /** Exactly these record ids (an experiment step's records), instead of centers / fold / fraction. */
  readonly ids?: readonly number[];
  /** The split set whose parts the index carries (default: the patient split of `splitSeed`). */
  readonly splitSet?: number;
  readonly dtype?: ShardDtype;
  /** Records per shard (default 4096: 98 MB of int16). */
  readonly shardSize?: number;
  /** Re-hash kept shards instead of trusting their records and size (once per process while size and mtime hold). */
  readonly verify?: boolean;
  onProgress?(done: number, total: number, bytes: number): void;
}

export interface ShardEntry {
  readonly signals: string;
  readonly labels: string;
  readonly first: number;
  readonly count: number;
  readonly signals_bytes: number;
  readonly signals_sha256: string;
  readonly labels_sha256: string;
  /** SHA-256 of the shard's record ids: what decides whether a shard can be kept. */
  readonly records_sha256: string;
}

export interface ShardIndex {
  readonly format: typeof SHARDS_FORMAT;
  readonly version: number;
  readonly complete: boolean;
  readonly dtype: ShardDtype;
  readonly units: 'uV' | 'mV';
  readonly leads: string[];
  readonly samples: number;
  readonly rate: number;
  readonly shard_size: number;
  readonly classes: string[];
  readonly pool: { centers: string[]; fold: string | null; fraction: number | null; split_seed: number; split_set: number };
  readonly count: number;
  readonly centers: string[];
  /** Columns, one entry per exported row (row i is shard i / shard_size, offset i % shard_size). */
  readonly records: { id: number[]; record: string[]; patient: string[]; center: number[]; split: (string | null)[] };
  readonly shards: ShardEntry[];
}

export interface ShardExportSummary {
  readonly out: string;
  readonly records: number;
  readonly shards: number;
  /** Shards written now; the others were kept from an earlier export. */
  readonly written: number;
  readonly bytes_written: number;
  readonly seconds: number;
  readonly mb_per_s: number;
}

interface Row {
  id: number;
  record: string;
  center: string;
  patient: string;
  part: string | null;
  classes: number;
  shard: number;
  offset: number;
}

function selectRows(catalog: Catalog, options: ShardExportOptions, splitSet: number): { rows: Row[]; centers: string[] } {
  const all = catalog.summary().centers.map((c) => c.center);
  const unknown = [...(options.centers ?? []), ...(options.fold ? [options.fold] : [])].filter((c) => !all.includes(c));
  if (unknown.length) throw new Error(`unknown centers: ${unknown.join(', ')} (the workspace has ${all.join(', ')})`);
  let centers = options.centers ? [...options.centers].sort() : all;
  if (options.fold) centers = centers.filter((c) => c !== options.fold);
  const rows = catalog.db
    .prepare(
      `SELECT r.id, r.record, c.name AS center, p.key AS patient, a.part, r.classes, r.shard, r.offset
       FROM records r JOIN centers c ON c.id = r.center_id JOIN patients p ON p.id = r.patient_id
       LEFT JOIN split_assignments a ON a.split_set_id = ? AND a.patient_id = r.patient_id
       WHERE r.shard IS NOT NULL ORDER BY r.id`,
    )
    .all(splitSet) as Row[];
  if (options.ids) {
    const wanted = new Set(options.ids);
    const picked = rows.filter((r) => wanted.has(r.id));
    if (picked.length !== wanted.size) throw new Error(`${wanted.size - picked.length} of the ${wanted.size} records asked for are not in the canonical store`);
    return { rows: picked, centers: [...new Set(picked.map((r) => r.center))].sort() };
  }
  const inPool = new Set(centers);
  let picked = rows.filter((r) => inPool.has(r.center));
  if (options.fraction !== undefined) {
    const { ids } = scalingRecords(catalog, { splitId: splitSet, pool: centers, seed: options.scalingSeed ?? 0, unit: 'patient', fraction: options.fraction });
    const keep = new Set(ids);
    picked = picked.filter((r) => keep.has(r.id));
  }
  return { rows: picked, centers };
}

/**
 * mV -> int16 uV, rounded. From an int16 store the values are uV / 1000 in float32, so they round
 * back exactly and are in range: the hot loop skips the clamp (a float32 store needs it).
 */
function toMicrovolts(mv: Float32Array, fromInt16: boolean): Int16Array {
  const uv = new Int16Array(mv.length);
  if (fromInt16) {
    for (let j = 0; j < mv.length; j++) {
      const v = mv[j] * 1000;
      uv[j] = v + (v >= 0 ? 0.5 : -0.5); // Int16Array stores truncate: this rounds half away from 0
    }
    return uv;
  }
  for (let j = 0; j < mv.length; j++) uv[j] = Math.max(-32768, Math.min(32767, Math.round(mv[j] * 1000)));
  return uv;
}

function readIndex(out: string): ShardIndex | null {
  const path = join(out, SHARDS_INDEX);
  if (!existsSync(path)) return null;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as ShardIndex;
    return doc.format === SHARDS_FORMAT && doc.version === SHARDS_VERSION ? doc : null;
  } catch {
    return null;
  }
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/**
 * SHA-256 of the shard files this process wrote or hashed, by path, with the size and mtime they had:
 * a pool re-used by every step of a run is hashed once per job process, not once per step (a file
 * changed since has another mtime or size and is hashed again).
 */
const hashedHere = new Map<string, { size: number; mtimeMs: number; sha: string }>();

function remember(path: string, sha: string): void {
  const st = statSync(path);
  hashedHere.set(path, { size: st.size, mtimeMs: st.mtimeMs, sha });
}

function fileSha256(path: string): string {
  const st = statSync(path);
  const known = hashedHere.get(path);
  if (known && known.size === st.size && known.mtimeMs === st.mtimeMs) return known.sha;
  const sha = sha256(readFileSync(path));
  hashedHere.set(path, { size: st.size, mtimeMs: st.mtimeMs, sha });
  return sha;
}

/** Writes header + chunks to a temporary name, fsyncs, renames; returns the file's SHA-256 and size. */
function writeHashed(path: string, chunks: Iterable<Uint8Array>): { sha: string; bytes: number } {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for (const c of chunks) {
      let done = 0;
      while (done < c.byteLength) done += writeSync(fd, c, done, c.byteLength - done);
      hash.update(c);
      bytes += c.byteLength;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const sha = hash.digest('hex');
  remember(path, sha);
  return { sha, bytes };
}

function keepable(prev: ShardIndex | null, out: string, entry: { records_sha256: string; count: number }, dtype: ShardDtype, k: number, verify: boolean): ShardEntry | null {
  const old = prev?.dtype === dtype ? prev.shards[k] : undefined;
  if (!old || old.records_sha256 !== entry.records_sha256 || old.count !== entry.count) return null;
  const sig = join(out, old.signals);
  const lab = join(out, old.labels);
  if (!existsSync(sig) || !existsSync(lab) || statSync(sig).size !== old.signals_bytes) return null;
  if (verify && (fileSha256(sig) !== old.signals_sha256 || fileSha256(lab) !== old.labels_sha256)) return null;
  return old;
}

export function exportShards(workspace: string, out: string, options: ShardExportOptions = {}): ShardExportSummary {
  const t0 = performance.now();
  const dtype = options.dtype ?? 'int16';
  const shardSize = options.shardSize ?? 4096;
  if (!(shardSize >= 1 && Number.isInteger(shardSize))) throw new RangeError(`shard size must be a positive integer, got ${shardSize}`);
  const catalog = Catalog.open(workspace, { create: false });
  const store = ShardStore.openReader(join(workspace, 'store'));
  try {
    const splitSeed = options.splitSeed ?? 0;
    const split = options.splitSet !== undefined ? { id: options.splitSet } : ensurePatientSplit(catalog, { seed: splitSeed });
    const { rows, centers } = selectRows(catalog, options, split.id);
    mkdirSync(out, { recursive: true });
    const prev = readIndex(out);
    const centerList = [...new Set(rows.map((r) => r.center))].sort();
    const centerIndex = new Map(centerList.map((c, i) => [c, i]));
    const shards: ShardEntry[] = [];
    const base = {
      format: SHARDS_FORMAT,
      version: SHARDS_VERSION,
      dtype,
      units: dtype === 'int16' ? 'uV' : 'mV',
      leads: [...STANDARD_LEADS],
      samples: store.length,
      rate: store.rate,
      shard_size: shardSize,
      classes: CLASSES.map((c) => c.abbreviation),
      pool: { centers, fold: options.fold ?? null, fraction: options.fraction ?? null, split_seed: splitSeed, split_set: split.id },
      count: rows.length,
      centers: centerList,
      records: { id: rows.map((r) => r.id), record: rows.map((r) => r.record), patient: rows.map((r) => r.patient), center: rows.map((r) => centerIndex.get(r.center)!), split: rows.map((r) => r.part) },
    } as const;
    const saveIndex = (complete: boolean) => writeFileAtomic(join(out, SHARDS_INDEX), JSON.stringify({ ...base, complete, shards }) + '\n');
    const total = Math.ceil(rows.length / shardSize);
    let written = 0;
    let bytesWritten = 0;
    for (let k = 0; k < total; k++) {
      const part = rows.slice(k * shardSize, (k + 1) * shardSize);
      const recordsSha = sha256(part.map((r) => r.id).join(','));
      const kept = keepable(prev, out, { records_sha256: recordsSha, count: part.length }, dtype, k, options.verify ?? false);
      if (kept) {
        shards.push(kept);
      } else {
        const name = String(k).padStart(6, '0');
        // 256 records at a time from the store to the file: memory stays flat for any shard size.
        function* chunks(): Generator<Uint8Array> {
          yield npyHeader([part.length, LEAD_COUNT, store.length], dtype === 'int16' ? '<i2' : '<f4');
          for (let i = 0; i < part.length; i += 256) {
            const mv = store.readMany(part.slice(i, i + 256));
            if (dtype === 'float32') {
              yield new Uint8Array(mv.buffer, mv.byteOffset, mv.byteLength);
              continue;
            }
            yield new Uint8Array(toMicrovolts(mv, store.dtype === 'int16').buffer);
          }
        }
        const labels = new Uint8Array(part.length * CLASSES.length);
        part.forEach((r, i) => CLASSES.forEach((_, c) => (labels[i * CLASSES.length + c] = (r.classes >>> c) & 1)));
        const sig = writeHashed(join(out, `signals-${name}.npy`), chunks());
        const lab = writeHashed(join(out, `labels-${name}.npy`), [npyHeader([part.length, CLASSES.length], '|u1'), labels]);
        shards.push({ signals: `signals-${name}.npy`, labels: `labels-${name}.npy`, first: k * shardSize, count: part.length, signals_bytes: sig.bytes, signals_sha256: sig.sha, labels_sha256: lab.sha, records_sha256: recordsSha });
        written++;
        bytesWritten += sig.bytes + lab.bytes;
      }
      saveIndex(false);
      options.onProgress?.(k + 1, total, bytesWritten);
    }
    saveIndex(true);
    const seconds = (performance.now() - t0) / 1000;
    return { out, records: rows.length, shards: total, written, bytes_written: bytesWritten, seconds: +seconds.toFixed(3), mb_per_s: +(bytesWritten / 1e6 / Math.max(seconds, 1e-9)).toFixed(1) };
  } finally {
    store.close();
    catalog.close();
  }
}
