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
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { CLASS_COUNT } from '../../shared/classes.js';
import { BundleError, TASKS, assignWeights, bundleClasses, codeVersion, defaultPreprocessing, readBundle, saveBundle, type BundleMeta, type BundleTask, type ExternalOnnx, type NamedArray } from './bundle.js';
import type { OnnxRole } from './onnx/export.js';
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
  /**
   * Where the bundle's ONNX graphs come from: 'torch' (default) copies the trainer's torch.onnx
   * graphs found beside the checkpoint (onnx.json naming this very file), falling back to ours
   * when there are none; 'ours' always exports them from the weights.
   */
  readonly onnx?: 'torch' | 'ours';
}

// ---- torch.onnx graphs beside a checkpoint (cluster/openecg_cluster/onnx_export.py) ------------

export const TORCH_ONNX_SIDECAR = 'onnx.json';

/** Every graph a bundle of this task carries, with the input and output names our engines use (onnx/export.ts). */
const GRAPHS_FOR: Readonly<Record<OnnxRole, { inputs: string[]; outputs: string[] }>> = {
  classifier: { inputs: ['x'], outputs: ['logits', 'embedding'] },
  encoder: { inputs: ['x'], outputs: ['embedding'] },
  mae: { inputs: ['x', 'visible'], outputs: ['reconstruction'] },
};

function rolesFor(task: BundleTask): OnnxRole[] {
  if (task === 'classifier' || task === 'probe') return ['classifier'];
  return task === 'pretrain-mae' ? ['encoder', 'mae'] : ['encoder'];
}

interface Sidecar {
  format?: string;
  producer?: string;
  opset?: number;
  checkpoint_sha256?: string;
  graphs?: { role?: string; file?: string }[];
}

/**
 * The torch.onnx graphs written beside `file` by the trainer, checked: onnx.json names this
 * checkpoint by SHA-256 (a graph of an older step is refused), every graph the task needs is
 * there, and each decodes with the input and output names, input shape and opset our engines
 * expect. `folded_batchnorm` is read from the graphs (no BatchNormalization node left).
 * Returns the graphs, or why they cannot be used.
 */
export function torchOnnxBeside(file: string, task: BundleTask, architecture: BundleMeta['architecture']): { onnx: ExternalOnnx } | { reason: string } {
  const dir = dirname(file);
  const sidecarPath = join(dir, TORCH_ONNX_SIDECAR);
  if (!existsSync(sidecarPath)) return { reason: `no ${TORCH_ONNX_SIDECAR} beside ${file}` };
  let side: Sidecar;
  try {
    side = JSON.parse(readFileSync(sidecarPath, 'utf8')) as Sidecar;
  } catch (err) {
    return { reason: `${sidecarPath}: not valid JSON (${(err as Error).message})` };
  }
  if (side.format !== 'openecg-torch-onnx' || typeof side.producer !== 'string') return { reason: `${sidecarPath}: not an openecg-torch-onnx manifest` };
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (side.checkpoint_sha256 !== digest) return { reason: `${sidecarPath} was written for another checkpoint (SHA-256 differs): graphs of an older step` };
  const { leads, samples } = architecture.options;
  let folded = true;
  let opset = 0;
  const graphs: ExternalOnnx['graphs'][number][] = [];
  for (const role of rolesFor(task)) {
    const entry = side.graphs?.find((g) => g.role === role);
    if (!entry?.file) return { reason: `${sidecarPath} has no ${role} graph` };
    const path = join(dir, entry.file);
    if (!existsSync(path)) return { reason: `${path} is missing` };
    let model: onnxProto.onnx.ModelProto;
    try {
      model = onnxProto.onnx.ModelProto.decode(readFileSync(path));
    } catch (err) {
      return { reason: `${path}: not an ONNX model (${(err as Error).message})` };
    }
    const expected = GRAPHS_FOR[role];
    const inputs = (model.graph?.input ?? []).map((v) => v.name ?? '');
    const outputs = (model.graph?.output ?? []).map((v) => v.name ?? '');
    if (inputs.join() !== expected.inputs.join() || outputs.join() !== expected.outputs.join()) {
      return { reason: `${path}: inputs (${inputs}) -> outputs (${outputs}), expected (${expected.inputs}) -> (${expected.outputs})` };
    }
    const dims = model.graph?.input?.[0].type?.tensorType?.shape?.dim ?? [];
    const fixed = dims.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
    if (dims.length !== 3 || !dims[0].dimParam || fixed[1] !== leads || fixed[2] !== samples) {
      return { reason: `${path}: input x is [${fixed}], expected [batch, ${leads}, ${samples}] with a symbolic batch` };
    }
    const graphOpset = Number((model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 0);
    opset = Math.max(opset, graphOpset);
    if ((model.graph?.node ?? []).some((n) => n.opType === 'BatchNormalization')) folded = false;
    graphs.push({ role, path, inputs: expected.inputs, outputs: expected.outputs });
  }
  return { onnx: { producer: side.producer, opset: opset || (side.opset ?? 0), folded_batchnorm: folded, graphs } };
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
    let onnx: ExternalOnnx | undefined;
    if (options.onnx !== 'ours') {
      const found = torchOnnxBeside(file, task, architecture);
      if ('onnx' in found) onnx = found.onnx;
      else if (existsSync(join(dirname(file), TORCH_ONNX_SIDECAR))) process.emitWarning(`torch.onnx graphs not used, exporting ours: ${found.reason}`);
    }
    saveBundle(out, meta, state, undefined, onnx ? { onnx } : {});
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
