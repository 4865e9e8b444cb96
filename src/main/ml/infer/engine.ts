// What every inference engine offers (docs/inference.md): logits, embeddings and MAE
// reconstructions for a batch of records already normalised as the bundle's preprocessing says
// (n x leads x samples, record-major). ONNX Runtime is preferred; TensorFlow.js is the fallback
// and stays the engine of training and gradient saliency.
import type { LoadedBundle } from '../bundle.js';
import type { PatchMask } from '../ssl/mae.js';

export const ENGINE_NAMES = ['ort', 'tfjs'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
export type EnginePreference = 'auto' | EngineName;

export interface EngineInfo {
  readonly engine: EngineName;
  /** ONNX Runtime's execution provider ('cpu', 'cuda', 'dml', 'coreml') or the TensorFlow.js backend ('wasm', 'tensorflow', 'cpu'). */
  readonly provider: string;
  /** Why this engine (and provider) was used, e.g. 'first engine in order of preference' or 'forced by OPENECG_ENGINE=tfjs'. */
  readonly reason: string;
  /** ONNX Runtime only: where the graph came from ('bundle' file or 'generated' from the weights on load) and its intra-op threads. */
  readonly graph?: 'bundle' | 'generated';
  readonly threads?: number;
  /** Providers tried before the one in use, with why they failed. */
  readonly tried?: readonly string[];
}

export interface InferenceEngine {
  readonly info: EngineInfo;
  readonly bundle: LoadedBundle;
  readonly leads: number;
  readonly samples: number;
  readonly classes: number;
  /** Logits [n x classes]; classifier and probe bundles only. */
  logits(x: Float32Array, n: number): Promise<Float32Array>;
  /** The backbone's pooled features [n x embeddingSize]. */
  embeddings(x: Float32Array, n: number): Promise<Float32Array>;
  /** MAE bundles only: the prediction of every patch [n x leads x samples], normalised units, for the given masks (one per record, equal `keep`). */
  reconstruct(x: Float32Array, n: number, masks: readonly PatchMask[]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/** One line for logs and the CLI: 'ort (cpu, 2 threads)' / 'tfjs (wasm)'. */
export function describeEngine(info: EngineInfo): string {
  const extra = info.engine === 'ort' && info.threads ? `, ${info.threads} threads` : '';
  return `${info.engine} (${info.provider}${extra})`;
}

export function checkBatch(x: Float32Array, n: number, leads: number, samples: number): void {
  if (!Number.isInteger(n) || n < 1 || x.length !== n * leads * samples) {
    throw new RangeError(`expected ${n} records of ${leads} x ${samples} values (${n * leads * samples}), got ${x.length}`);
  }
}
