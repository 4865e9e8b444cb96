// The scoring loop of the evaluate job: batches from the canonical store through the bundle's
// classifier (ONNX Runtime in a worker thread with the GPU providers it lists, else TensorFlow.js),
// the next batch read while the engine computes. Unlike classifyBatches it yields to the event loop
// after every batch, so a cancel (SIGTERM) is seen at the next batch, and it keeps the logits
// scored so far in a checkpoint, so `openecg jobs resume` continues where the job stopped.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CLASSES } from '../../shared/classes.js';
import type { RecordRef } from '../experiments/data.js';
import { writeJsonAtomic } from '../experiments/run-folder.js';
import { StepCancelled } from '../experiments/steps.js';
import { chooseBackend, normalizeBatch, openSyncClassifier, probabilityColumns, type BackendRequest, type EngineInfo, type EnginePreference, type SyncClassifier } from '../ml/index.js';
import { resolvePreference } from '../ml/infer/index.js';
import type { ShardStore } from '../signal/store.js';

export interface ScoreOptions {
  readonly signal: AbortSignal;
  /** Called after every batch with the records scored so far of this part. */
  readonly onBatch: (done: number) => void;
  readonly onEngine: (info: EngineInfo) => void;
  /** Path prefix of this part's checkpoint (.json + .f32); none: no checkpoint. */
  readonly checkpoint?: string;
  /** Shown in the cancel message. */
  readonly part: string;
}

/**
 * The classifier on the preferred engine. TensorFlow.js's backend is chosen only when TensorFlow.js
 * computes: choosing it compiles the WASM backend (seconds), which ONNX Runtime never needs.
 */
export async function openClassifier(bundle: string, engine: EnginePreference = 'auto', backend: BackendRequest = 'auto'): Promise<SyncClassifier> {
  const { preference } = resolvePreference({ engine });
  if (preference === 'tfjs') {
    await chooseBackend({ prefer: backend });
    return openSyncClassifier(bundle, { engine });
  }
  try {
    return openSyncClassifier(bundle, { engine: 'ort' });
  } catch (err) {
    if (preference === 'ort') throw err;
    await chooseBackend({ prefer: backend });
    const c = openSyncClassifier(bundle, { engine: 'tfjs' });
    const why = (err as Error).message.replace(/^inference engine 'ort' [^,]*, but ONNX Runtime failed: /, '').split('\n')[0].slice(0, 300);
    return { ...c, info: { ...c.info, reason: `ONNX Runtime unavailable (${why}); TensorFlow.js fallback` } };
  }
}

/** Seconds between checkpoint writes (and always when stopped). */
const CHECKPOINT_EVERY_S = 15;

interface CheckpointHead {
  readonly bundle: string;
  readonly records: string;
  readonly classes: number;
  readonly done: number;
}

const recordsHash = (refs: readonly RecordRef[]) => createHash('sha256').update(refs.map((r) => r.id).join(',')).digest('hex');

function readCheckpoint(prefix: string, bundle: string, hash: string): { done: number; logits: Float32Array } | null {
  try {
    if (!existsSync(`${prefix}.json`)) return null;
    const head = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as CheckpointHead;
    if (head.bundle !== bundle || head.records !== hash) return null;
    const bytes = readFileSync(`${prefix}.f32`);
    if (bytes.byteLength !== head.done * head.classes * 4) return null;
    return { done: head.done, logits: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
  } catch {
    return null;
  }
}

function writeCheckpoint(prefix: string, head: CheckpointHead, logits: Float32Array): void {
  mkdirSync(dirname(prefix), { recursive: true });
  const tmp = `${prefix}.f32.tmp-${process.pid}`;
  writeFileSync(tmp, logits.subarray(0, head.done * head.classes));
  renameSync(tmp, `${prefix}.f32`);
  writeJsonAtomic(`${prefix}.json`, head);
}

/** Probabilities [class][record] of the records, in refs order, by the classifier opened on `bundle`. */
export async function scoreRecords(c: SyncClassifier, bundle: string, refs: readonly RecordRef[], store: ShardStore, batch: number, o: ScoreOptions): Promise<Float32Array[]> {
  const count = refs.length;
  o.onEngine(c.info);
  const k = c.classes;
  const hash = recordsHash(refs);
  const logits = new Float32Array(count * k);
  const resumed = o.checkpoint ? readCheckpoint(o.checkpoint, bundle, hash) : null;
  let start = 0;
  if (resumed && resumed.logits.length <= logits.length) {
    logits.set(resumed.logits);
    start = resumed.done;
  }
  const size = Math.max(1, batch);
  const load = (from: number) => {
    const to = Math.min(count, from + size);
    return normalizeBatch(store.readMany(refs.slice(from, to)), to - from, c.leads, c.normalisation).data;
  };
  let saved = performance.now();
  const save = (done: number) => {
    if (!o.checkpoint) return;
    writeCheckpoint(o.checkpoint, { bundle, records: hash, classes: k, done }, logits);
    saved = performance.now();
  };
  let next = start < count ? load(start) : undefined;
  for (let from = start; from < count; from += size) {
    const n = Math.min(size, count - from);
    c.submit(next!, n);
    next = from + size < count ? load(from + size) : undefined;
    logits.set(c.collect(), from * k);
    const done = from + n;
    o.onBatch(done);
    // Let a stop request (a signal handler) run between batches.
    await new Promise((r) => setImmediate(r));
    if (o.signal.aborted) {
      save(done);
      throw new StepCancelled(`scoring the ${o.part} records (${done} of ${count} scored and kept)`);
    }
    if (done < count && (performance.now() - saved) / 1000 >= CHECKPOINT_EVERY_S) save(done);
  }
  return probabilityColumns(logits, count, CLASSES.length);
}
