// The scoring loop of the evaluate job on a foreign model: scoreForeign (ml/foreign/score.ts) over
// chunks of a few batches, so that, like our bundles' loop (evaluate-score.ts), a cancel is seen
// within a chunk and what was scored is kept in a checkpoint that `openecg jobs resume` continues
// from. The checkpoint is JSON (a foreign model has few outputs and records are read from source
// files, so its size is small next to the scoring time) pinned to the bundle and the record list.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { writeJsonAtomic } from '../experiments/run-folder.js';
import { StepCancelled } from '../experiments/steps.js';
import { scoreForeign, type ForeignColumn, type ForeignScores } from '../ml/foreign/score.js';
import type { ForeignSession } from '../ml/foreign/session.js';
import type { SourceReader } from '../ml/foreign/source.js';

export interface ForeignScoreRun {
  readonly session: ForeignSession;
  readonly source: SourceReader;
  readonly batch: number;
  readonly signal: AbortSignal;
  /** Records done (scored + skipped) of this part so far. */
  readonly onBatch: (done: number) => void;
  /** Path prefix of this part's checkpoint (.json); none: no checkpoint. */
  readonly checkpoint?: string;
  /** Shown in the cancel message. */
  readonly part: string;
}

interface Kept {
  readonly bundle: string;
  readonly records: string;
  readonly done: number;
  readonly ids: number[];
  readonly paddedS: number[];
  readonly skipped: ForeignScores['skipped'];
  /** [column][scored record]. */
  readonly scores: number[][];
}

/** Batches per chunk: large enough that reading the next batch still overlaps the model's run. */
const CHUNK_BATCHES = 4;
const CHECKPOINT_EVERY_S = 15;

const hashOf = (ids: readonly number[]) => createHash('sha256').update(ids.join(',')).digest('hex');

function readKept(prefix: string, bundle: string, hash: string): Kept | null {
  try {
    if (!existsSync(`${prefix}.json`)) return null;
    const k = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as Kept;
    return k.bundle === bundle && k.records === hash && Array.isArray(k.ids) && k.scores.every((s) => s.length === k.ids.length) ? k : null;
  } catch {
    return null;
  }
}

/** scoreForeign's result for `ids`, resumed from and kept in the checkpoint. */
export async function scoreForeignResumable(bundleDir: string, catalog: Catalog, ids: readonly number[], o: ForeignScoreRun): Promise<ForeignScores> {
  const hash = hashOf(ids);
  const kept = o.checkpoint ? readKept(o.checkpoint, bundleDir, hash) : null;
  const scored: number[] = kept ? [...kept.ids] : [];
  const paddedS: number[] = kept ? [...kept.paddedS] : [];
  const skipped: ForeignScores['skipped'] = kept ? [...kept.skipped] : [];
  let columns: ForeignColumn[] | null = null;
  let scores: number[][] = kept ? kept.scores.map((s) => [...s]) : [];
  let done = kept?.done ?? 0;
  let last: ForeignScores | null = null;
  let saved = performance.now();
  const save = () => {
    if (!o.checkpoint) return;
    mkdirSync(dirname(o.checkpoint), { recursive: true });
    writeJsonAtomic(`${o.checkpoint}.json`, { bundle: bundleDir, records: hash, done, ids: scored, paddedS, skipped, scores } satisfies Kept);
    saved = performance.now();
  };
  const chunk = Math.max(1, o.batch) * CHUNK_BATCHES;
  if (done > 0) o.onBatch(done);
  while (done < ids.length) {
    const part = ids.slice(done, done + chunk);
    const before = done;
    let r: ForeignScores;
    try {
      r = await scoreForeign(bundleDir, catalog, part, { batch: o.batch, session: o.session, source: o.source, signal: o.signal, onBatch: (d) => o.onBatch(before + d) });
    } catch (err) {
      if (!o.signal.aborted) throw err;
      save();
      throw new StepCancelled(`scoring the ${o.part} records (${done} of ${ids.length} done and kept)`);
    }
    last = r;
    columns = r.columns;
    if (!scores.length) scores = r.columns.map(() => []);
    scored.push(...r.ids);
    paddedS.push(...r.paddedS);
    skipped.push(...r.skipped);
    r.scores.forEach((s, c) => scores[c].push(...s));
    done += part.length;
    // Let a stop request (a signal handler) run between chunks.
    await new Promise((res) => setImmediate(res));
    if (o.signal.aborted) {
      save();
      throw new StepCancelled(`scoring the ${o.part} records (${done} of ${ids.length} done and kept)`);
    }
    if (done < ids.length && (performance.now() - saved) / 1000 >= CHECKPOINT_EVERY_S) save();
  }
  // Everything came from the checkpoint: the columns and engine are the session's.
  const base = last ?? (await scoreForeign(bundleDir, catalog, [], { session: o.session, source: o.source }));
  columns ??= base.columns;
  if (!scores.length) scores = columns.map(() => []);
  return { ...base, columns, scores: scores.map((s) => Float32Array.from(s)), ids: scored, paddedS, skipped };
}
