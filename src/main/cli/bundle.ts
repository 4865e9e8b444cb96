// `openecg bundle <subcommand>`: model bundle tools.
//   onnx <dir> [--force] [--engine auto|ort|tfjs] [--json]   write the ONNX graphs into a bundle that has none
//   import / export --torch ...                             PyTorch weights (bundle-torch.ts)
import { existsSync } from 'node:fs';
import { addOnnxToBundle, BundleError, readBundle } from '../ml/bundle.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg bundle onnx <bundle> [--force] [--json]
       openecg bundle import --torch <checkpoint.safetensors> --out <bundle> [...]
       openecg bundle export --torch <bundle> --out <file.safetensors> [...]

onnx: writes the bundle's ONNX graphs (model.onnx for a classifier or probe; encoder.onnx, and
mae.onnx for MAE) from its weights and lists them in bundle.json, for bundles saved before the
workstation wrote them. --force rewrites graphs already there. See docs/inference.md.`;

async function runOnnx(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { force: { type: 'boolean' }, json: { type: 'boolean' } });
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(`expected one bundle folder\n${USAGE}`);
  if (!existsSync(dir)) throw new BundleError('missing', `no model bundle at ${dir}`);
  const before = readBundle(dir).json.onnx;
  const onnx = before && !values.force ? before : addOnnxToBundle(dir);
  const written = onnx !== before;
  if (values.json) {
    printJson({ bundle: dir, written, onnx });
  } else {
    process.stdout.write(`${dir}: ${written ? 'wrote' : 'already has'} ${onnx!.graphs.map((g) => `${g.file} (${g.role}: ${g.inputs.join(', ')} -> ${g.outputs.join(', ')}, ${(g.byte_length / 1e6).toFixed(1)} MB)`).join('; ')}\n`);
  }
  return 0;
}

export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'model bundle tools: write ONNX graphs; import/export PyTorch weights',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'onnx':
        return runOnnx(rest);
      case 'import':
      case 'export':
        return (await import('./bundle-torch.js')).runBundleTorch(sub, rest);
      default:
        throw new UsageError(`expected a subcommand (onnx, import, export), got '${sub ?? ''}'\n${USAGE}`);
    }
  },
};
