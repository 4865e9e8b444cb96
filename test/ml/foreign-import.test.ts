// `openecg model import --onnx --card`, in process: a card that fits its graph becomes a foreign
// bundle (graph, card, bundle.json marking it foreign, both files pinned by SHA-256) that the
// workspace lists; every bad card or graph is refused in one line (exit 1) without writing
// anything, bad arguments exit 2. Graphs are built with the project's ONNX graph writer.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli.js';
import { knownModels } from '../../src/main/api/models.js';
import { BundleError, readBundleJson } from '../../src/main/ml/bundle.js';
import { ForeignBundleError, readForeignBundle, readForeignGraph } from '../../src/main/ml/foreign/bundle.js';
import { GraphBuilder, type Dim } from '../../src/main/ml/onnx/graph.js';
import { tempDir } from '../temp.js';

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { status: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

function card(): Record<string, unknown> {
  return {
    name: 'Example ResNet',
    version: '1.2.0',
    source: 'https://example.org/models/example-resnet',
    licence: 'CC-BY-4.0',
    input: { name: 'ecg', layout: 'NCL', rate: 500, samples: 5000, leads: ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'I', 'II', 'III', 'AVR', 'AVL', 'AVF'], units: 'uV', filter: null, normalization: 'per-lead-zscore' },
    output: { name: 'probs', activation: 'sigmoid', classes: [{ name: 'atrial fibrillation', class: 'AF' }, { name: 'RBBB', snomed: '59118001' }, { name: 'ST elevation' }] },
  };
}

/** [batch, leads, samples] -> mean over time -> MatMul -> Sigmoid, with the knobs the error cases turn. */
function graph(o: { input?: string; inDims?: Dim[]; leads?: number; classes?: number; output?: string; outDims?: Dim[]; op?: string; perStep?: boolean } = {}): Uint8Array {
  const leads = o.leads ?? 12;
  const classes = o.classes ?? 3;
  const g = new GraphBuilder('foreign');
  const x = g.input(o.input ?? 'ecg', 'float32', o.inDims ?? ['batch', leads, 5000]);
  const pooled = o.perStep ? g.op('Transpose', [x], { perm: [0, 2, 1] }) : g.op(o.op ?? 'ReduceMean', [x], { axes: [2], keepdims: 0 });
  const w = g.floats('w', Array.from({ length: leads * classes }, (_, i) => (i % 5) / 5 - 0.4), [leads, classes]);
  g.output(g.op('Sigmoid', [g.op('MatMul', [pooled, w])]), o.output ?? 'probs', 'float32', o.outDims ?? ['batch', classes]);
  return g.encode();
}

function files(dir: string, tag: string, cardDoc: unknown, bytes: Uint8Array = graph()): { onnx: string; card: string } {
  const onnx = join(dir, `${tag}.onnx`);
  const c = join(dir, `${tag}.json`);
  writeFileSync(onnx, bytes);
  writeFileSync(c, typeof cardDoc === 'string' ? cardDoc : JSON.stringify(cardDoc));
  return { onnx, card: c };
}

interface CardDoc {
  input: Record<string, unknown> & { leads: string[] };
  output: Record<string, unknown> & { classes: Record<string, unknown>[] };
}
const edit = (f: (c: CardDoc) => void) => {
  const c = card();
  f(c as unknown as CardDoc);
  return c;
};

describe('openecg model import --onnx --card', () => {
  it('writes a foreign bundle the workspace lists, and refuses to overwrite it without --force', async () => {
    const dir = tempDir('model-import');
    const workspace = join(dir, 'ws');
    mkdirSync(workspace);
    const f = files(dir, 'good', card());
    const r = await cli(['model', 'import', '--onnx', f.onnx, '--card', f.card, '--workspace', workspace, '--json']);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.out);
    const out = join(workspace, 'models', 'example-resnet');
    expect(doc).toMatchObject({ out, kind: 'foreign', name: 'Example ResNet', version: '1.2.0' });
    const b = readForeignBundle(out);
    expect(b.json).toMatchObject({ format: 'openecg-model-bundle', version: 1, kind: 'foreign', task: 'classifier', graph: { file: 'model.onnx' }, card: { file: 'card.json' } });
    expect(readFileSync(join(out, 'card.json'), 'utf8')).toBe(readFileSync(f.card, 'utf8'));
    expect(Buffer.compare(Buffer.from(readForeignGraph(b)), readFileSync(f.onnx))).toBe(0);
    // Our bundle reader refuses it by name, not as a schema mismatch.
    expect(() => readBundleJson(out)).toThrow(BundleError);
    expect(() => readBundleJson(out)).toThrow(/is a foreign model bundle/);
    const listed = knownModels(workspace).filter((m) => m.info.foreign);
    expect(listed.map((m) => [m.info.path, m.info.task, m.info.foreign?.name, m.info.foreign?.classes.map((c) => c.name)])).toEqual([[join('models', 'example-resnet'), 'classifier', 'Example ResNet', ['atrial fibrillation', 'RBBB', 'ST elevation']]]);

    const again = await cli(['model', 'import', '--onnx', f.onnx, '--card', f.card, '--workspace', workspace]);
    expect(again.status).toBe(2);
    expect(again.err).toMatch(/example-resnet exists; pass --force to replace it/);
    const forced = await cli(['model', 'import', '--onnx', f.onnx, '--card', f.card, '--out', out, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.out).toMatch(/-> foreign bundle .*example-resnet: Example ResNet 1\.2\.0, 12 leads x 5000 samples at 500 Hz \(NCL, uV\), 3 outputs \(2 mapped to our classes\)/);

    // A damaged graph is found when the bundle is used.
    writeFileSync(join(out, 'model.onnx'), graph({ classes: 3, op: 'ReduceMax' }));
    expect(() => readForeignGraph(readForeignBundle(out))).toThrow(ForeignBundleError);
    expect(() => readForeignGraph(readForeignBundle(out))).toThrow(/differs from bundle\.json/);
  });

  it('exits 2 for unusable arguments', async () => {
    const dir = tempDir('model-import-args');
    const f = files(dir, 'good', card());
    const cases: [string[], RegExp][] = [
      [['model'], /expected a subcommand \(import\)/],
      [['model', 'import', '--card', f.card, '--out', join(dir, 'b')], /--onnx <model\.onnx> is required/],
      [['model', 'import', '--onnx', f.onnx, '--out', join(dir, 'b')], /--card <card\.json> is required/],
      [['model', 'import', '--onnx', f.onnx, '--card', f.card], /--out <bundle> or --workspace <dir> is required/],
      [['model', 'import', '--onnx', f.onnx, '--card', f.card, '--out', f.card], /is a file, not a folder/],
      [['model', 'import', '--onnx', f.onnx, '--card', f.card, '--out', join(dir, 'b'), '--bogus'], /Unknown option '--bogus'/],
      // --torch is `openecg bundle import --torch` (our networks' PyTorch weights)
      [['model', 'import', '--torch', join(dir, 'x.safetensors')], /--out is required/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.err.split('\n')[0], argv.join(' ')).toMatch(message);
    }
    const help = await cli(['model', 'import', '--help']);
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/^usage: openecg model import --onnx <model\.onnx> --card <card\.json>/);
  });

  it('refuses every bad card or graph in one line, exit 1, writing nothing', async () => {
    const dir = tempDir('model-import-bad');
    const cases: [string, unknown, Uint8Array | undefined, RegExp][] = [
      ['not-json', '{ "name": ', undefined, /not-json\.json is not JSON/],
      ['unknown-field', edit((c) => (c.input.normalisation = 'none')), undefined, /card\.input: unknown field 'normalisation'/],
      ['bad-lead', edit((c) => (c.input.leads[3] = 'V7')), undefined, /card\.input\.leads\[3\]: 'V7' is not one of the 12 standard leads/],
      ['bad-class', edit((c) => (c.output.classes[0].class = 'XYZ')), undefined, /card\.output\.classes\[0\]\.class: 'XYZ' is not one of our 24 classes/],
      ['nyquist', edit((c) => (c.input.filter = { type: 'lowpass', design: 'butterworth', order: 2, high: 300, zeroPhase: true })), undefined, /300 Hz is not below the Nyquist frequency 250 Hz/],
      ['input-name', edit((c) => (c.input.name = 'signal')), undefined, /card\.input\.name 'signal' is not an input of the graph; its inputs: 'ecg'/],
      ['output-name', edit((c) => (c.output.name = 'logits')), undefined, /card\.output\.name 'logits' is not an output of the graph; its outputs: 'probs'/],
      ['lead-count', card(), graph({ leads: 8 }), /input 'ecg' axis 1 is 8, but the card's layout NCL puts leads there: 12 leads in input\.leads/],
      ['samples', card(), graph({ inDims: ['batch', 12, 4096] }), /input 'ecg' axis 2 is 4096, but the card's layout NCL puts samples there: input\.samples 5000/],
      ['layout', edit((c) => (c.input.layout = 'NLC')), undefined, /input 'ecg' axis 1 is 12, but the card's layout NLC puts samples there/],
      ['class-count', card(), graph({ classes: 5 }), /output 'probs' gives 5 scores per record, but output\.classes lists 3/],
      ['dynamic', card(), graph({ inDims: ['batch', 12, 'n'], outDims: ['batch', 'n', 3], perStep: true }), /output 'probs' has shape \[batch, n, 3\]: symbolic axes the card does not fix \(n\)/],
      ['operator', card(), graph({ op: 'ReduceWobble' }), /the graph uses operator ReduceWobble .*which ONNX Runtime does not know at opset 17/],
      ['not-onnx', card(), new Uint8Array([1, 2, 3, 4, 5]), /(not an ONNX model|ONNX Runtime cannot load the graph)/],
    ];
    for (const [tag, doc, bytes, message] of cases) {
      const f = files(dir, tag, doc, bytes);
      const out = join(dir, `bundle-${tag}`);
      const r = await cli(['model', 'import', '--onnx', f.onnx, '--card', f.card, '--out', out]);
      expect(r.status, tag).toBe(1);
      expect(r.err.trimEnd().split('\n'), tag).toHaveLength(1);
      expect(r.err, tag).toMatch(message);
      expect(existsSync(out), tag).toBe(false);
    }
    const missing = await cli(['model', 'import', '--onnx', join(dir, 'absent.onnx'), '--card', files(dir, 'ok', card()).card, '--out', join(dir, 'x')]);
    expect(missing.status).toBe(1);
    expect(missing.err).toMatch(/cannot read the ONNX graph .*absent\.onnx: ENOENT/);
  });
});
