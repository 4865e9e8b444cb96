// `openecg bundle import --torch <checkpoint.safetensors> --out <bundle> [--arch A] [--width W --depth D] [--task T] [--onnx torch|ours]`
// `openecg bundle export --torch <bundle> --out <file.safetensors>`
// Weights between a cluster run (PyTorch, docs/cluster.md) and a workstation model bundle. These
// are subcommands of `openecg bundle`: runBundleTorch is what its dispatcher calls for them.
import { chooseBackend } from '../ml/backend.js';
import { TASKS, readBundleJson, type BundleTask } from '../ml/bundle.js';
import { isModelName, type ModelName } from '../ml/models/index.js';
import { exportTorchCheckpoint, importTorchCheckpoint } from '../ml/torch-weights.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

export const BUNDLE_TORCH_USAGE = `usage: openecg bundle import --torch <checkpoint.safetensors> --out <bundle> [--arch resnet18_1d|resnet50_1d|vit_1d] [--width W] [--depth D] [--task T] [--onnx torch|ours] [--json]
       openecg bundle export --torch <bundle> --out <file.safetensors> [--json]

import: a PyTorch checkpoint of a cluster run (RUN/checkpoint.safetensors) as a model bundle; the
architecture, task and method settings come from the file's metadata (--arch etc. for files
without it, and checked against it). The bundle's ONNX graphs are the trainer's torch.onnx ones
found beside the checkpoint (onnx.json naming that file), else exported from the weights;
--onnx ours always exports them. export: a bundle's weights as a PyTorch state_dict in
safetensors (conv (out, in, k), linear (out, in)), loadable by cluster/openecg_cluster.`;

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw new UsageError(`--${name} must be a positive number, got '${v}'`);
  return n;
}

/** Runs `bundle import` or `bundle export` (argv: the arguments after the subcommand). */
export async function runBundleTorch(sub: 'import' | 'export', argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    { torch: { type: 'string' }, out: { type: 'string' }, arch: { type: 'string' }, width: { type: 'string' }, depth: { type: 'string' }, task: { type: 'string' }, onnx: { type: 'string' }, json: { type: 'boolean' } },
    false,
  );
  if (!values.torch) throw new UsageError(`--torch is required\n${BUNDLE_TORCH_USAGE}`);
  if (!values.out) throw new UsageError('--out is required');
  if (sub === 'export') {
    const r = exportTorchCheckpoint(values.torch, values.out);
    if (values.json) printJson({ out: values.out, ...r });
    else process.stdout.write(`${values.torch} (${r.task}) -> ${values.out}: ${r.tensors} tensors in PyTorch layout\n`);
    return 0;
  }
  if (values.arch !== undefined && !isModelName(values.arch)) throw new UsageError(`--arch must be resnet18_1d, resnet50_1d or vit_1d, got '${values.arch}'`);
  if (values.task !== undefined && !(TASKS as readonly string[]).includes(values.task)) throw new UsageError(`--task must be one of ${TASKS.join(', ')}`);
  if (values.onnx !== undefined && values.onnx !== 'torch' && values.onnx !== 'ours') throw new UsageError(`--onnx must be torch or ours, got '${values.onnx}'`);
  await chooseBackend({ prefer: 'cpu' });
  const meta = importTorchCheckpoint(values.torch, values.out, {
    arch: values.arch as ModelName | undefined,
    width: positive(values.width, 'width'),
    depth: positive(values.depth, 'depth'),
    task: values.task as BundleTask | undefined,
    onnx: values.onnx as 'torch' | 'ours' | undefined,
  });
  const onnx = readBundleJson(values.out).onnx;
  const graphs = onnx ? { producer: onnx.producer, files: onnx.graphs.map((g) => g.file) } : null;
  if (values.json) printJson({ out: values.out, task: meta.task, architecture: meta.architecture, onnx: graphs });
  else process.stdout.write(`${values.torch} -> bundle ${values.out} (${meta.task}, ${meta.architecture.name}; ONNX ${graphs ? `${graphs.files.join(', ')} by ${graphs.producer}` : 'none'})\n`);
  return 0;
}

/** `openecg bundle` with only the torch subcommands, for a registry without bundle.ts. */
export const bundleTorchCommand: Command = {
  name: 'bundle',
  summary: 'model bundles <-> PyTorch checkpoints (safetensors) of cluster runs',
  usage: BUNDLE_TORCH_USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub !== 'import' && sub !== 'export') throw new UsageError(BUNDLE_TORCH_USAGE);
    return runBundleTorch(sub, rest);
  },
};
