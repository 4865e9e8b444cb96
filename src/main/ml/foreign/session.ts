// A foreign bundle open in ONNX Runtime: batches of records already brought to the card's input
// spec (prepareModelInput's tensors, in the card's layout) in, the card's output out, one row of
// scores per record in the card's class order. The graph already ends in the card's activation
// (docs/model-card.md: `activation` says what the last layer is), so scores are taken as they come:
// probabilities for sigmoid and softmax, raw scores for "none". A graph exported with a fixed batch
// is fed that many records at a time (the last call zero-filled).
import { availableParallelism } from 'node:os';
import { mapCardClasses, type CardClassMapping, type ModelCard } from '../../../shared/model-card.js';
import { createSession, loadOrt } from '../infer/ort.js';
import type { EngineInfo } from '../infer/engine.js';
import { readForeignBundle, readForeignGraph, type ForeignBundle } from './bundle.js';
import { rewordOrtError } from './card.js';

type Ort = Awaited<ReturnType<typeof loadOrt>>;
type Session = Awaited<ReturnType<typeof createSession>>['session'];

export interface ForeignSession {
  readonly bundle: ForeignBundle;
  readonly card: ModelCard;
  readonly mapping: readonly CardClassMapping[];
  readonly info: EngineInfo;
  /** Values per record: leads x samples. */
  readonly size: number;
  readonly classes: number;
  /** Scores [n x classes], record-major, for n records in the card's layout. */
  run(x: Float32Array, n: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export async function openForeignSession(dir: string, options: { threads?: number } = {}): Promise<ForeignSession> {
  const bundle = readForeignBundle(dir);
  const graph = readForeignGraph(bundle);
  let ort: Ort;
  try {
    ort = await loadOrt();
  } catch (err) {
    throw new Error(`a foreign model needs ONNX Runtime, which cannot be loaded: ${(err as Error).message}`);
  }
  const threads = options.threads ?? availableParallelism();
  let session: Session;
  let provider: string;
  let tried: string[];
  try {
    ({ session, provider, tried } = await createSession(ort, graph, { threads }));
  } catch (err) {
    throw new Error(`${bundle.dir}: ${rewordOrtError((err as Error).message)}`);
  }
  const { card } = bundle;
  const { layout, leads, samples, name: inputName } = card.input;
  const size = leads.length * samples;
  const classes = card.output.classes.length;
  const meta = (session as Partial<Pick<Session, 'inputMetadata'>>).inputMetadata?.find((m) => m.name === inputName);
  const fixed = meta && meta.isTensor && typeof meta.shape[0] === 'number' && meta.shape[0] > 0 ? meta.shape[0] : null;
  const dims = (n: number) => (layout === 'NCL' ? [n, leads.length, samples] : [n, samples, leads.length]);
  const call = async (x: Float32Array, n: number): Promise<Float32Array> => {
    const out = (await session.run({ [inputName]: new ort.Tensor('float32', x, dims(n)) }, [card.output.name]))[card.output.name];
    if (out.dims.length !== 2 || out.dims[0] !== n || out.dims[1] !== classes) throw new Error(`output '${card.output.name}' came back as [${out.dims.join(', ')}], not [${n}, ${classes}]`);
    const data = out.data as Float32Array | Float64Array;
    return data instanceof Float32Array ? data : Float32Array.from(data);
  };
  return {
    bundle,
    card,
    mapping: mapCardClasses(card),
    info: { engine: 'ort', provider, reason: 'foreign models run on ONNX Runtime', graph: 'bundle', threads, tried },
    size,
    classes,
    async run(x, n) {
      if (x.length !== n * size) throw new RangeError(`expected ${n} records of ${size} values, got ${x.length}`);
      if (fixed === null) return call(x, n);
      const out = new Float32Array(n * classes);
      for (let i = 0; i < n; i += fixed) {
        const m = Math.min(fixed, n - i);
        const part = new Float32Array(fixed * size);
        part.set(x.subarray(i * size, (i + m) * size));
        out.set((await call(part, fixed)).subarray(0, m * classes), i * classes);
      }
      return out;
    },
    dispose: () => session.release(),
  };
}
