// Scores of a foreign model (docs/model-card.md) on catalog records: each record is read from its
// SOURCE file (source.ts; the canonical store holds 100 Hz x 10 s, not the model's rate and length), brought to the card's input spec by prepareModelInput (lead mapping,
// units, anti-aliased resampling, filter, normalisation, the window rule, zero padding at the
// end), and run through ONNX Runtime in batches; while one batch runs, the next is read and prepared.
// A record that cannot be brought to the spec (unreadable, too short for the zero-phase filter, none
// of the model's leads) is skipped with its reason: counted and returned, never dropped silently.
import { mapCardClasses, type CardClassMapping } from '../../../shared/model-card.js';
import type { Catalog } from '../../catalog/index.js';
import { dirname } from 'node:path';
import { prepareModelInput, type ModelInput } from '../../signal/model-input.js';
import type { WindowRule } from '../../signal/window.js';
import type { EngineInfo } from '../infer/engine.js';
import { openForeignSession, type ForeignSession } from './session.js';
import { SourceReader } from './source.js';

/** One output of the model: its own name, and our class or a SNOMED-CT code where the card gives one. */
export interface ForeignColumn {
  readonly output: number;
  readonly name: string;
  /** Our class abbreviation (src/shared/classes.ts) when the output maps to one of the 24. */
  readonly class?: string;
  readonly classIndex?: number;
  /** The card's SNOMED-CT code (or our class's first code). */
  readonly snomed?: string;
}

export interface ForeignScores {
  readonly columns: ForeignColumn[];
  /** Per column, one score per scored record (in `ids` order). */
  readonly scores: Float32Array[];
  /** The records scored, in the order asked (skipped ones left out). */
  readonly ids: number[];
  /** Per scored record: seconds of zero padding at the end of the model's input (0: all signal). */
  readonly paddedS: number[];
  readonly skipped: { id: number; record: string; reason: string }[];
  readonly engine: EngineInfo;
  readonly activation: 'sigmoid' | 'softmax' | 'none';
}

export interface ForeignScoreOptions {
  /** Records per ONNX Runtime call (default 32). */
  readonly batch?: number;
  /** After each batch: records done (scored + skipped) of the total. */
  readonly onBatch?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  readonly window?: WindowRule;
  /** An open session to use (kept open); else the bundle's is opened and closed. */
  readonly session?: ForeignSession;
  readonly source?: SourceReader;
}

export function foreignColumns(mapping: readonly CardClassMapping[]): ForeignColumn[] {
  return mapping.map((m) => ({
    output: m.output,
    name: m.name,
    ...(m.abbreviation !== null && m.classIndex !== null ? { class: m.abbreviation, classIndex: m.classIndex } : {}),
    ...(m.snomed !== null ? { snomed: m.snomed } : {}),
  }));
}

/** One record from its source file, at the card's spec; a string is why it cannot be. */
export async function foreignInput(catalog: Catalog, source: SourceReader, session: ForeignSession, id: number, window?: WindowRule): Promise<ModelInput | { record: string; reason: string }> {
  const detail = catalog.getRecord(id);
  if (!detail) return { record: String(id), reason: 'not in the catalog' };
  try {
    return prepareModelInput(await source.read(detail), session.card.input, { window });
  } catch (err) {
    return { record: detail.record, reason: (err as Error).message.split('\n')[0] };
  }
}

export async function scoreForeign(bundleDir: string, catalog: Catalog, recordIds: readonly number[], options: ForeignScoreOptions = {}): Promise<ForeignScores> {
  const session = options.session ?? (await openForeignSession(bundleDir));
  try {
    const { card, size, classes } = session;
    const source = options.source ?? new SourceReader(dirname(catalog.file), catalog);
    const batch = Math.max(1, options.batch ?? 32);
    const rows: Float32Array[] = [];
    const ids: number[] = [];
    const paddedS: number[] = [];
    const skipped: { id: number; record: string; reason: string }[] = [];
    let done = 0;
    const prepare = async (from: number) => {
      const part: { id: number; input: ModelInput }[] = [];
      for (const id of recordIds.slice(from, from + batch)) {
        const r = await foreignInput(catalog, source, session, id, options.window);
        if ('reason' in r) skipped.push({ id, ...r });
        else part.push({ id, input: r });
      }
      return { part, count: Math.min(batch, recordIds.length - from) };
    };
    let next = recordIds.length > 0 ? await prepare(0) : null;
    for (let from = 0; next; from += batch) {
      options.signal?.throwIfAborted();
      const { part, count } = next;
      const x = new Float32Array(part.length * size);
      part.forEach((p, i) => x.set(p.input.data, i * size));
      const running = part.length > 0 ? session.run(x, part.length) : Promise.resolve(new Float32Array(0));
      // Read and prepare the next batch while ONNX Runtime computes this one.
      const following = from + batch < recordIds.length ? prepare(from + batch) : Promise.resolve(null);
      const [out, after] = await Promise.all([running, following]);
      part.forEach((p, i) => {
        rows.push(out.subarray(i * classes, (i + 1) * classes));
        ids.push(p.id);
        paddedS.push(p.input.paddedSamples / card.input.rate);
      });
      done += count;
      options.onBatch?.(done, recordIds.length);
      next = after;
    }
    const scores = Array.from({ length: classes }, (_, c) => Float32Array.from(rows, (r) => r[c]));
    return { columns: foreignColumns(mapCardClasses(card)), scores, ids, paddedS, skipped, engine: session.info, activation: card.output.activation };
  } finally {
    if (!options.session) await session.dispose();
  }
}
