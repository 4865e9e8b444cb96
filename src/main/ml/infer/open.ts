// Choosing the inference engine for a bundle: ONNX Runtime when it loads, TensorFlow.js otherwise.
// OPENECG_ENGINE in the environment wins over the caller's setting (as OPENECG_BACKEND does for
// the tfjs backend); a forced engine that cannot start is an error, never a silent fallback.
import { readBundle, type LoadedBundle } from '../bundle.js';
import { chooseBackend } from '../backend.js';
import { ENGINE_NAMES, type EngineInfo, type EnginePreference, type InferenceEngine } from './engine.js';
import { candidateProviders, loadOrt, openOrtEngine } from './ort.js';
import { openTfjsEngine } from './tfjs.js';

export interface EngineOptions {
  /** A setting (experiment config `engine`, job params, API, --engine); default 'auto'. */
  readonly engine?: EnginePreference;
  /** Environment for OPENECG_ENGINE and OPENECG_ORT (tests pass their own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** ONNX Runtime intra-op threads (default: one per core). */
  readonly threads?: number;
  /** ONNX Runtime execution providers to try, in order (default: GPU ones listed, then cpu). */
  readonly providers?: readonly string[];
}

export function parseEnginePreference(value: string | undefined): EnginePreference | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'auto' || (ENGINE_NAMES as readonly string[]).includes(v)) return v as EnginePreference;
  throw new Error(`unknown inference engine '${value}' (expected auto, ${ENGINE_NAMES.join(', ')})`);
}

/** The engine asked for and by whom. */
export function resolvePreference(options: EngineOptions = {}): { preference: EnginePreference; forcedBy: string } {
  const env = options.env ?? process.env;
  const fromEnv = parseEnginePreference(env.OPENECG_ENGINE);
  if (fromEnv && fromEnv !== 'auto') return { preference: fromEnv, forcedBy: `forced by OPENECG_ENGINE=${fromEnv}` };
  const set = options.engine ?? 'auto';
  return { preference: set, forcedBy: set === 'auto' ? '' : `forced by setting '${set}'` };
}

/** Opens `source` (a bundle folder or a bundle already read) on the chosen engine. */
export async function openEngine(source: string | LoadedBundle, options: EngineOptions = {}): Promise<InferenceEngine> {
  const bundle = typeof source === 'string' ? readBundle(source) : source;
  const { preference, forcedBy } = resolvePreference(options);
  if (preference === 'tfjs') return openTfjsEngine(bundle, forcedBy);
  let why: string;
  try {
    const ort = await loadOrt(options);
    return await openOrtEngine(bundle, ort, { ...options, reason: forcedBy || 'first engine in order of preference' });
  } catch (err) {
    if (preference === 'ort') throw new Error(`inference engine 'ort' ${forcedBy}, but ONNX Runtime failed: ${(err as Error).message}`);
    why = (err as Error).message.split('\n')[0].slice(0, 300);
  }
  return openTfjsEngine(bundle, `ONNX Runtime unavailable (${why}); TensorFlow.js fallback`);
}

/**
 * The engine and provider inference would use, without a bundle: for run records and the CLI's
 * start-up line. ONNX Runtime is loaded (not run); its provider is the first one a session will try.
 */
export async function probeEngine(options: EngineOptions = {}): Promise<Pick<EngineInfo, 'engine' | 'provider' | 'reason'>> {
  const { preference, forcedBy } = resolvePreference(options);
  if (preference !== 'tfjs') {
    try {
      const ort = await loadOrt(options);
      return { engine: 'ort', provider: (options.providers ?? candidateProviders(ort))[0], reason: forcedBy || 'first engine in order of preference' };
    } catch (err) {
      if (preference === 'ort') throw new Error(`inference engine 'ort' ${forcedBy}, but ONNX Runtime failed: ${(err as Error).message}`);
      const backend = await chooseBackend({});
      return { engine: 'tfjs', provider: backend.tfBackend, reason: `ONNX Runtime unavailable (${(err as Error).message.split('\n')[0].slice(0, 300)}); TensorFlow.js fallback` };
    }
  }
  return { engine: 'tfjs', provider: (await chooseBackend({})).tfBackend, reason: forcedBy };
}
