// ONNX Runtime engine. onnxruntime-node is loaded lazily (await import) so that everything still
// runs where it is absent or broken; the loader can also be told to refuse (OPENECG_ORT=off),
// which is how a machine without it is reproduced. Execution providers are tried GPU first
// (CUDA, DirectML, CoreML, when the binding lists them), then CPU with one intra-op thread per core.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { BundleError, readOnnxGraph, type LoadedBundle } from '../bundle.js';
import { exportOnnx, type OnnxRole } from '../onnx/export.js';
import { NO_SPINNING } from '../kernels/ort-native.js';
import { checkBatch, type EngineInfo, type InferenceEngine } from './engine.js';
import type { PatchMask } from '../ssl/mae.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface OrtLoadOptions {
  /** Environment read for OPENECG_ORT (tests pass their own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Imports onnxruntime-node, or throws why it cannot be used. */
export async function loadOrt(options: OrtLoadOptions = {}): Promise<Ort> {
  const env = options.env ?? process.env;
  if ((env.OPENECG_ORT ?? '').toLowerCase() === 'off') throw new Error('onnxruntime-node refused: OPENECG_ORT=off');
  const mod = (await import('onnxruntime-node')) as Ort & { default?: Ort };
  // CommonJS under ESM: the named exports may sit on the default export.
  const ort = mod.InferenceSession ? mod : mod.default;
  if (!ort?.InferenceSession) throw new Error('onnxruntime-node loaded without InferenceSession');
  return ort;
}

/** GPU providers in order of preference, by the name listSupportedBackends() gives them. */
const GPU_PROVIDERS = ['cuda', 'dml', 'coreml'] as const;

export interface OrtEngineOptions extends OrtLoadOptions {
  /** Intra-op threads; default one per core. */
  readonly threads?: number;
  /** Providers to try, in order; default the GPU ones the binding lists, then 'cpu'. */
  readonly providers?: readonly string[];
  readonly reason?: string;
}

/** Whether a provider the binding lists but does not bundle (CUDA) has its library installed beside the binding. */
function providerInstalled(name: string): boolean {
  try {
    const require = createRequire(import.meta.url);
    const bin = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    return readdirSync(bin).some((f) => f.includes(`providers_${name}`));
  } catch {
    return false;
  }
}

export function candidateProviders(ort: Ort): string[] {
  let listed: { name: string; bundled: boolean }[] = [];
  try {
    listed = ort.listSupportedBackends();
  } catch {
    // An older binding without the list: CPU only.
  }
  // Trying an absent provider costs an error line on stderr from ONNX Runtime itself, so only
  // bundled ones and those whose library is present are tried.
  const usable = listed.filter((b) => b.bundled || providerInstalled(b.name)).map((b) => b.name);
  return [...GPU_PROVIDERS.filter((p) => usable.includes(p)), 'cpu'];
}

/**
 * A session on the first provider that accepts the graph, with one intra-op thread per core by
 * default and every graph optimisation (ONNX Runtime fuses GELU, LayerNorm, attention and
 * Conv+Add+ReLU chains). Pool threads sleep between runs instead of spinning: on a shared machine
 * spinning threads only take cores from the other work (reading the next batch, other jobs).
 */
export async function createSession(ort: Ort, bytes: Uint8Array, options: { threads?: number; providers?: readonly string[] } = {}): Promise<{ session: Session; provider: string; tried: string[] }> {
  const base = { intraOpNumThreads: options.threads ?? availableParallelism(), interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, executionMode: 'sequential' as const, extra: NO_SPINNING };
  const tried: string[] = [];
  for (const p of options.providers ?? candidateProviders(ort)) {
    try {
      return { session: await ort.InferenceSession.create(bytes, { ...base, executionProviders: [p] }), provider: p, tried };
    } catch (err) {
      tried.push(`${p}: ${(err as Error).message.split('\n')[0].slice(0, 200)}`);
    }
  }
  throw new Error(`ONNX Runtime could not create a session with any provider (${tried.join('; ')})`);
}

const ROLE_FOR_TASK = (task: string): OnnxRole => (task === 'classifier' || task === 'probe' ? 'classifier' : 'encoder');

export async function openOrtEngine(bundle: LoadedBundle, ort: Ort, options: OrtEngineOptions = {}): Promise<InferenceEngine> {
  const threads = options.threads ?? availableParallelism();
  const { leads, samples, classes } = bundle.json.architecture.options;
  const providers = options.providers ?? candidateProviders(ort);
  let generated: Map<OnnxRole, Uint8Array> | undefined;
  let source: 'bundle' | 'generated' = 'bundle';
  const graphBytes = (role: OnnxRole): Uint8Array => {
    const stored = readOnnxGraph(bundle, role);
    if (stored) return stored;
    // Bundles written before ONNX (or by a trainer that gave none): export from the weights, in memory.
    generated ??= new Map(exportOnnx(bundle.json, bundle.weights).map((g) => [g.role, g.bytes]));
    const bytes = generated.get(role);
    if (!bytes) throw new BundleError('mismatch', `${bundle.dir}: a ${bundle.json.task} bundle has no ${role} graph`);
    source = 'generated';
    return bytes;
  };
  const tried: string[] = [];
  let provider = '';
  const create = async (role: OnnxRole): Promise<Session> => {
    const made = await createSession(ort, graphBytes(role), { threads, providers: provider ? [provider] : providers });
    provider = made.provider;
    tried.push(...made.tried);
    return made.session;
  };
  const sessions = new Map<OnnxRole, Promise<Session>>();
  const session = (role: OnnxRole): Promise<Session> => {
    let s = sessions.get(role);
    if (!s) sessions.set(role, (s = create(role)));
    return s;
  };
  const primary = ROLE_FOR_TASK(bundle.json.task);
  await session(primary);
  const info: EngineInfo = { engine: 'ort', provider, reason: options.reason ?? 'first engine in order of preference', graph: source, threads, ...(tried.length ? { tried } : {}) };

  const input = (x: Float32Array, n: number) => {
    checkBatch(x, n, leads, samples);
    return new ort.Tensor('float32', x, [n, leads, samples]);
  };
  const fetch = async (role: OnnxRole, feeds: Record<string, InstanceType<Ort['Tensor']>>, name: string): Promise<Float32Array> => {
    const out = await (await session(role)).run(feeds, [name]);
    return out[name].data as Float32Array;
  };

  return {
    info,
    bundle,
    leads,
    samples,
    classes,
    async logits(x, n) {
      if (primary !== 'classifier') throw new BundleError('mismatch', `${bundle.dir} is a ${bundle.json.task} bundle: it has no classification head`);
      return fetch('classifier', { x: input(x, n) }, 'logits');
    },
    async embeddings(x, n) {
      return fetch(primary, { x: input(x, n) }, 'embedding');
    },
    async reconstruct(x, n, masks: readonly PatchMask[]) {
      if (bundle.json.task !== 'pretrain-mae') throw new BundleError('mismatch', `${bundle.dir} is a ${bundle.json.task} bundle, not MAE`);
      if (masks.length !== n) throw new RangeError(`${n} records but ${masks.length} masks`);
      const keep = masks[0].keep;
      const visible = new BigInt64Array(n * keep);
      masks.forEach((m, i) => {
        if (m.keep !== keep) throw new RangeError('every mask of a batch must keep the same number of patches');
        for (let j = 0; j < keep; j++) visible[i * keep + j] = BigInt(m.order[j]);
      });
      return fetch('mae', { x: input(x, n), visible: new ort.Tensor('int64', visible, [n, keep]) }, 'reconstruction');
    },
    async dispose() {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}
