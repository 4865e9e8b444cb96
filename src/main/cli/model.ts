// `openecg model import --onnx model.onnx --card card.json (--out BUNDLE | --workspace W) [--force] [--json]`:
// a model made elsewhere (ONNX graph + model card, docs/model-card.md) as a foreign bundle.
// `openecg model import --torch checkpoint.safetensors --out BUNDLE ...` is `openecg bundle import --torch`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg model import --onnx <model.onnx> --card <card.json> (--out <bundle> | --workspace <dir>) [--force] [--json]
       openecg model import --torch <checkpoint.safetensors> --out <bundle> [...]   (as openecg bundle import --torch)

--onnx --card: checks the model card (docs/model-card.md) against the ONNX graph with ONNX Runtime
(input and output names, shapes, lead count, symbolic axes the card must fix, operators ONNX
Runtime cannot run, a trial run) and writes a foreign bundle: the graph, the card and a bundle.json
marking it foreign (docs/model-bundle.md). --workspace puts it in <dir>/models/<card name>, where
the workstation lists it for evaluation and inspection. An existing --out is replaced only with --force.`;

/** The card's name as a folder name. */
export function folderName(name: string): string {
  const s = name.trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return s.slice(0, 80) || 'model';
}

async function runImport(argv: string[]): Promise<number> {
  if (argv.includes('--torch')) return (await import('./bundle-torch.js')).runBundleTorch('import', argv);
  const { values, positionals } = parseCommandArgs(
    argv,
    { onnx: { type: 'string' }, card: { type: 'string' }, out: { type: 'string' }, workspace: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    true,
  );
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.onnx) throw new UsageError('--onnx <model.onnx> is required (or --torch <checkpoint.safetensors>)');
  if (!values.card) throw new UsageError('--card <card.json> is required with --onnx (docs/model-card.md)');
  if (!values.out && !values.workspace) throw new UsageError('--out <bundle> or --workspace <dir> is required');
  if (values.out && values.workspace) throw new UsageError('give --out or --workspace, not both');
  if (values.workspace && !existsSync(values.workspace)) throw new UsageError(`no workspace at ${values.workspace}`);
  const { ModelCardError } = await import('../../shared/model-card.js');
  const { importForeignModel } = await import('../ml/foreign/import.js');
  const { readModelCard } = await import('../ml/foreign/card.js');
  let out = values.out;
  if (!out) {
    // The folder name comes from the card; read it first (a bad card fails here with its message).
    const card = readModelCard(values.card);
    out = join(values.workspace!, 'models', folderName(card.name));
  }
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a file, not a folder`);
    if (!values.force && readdirSync(out).length > 0) throw new UsageError(`${out} exists; pass --force to replace it`);
  }
  try {
    const r = await importForeignModel(values.onnx, values.card, out);
    const mapped = r.card.output.classes.length;
    if (values.json) {
      printJson({ out, kind: 'foreign', name: r.card.name, version: r.card.version, input: r.card.input, output: r.card.output, notes: r.notes });
    } else {
      const { mapCardClasses } = await import('../../shared/model-card.js');
      const m = mapCardClasses(r.card);
      const our = m.filter((c) => c.classIndex !== null).length;
      process.stdout.write(
        `${values.onnx} + ${values.card} -> foreign bundle ${out}: ${r.card.name} ${r.card.version}, ${r.card.input.leads.length} leads x ${r.card.input.samples} samples at ${r.card.input.rate} Hz (${r.card.input.layout}, ${r.card.input.units}), ${mapped} outputs (${our} mapped to our classes)\n`,
      );
      for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ModelCardError) {
      process.stderr.write(`openecg model import: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

export const modelCommand: Command = {
  name: 'model',
  summary: 'import a model made elsewhere: an ONNX graph with its model card (or PyTorch weights of our networks)',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'import') return runImport(rest);
    throw new UsageError(`expected a subcommand (import), got '${sub ?? ''}'`);
  },
};
