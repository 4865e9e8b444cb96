// Weight names and layouts between a model bundle (our TensorFlow.js networks) and a PyTorch
// state_dict of the same network (cluster/openecg_cluster). docs/cluster.md has the table:
// - names are equal (both follow torch_peer.py's nn.Sequential indices and nn.TransformerEncoder),
//   except attention's packed projection: TS `<block>.self_attn.in_proj.weight|bias` is PyTorch's
//   `<block>.self_attn.in_proj_weight|bias`;
// - a `.weight` of rank 3 is a convolution: TS [kernel, in, out], PyTorch Conv1d (out, in, kernel);
// - a `.weight` of rank 2 is a linear layer: TS [in, out], PyTorch Linear (out, in);
// - everything else (BatchNorm and LayerNorm weights, biases, running_mean/var, cls, pos,
//   mask_token) has the same shape and order on both sides. PyTorch's BatchNorm
//   num_batches_tracked counter has no TS counterpart and is left out.
// Both layout changes reverse index order, so the same permutation converts either way.
import { CLASS_COUNT } from '../../shared/classes.js';
import { BundleError, TASKS, assignWeights, bundleClasses, codeVersion, defaultPreprocessing, readBundle, saveBundle, type BundleMeta, type BundleTask, type NamedArray } from './bundle.js';
import { createModel, type ModelName } from './models/index.js';
import { readSafeTensors, writeSafeTensors } from './safetensors.js';
import { sslMethodFor } from './train/ssl.js';

const IN_PROJ = /\.self_attn\.in_proj\.(weight|bias)$/;
const IN_PROJ_TORCH = /\.self_attn\.in_proj_(weight|bias)$/;

export function torchName(bundleName: string): string {
  return bundleName.replace(IN_PROJ, '.self_attn.in_proj_$1');
}

export function bundleName(torch: string): string {
  return torch.replace(IN_PROJ_TORCH, '.self_attn.in_proj.$1');
}

/** What a tensor is, by its name and rank (the same on both sides). */
export function layoutKind(name: string, rank: number): 'conv' | 'linear' | 'same' {
  if (!/(\.|_)weight$/.test(name) || /(^|\.)(running_mean|running_var)$/.test(name)) return 'same';
  if (rank === 3) return 'conv';
  if (rank === 2) return 'linear';
  return 'same';
}

/** Reverses the order of all dimensions (a transpose for rank 2, (k,in,out) <-> (out,in,k) for rank 3). */
export function reverseDims(a: NamedArray): NamedArray {
  const shape = [...a.shape].reverse();
  const out = new Float32Array(a.values.length);
  if (a.shape.length === 2) {
    const [r, c] = a.shape;
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a.values[i * c + j];
  } else if (a.shape.length === 3) {
    const [p, q, s] = a.shape;
    for (let i = 0; i < p; i++) for (let j = 0; j < q; j++) for (let k = 0; k < s; k++) out[(k * q + j) * p + i] = a.values[(i * q + j) * s + k];
  } else {
    out.set(a.values);
  }
  return { shape, values: out };
}

function convert(a: NamedArray, name: string): NamedArray {
  return layoutKind(name, a.shape.length) === 'same' ? { shape: [...a.shape], values: a.values } : reverseDims(a);
}

/** Bundle weights (TS names and layouts) as a PyTorch state_dict (names and layouts). */
export function bundleToTorch(weights: ReadonlyMap<string, NamedArray>): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, a] of weights) out.set(torchName(name), convert(a, name));
  return out;
}

/** A PyTorch state_dict (float tensors) as bundle weights; num_batches_tracked is dropped. */
export function torchToBundle(state: ReadonlyMap<string, NamedArray>): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, a] of state) {
    if (name.endsWith('num_batches_tracked')) continue;
    out.set(bundleName(name), convert(a, name));
  }
  return out;
}

// ---- Whole files: a PyTorch checkpoint (safetensors) <-> a model bundle ------------------------

/** What a cluster checkpoint's __metadata__ holds (cluster/openecg_cluster/train.py). */
export const TORCH_CHECKPOINT_FORMAT = 'openecg-torch-checkpoint';

export interface TorchImportOptions {
  /** Architecture name; required when the file carries no metadata, checked against it otherwise. */
  readonly arch?: ModelName;
  readonly width?: number;
  readonly depth?: number;
  /** Bundle task when the file carries none; default from the names (encoder.* -> pre-training). */
  readonly task?: BundleTask;
}

function parseJson<T>(text: string | undefined): T | undefined {
  if (!text || text === 'null') return undefined;
  return JSON.parse(text) as T;
}

function guessTask(names: readonly string[]): BundleTask {
  if (!names.some((n) => n.startsWith('encoder.'))) return 'classifier';
  if (names.some((n) => n.startsWith('decoder.'))) return 'pretrain-mae';
  if (names.some((n) => n.startsWith('predictor.'))) return 'pretrain-byol';
  return 'pretrain-simclr';
}

/**
 * Reads a PyTorch checkpoint and writes it as a model bundle at `out` (saveBundle). The network is
 * rebuilt from the description (metadata or options) and every tensor checked against it by name
 * and shape, so a file that does not fit fails naming what differs. Returns the bundle's meta.
 */
export function importTorchCheckpoint(file: string, out: string, options: TorchImportOptions = {}): BundleMeta {
  const { tensors, metadata } = readSafeTensors(file);
  const weights = torchToBundle(tensors);
  const arch = parseJson<BundleMeta['architecture']>(metadata.architecture);
  if (options.arch && arch && arch.name !== options.arch) throw new BundleError('mismatch', `${file} holds a ${arch.name}, --arch says ${options.arch}`);
  const name = options.arch ?? arch?.name;
  if (!name) throw new BundleError('invalid', `${file} has no architecture in its metadata: give the architecture (--arch)`);
  const task = options.task ?? (metadata.task as BundleTask | undefined) ?? guessTask([...weights.keys()]);
  if (!TASKS.includes(task)) throw new BundleError('invalid', `${file}: unknown task ${task}`);
  const modelOptions = {
    leads: arch?.options.leads ?? 12,
    samples: arch?.options.samples ?? 1000,
    classes: arch?.options.classes ?? CLASS_COUNT,
    width: options.width ?? arch?.options.width ?? 1,
    depth: options.depth ?? arch?.options.depth ?? 1,
    seed: arch?.options.seed ?? 1,
  };
  const method = parseJson<Record<string, unknown>>(metadata.method);
  const config = parseJson<Record<string, unknown>>(metadata.config) ?? {};
  const architecture = { name, options: modelOptions };
  // The network the bundle describes, to check every tensor against and to order them as ours.
  const ssl = task.startsWith('pretrain-') ? sslMethodFor({ task, architecture, method }) : undefined;
  const model = ssl ? undefined : createModel(name, modelOptions);
  try {
    const state = ssl ? ssl.state : new Map([...model!.params, ...model!.buffers]);
    assignWeights(state, weights, { source: file });
    const meta: BundleMeta = {
      task,
      architecture,
      ...(ssl ? { method: JSON.parse(JSON.stringify(ssl.settings)) as Record<string, unknown> } : {}),
      preprocessing: defaultPreprocessing('zscore-per-lead', modelOptions.samples),
      classes: bundleClasses(),
      provenance: {
        created_at: new Date().toISOString(),
        code_version: codeVersion(),
        backend: `torch ${String(config.torch ?? metadata.torch ?? '')}`.trim(),
        seed: modelOptions.seed,
        training: { source: file, cluster: config, step: Number(metadata.step ?? 0) },
        data_snapshot: typeof config.shards === 'string' ? config.shards : null,
      },
    };
    saveBundle(out, meta, state);
    return meta;
  } finally {
    ssl?.dispose();
    model?.dispose();
  }
}

/** Writes a bundle's weights as a PyTorch state_dict in safetensors, its description in __metadata__. */
export function exportTorchCheckpoint(bundleDir: string, file: string): { tensors: number; task: BundleTask } {
  const bundle = readBundle(bundleDir);
  const state = bundleToTorch(bundle.weights);
  writeSafeTensors(file, state, {
    format: TORCH_CHECKPOINT_FORMAT,
    task: bundle.json.task,
    architecture: JSON.stringify(bundle.json.architecture),
    method: JSON.stringify(bundle.json.method ?? null),
    config: JSON.stringify({ bundle: bundleDir }),
    step: String(bundle.json.training_state?.step ?? 0),
  });
  return { tensors: state.size, task: bundle.json.task };
}
