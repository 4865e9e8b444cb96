// Model cards of foreign models: every validation error of the schema, the class mapping, and the
// check against ONNX graphs built here with the project's graph writer and run by ONNX Runtime.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCardAgainstGraph, checkCardFiles, graphSignatureFromProto, readModelCard, rewordOrtError } from '../../src/main/ml/foreign/card.js';
import { GraphBuilder, type Dim } from '../../src/main/ml/onnx/graph.js';
import { ModelCardError, mapCardClasses, parseModelCard, type ModelCard } from '../../src/shared/model-card.js';
import { tempDir } from '../temp.js';

/** A valid card: a 500 Hz x 5000 model, leads in another order, uV, as docs/model-card.md's example. */
function cardJson(): Record<string, unknown> {
  return {
    name: 'example-resnet',
    version: '1.2.0',
    source: 'https://example.org/models/example-resnet',
    licence: 'CC-BY-4.0',
    input: {
      name: 'ecg',
      layout: 'NCL',
      rate: 500,
      samples: 5000,
      leads: ['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'I', 'II', 'III', 'AVR', 'AVL', 'AVF'],
      units: 'uV',
      filter: { type: 'bandpass', design: 'butterworth', order: 4, low: 0.5, high: 40, zeroPhase: true },
      normalization: 'per-lead-zscore',
    },
    output: {
      name: 'logits',
      activation: 'sigmoid',
      classes: [{ name: 'atrial fibrillation', class: 'AF' }, { name: 'RBBB', snomed: '59118001' }, { name: 'ST elevation' }],
      thresholds: [0.5, 0.4, 0.3],
    },
  };
}

const DELETE = Symbol('delete');
/** The example card with values set (or deleted) at dotted paths ('input.leads.3'). */
function edited(...changes: [string, unknown][]): Record<string, unknown> {
  const c = cardJson();
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    const parent = keys.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, c);
    if (value === DELETE) delete parent[last];
    else parent[last] = value;
  }
  return c;
}
const errorOf = (json: unknown) => {
  try {
    parseModelCard(json);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelCardError);
    expect((err as Error).message).not.toContain('\n');
    return (err as Error).message;
  }
  throw new Error('card was accepted');
};

describe('model card schema', () => {
  it('accepts the example, normalises lead spellings and maps classes by abbreviation and SNOMED code', () => {
    const card = parseModelCard(cardJson());
    expect(card.input.leads.slice(9)).toEqual(['aVR', 'aVL', 'aVF']);
    expect(mapCardClasses(card)).toEqual([
      { output: 0, name: 'atrial fibrillation', classIndex: 1, abbreviation: 'AF', snomed: '164889003', via: 'class' },
      { output: 1, name: 'RBBB', classIndex: 4, abbreviation: 'RBBB', snomed: '59118001', via: 'snomed' },
      { output: 2, name: 'ST elevation', classIndex: null, abbreviation: null, snomed: null, via: null },
    ]);
    const plain = parseModelCard(edited(['input.filter', DELETE], ['input.normalization', DELETE], ['version', 3]));
    expect(plain.input.filter).toBeNull();
    expect(plain.input.normalization).toBe('none');
    expect(plain.version).toBe('3');
  });

  it.each([
    ['an unknown lead', ['input.leads.3', 'V7'], "card.input.leads[3]: 'V7' is not one of the 12 standard leads"],
    ['a repeated lead', ['input.leads.1', 'v1'], 'card.input.leads[1]: lead V1 repeats input.leads[0]'],
    ['a bad layout', ['input.layout', 'NHWC'], 'card.input.layout: must be "NCL" or "NLC"'],
    ['bad units', ['input.units', 'V'], 'card.input.units: must be "mV" or "uV"'],
    ['a fractional length', ['input.samples', 5000.5], 'card.input.samples:'],
    ['a band-pass without high', ['input.filter.high', DELETE], "card.input.filter.high: a bandpass filter needs 'high' (Hz)"],
    ['a low-pass given low', ['input.filter', { type: 'lowpass', design: 'butterworth', order: 8, low: 1, high: 40, zeroPhase: false }], "card.input.filter.low: a lowpass filter takes 'high' only"],
    ['a high-pass without low', ['input.filter', { type: 'highpass', design: 'butterworth', order: 2, zeroPhase: true }], "card.input.filter.low: a highpass filter needs 'low'"],
    ['a cutoff above Nyquist', ['input.filter.high', 250], 'card.input.filter.high: 250 Hz is not below the Nyquist frequency 250 Hz of input.rate 500 Hz'],
    ['low above high', ['input.filter.low', 45], 'card.input.filter: low 45 Hz must be below high 40 Hz'],
    ['another design', ['input.filter.design', 'chebyshev'], 'card.input.filter.design: must be "butterworth"'],
    ['a normalisation typo', ['input.normalization', 'zscore'], 'card.input.normalization: must be "none", "per-lead-zscore", "global-zscore" or { "mean": [...], "std": [...] }'],
    ['mean and std of the wrong length', ['input.normalization', { mean: [0, 0], std: new Array(12).fill(1) }], 'card.input.normalization.mean: 2 values for 12 leads in input.leads'],
    ['a zero std', ['input.normalization', { mean: new Array(12).fill(0), std: [0, ...new Array(11).fill(1)] }], 'card.input.normalization.std[0]: must be > 0'],
    ['an unknown class', ['output.classes.0.class', 'MI'], "card.output.classes[0].class: 'MI' is not one of our 24 classes (IAVB, AF,"],
    ['a class contradicting its code', ['output.classes.0.snomed', '59118001'], 'card.output.classes[0].snomed: 59118001 is class RBBB, but class says AF'],
    ['a malformed code', ['output.classes.1.snomed', 'RBBB'], 'card.output.classes[1].snomed: must be a SNOMED-CT code'],
    ['thresholds of the wrong length', ['output.thresholds', [0.5, 0.5]], 'card.output.thresholds: 2 thresholds for 3 classes'],
    ['a threshold outside [0, 1]', ['output.thresholds.2', 1.5], 'card.output.thresholds[2]: 1.5 is outside [0, 1]'],
    ['a bad activation', ['output.activation', 'relu'], 'card.output.activation: must be "sigmoid" or "softmax" or "none"'],
    ['no classes', ['output.classes', []], 'card.output.classes:'],
    ['an unknown field', ['input.normalisation', 'none'], "card.input: unknown field 'normalisation'"],
    ['a missing field', ['licence', DELETE], 'card.licence:'],
  ] as [string, [string, unknown], string][])('refuses %s in one line naming the field', (_what, change, message) => {
    expect(errorOf(edited(change))).toContain(message);
  });

  it("accepts docs/model-card.md's example as written", () => {
    const doc = readFileSync(new URL('../../docs/model-card.md', import.meta.url), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const card = parseModelCard(JSON.parse(example));
    expect(card.input).toMatchObject({ rate: 500, samples: 5000, units: 'uV', layout: 'NCL' });
    expect(mapCardClasses(card).map((m) => m.abbreviation)).toEqual(['AF', 'RBBB', null]);
  });

  it('accepts thresholds of any value for raw scores', () => {
    expect(parseModelCard(edited(['output.activation', 'none'], ['output.thresholds', [-1, 0, 2.5]])).output.thresholds).toEqual([-1, 0, 2.5]);
  });

  it('reads a card file, saying which file is not JSON', () => {
    const dir = tempDir('card');
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(cardJson()));
    writeFileSync(join(dir, 'broken.json'), '{ "name": ');
    expect(readModelCard(join(dir, 'ok.json')).name).toBe('example-resnet');
    expect(() => readModelCard(join(dir, 'broken.json'))).toThrow(/broken\.json is not JSON/);
    expect(() => readModelCard(join(dir, 'absent.json'))).toThrow(/cannot read the model card .*absent\.json: ENOENT/);
  });
});

/** [batch, leads, samples] or [batch, samples, leads] -> mean over time -> MatMul -> classes. */
function graph(opts: { input?: string; inDims: Dim[]; timeAxis: 1 | 2; leads: number; classes: number; output?: string; outDims?: Dim[]; op?: string; extraInput?: boolean; softmax?: boolean; perStep?: boolean }): Uint8Array {
  const g = new GraphBuilder('foreign');
  const x = g.input(opts.input ?? 'ecg', 'float32', opts.inDims);
  if (opts.extraInput) g.input('age', 'float32', ['batch', 1]);
  // perStep: scores per time step, [batch, samples, classes] (a model that does not pool)
  const pooled = opts.perStep ? g.op('Transpose', [x], { perm: [0, 2, 1] }) : g.op(opts.op ?? 'ReduceMean', [x], { axes: [opts.timeAxis], keepdims: 0 });
  const w = g.floats('w', Array.from({ length: opts.leads * opts.classes }, (_, i) => (i % 7) / 7 - 0.4), [opts.leads, opts.classes]);
  let y = g.op('MatMul', [pooled, w]);
  if (opts.softmax) y = g.op('Softmax', [y], { axis: 1 });
  g.output(y, opts.output ?? 'logits', 'float32', opts.outDims ?? ['batch', opts.classes]);
  return g.encode();
}

describe('model card against the ONNX graph', () => {
  const card = (...changes: [string, unknown][]): ModelCard => parseModelCard(edited(...changes));

  it('accepts a graph that fits, and one whose samples axis the card fixes', async () => {
    const ok = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3 }));
    expect(ok.problems).toEqual([]);
    expect(ok.graph.inputs).toEqual([{ name: 'ecg', type: 'float32', dims: ['batch', 12, 5000] }]);
    const nlc = card(['input.layout', 'NLC'], ['output.activation', 'softmax']);
    const symbolic = await checkCardAgainstGraph(nlc, graph({ inDims: ['batch', 'time', 12], timeAxis: 1, leads: 12, classes: 3, softmax: true }));
    expect(symbolic.problems).toEqual([]);
    expect(symbolic.notes).toEqual(["input 'ecg' axis 1 is symbolic (time); the card fixes it to 5000"]);
    const single = await checkCardAgainstGraph(card(), graph({ inDims: [1, 12, 5000], timeAxis: 2, leads: 12, classes: 3, outDims: [1, 3] }));
    expect(single.problems).toEqual([]); // exported with batch 1: tried with one record
    expect(single.notes).toEqual(["input 'ecg' has a fixed batch of 1: records go through 1 at a time"]);
  });

  it('names a missing input or output and lists the graph names', async () => {
    const bytes = graph({ input: 'signal', inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3, output: 'probs' });
    const r = await checkCardAgainstGraph(card(), bytes);
    expect(r.problems).toEqual(["card.input.name 'ecg' is not an input of the graph; its inputs: 'signal'", "card.output.name 'logits' is not an output of the graph; its outputs: 'probs'"]);
  });

  it('finds shapes that contradict the layout, the leads, the samples or the classes', async () => {
    const swapped = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 5000, 12], timeAxis: 1, leads: 12, classes: 3 }));
    expect(swapped.problems).toEqual(["input 'ecg' axis 1 is 5000, but the card's layout NCL puts leads there: 12 leads in input.leads", "input 'ecg' axis 2 is 12, but the card's layout NCL puts samples there: input.samples 5000"]);
    const eight = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 8, 5000], timeAxis: 2, leads: 8, classes: 3 }));
    expect(eight.problems).toEqual(["input 'ecg' axis 1 is 8, but the card's layout NCL puts leads there: 12 leads in input.leads"]);
    const classes = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 5 }));
    expect(classes.problems).toEqual(["output 'logits' gives 5 scores per record, but output.classes lists 3"]);
    const rank = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 60000], timeAxis: 1, leads: 1, classes: 3 }));
    expect(rank.problems[0]).toBe("input 'ecg' has shape [batch, 60000] (rank 2); layout NCL needs rank 3 [batch, leads, samples]");
  });

  it('finds dynamic axes the card does not fix, and class counts only a run shows', async () => {
    const extra = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 12, 'n'], timeAxis: 2, leads: 12, classes: 3, outDims: ['batch', 'n', 3], perStep: true }));
    expect(extra.problems).toEqual(["output 'logits' has shape [batch, n, 3]: symbolic axes the card does not fix (n); it must be [batch, 3]"]);
    // One score per sample (the mean over leads): the class axis is as long as the input, only a run tells.
    const g = new GraphBuilder('per-sample');
    g.output(g.op('ReduceMean', [g.input('ecg', 'float32', ['batch', 12, 'n'])], { axes: [1], keepdims: 0 }), 'logits', 'float32', ['batch', 'k']);
    const hidden = await checkCardAgainstGraph(card(), g.encode());
    expect(hidden.problems).toEqual(["a batch of 2 records of [12, 5000] gives output 'logits' of shape [2, 5000]; the card needs [2, 3]"]);
    const feeds = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3, extraInput: true }));
    expect(feeds.problems).toEqual(["the graph has inputs the card does not feed: 'age'"]);
  });

  it('says in one line which operator ONNX Runtime cannot run', async () => {
    const r = await checkCardAgainstGraph(card(), graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3, op: 'ReduceWobble' }));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).not.toContain('\n');
    expect(r.problems[0]).toBe("the graph uses operator ReduceWobble (node 'ReduceWobble_node'), which ONNX Runtime does not know at opset 17");
    expect(r.graph.inputs.map((v) => v.name)).toEqual(['ecg']); // read from the proto when no session opens
    expect(rewordOrtError("[ONNXRuntimeError] : 9 : NOT_IMPLEMENTED : Could not find an implementation for Foo(17) node with name 'n1'")).toBe("the graph uses operator Foo (opset 17, node 'n1'), which ONNX Runtime cannot run");
    const junk = await checkCardAgainstGraph(card(), new Uint8Array([1, 2, 3, 4, 5]));
    expect(junk.problems[0]).toMatch(/^(not an ONNX model|ONNX Runtime cannot load the graph)/);
  });

  it('checks files and throws one line for a card that does not fit', async () => {
    const dir = tempDir('card-graph');
    writeFileSync(join(dir, 'card.json'), JSON.stringify(cardJson()));
    writeFileSync(join(dir, 'good.onnx'), graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3 }));
    writeFileSync(join(dir, 'bad.onnx'), graph({ inDims: ['batch', 12, 4096], timeAxis: 2, leads: 12, classes: 3 }));
    expect((await checkCardFiles(join(dir, 'card.json'), join(dir, 'good.onnx'))).card.name).toBe('example-resnet');
    await expect(checkCardFiles(join(dir, 'card.json'), join(dir, 'bad.onnx'))).rejects.toThrow(/card\.json does not fit .*bad\.onnx: input 'ecg' axis 2 is 4096, but the card's layout NCL puts samples there: input.samples 5000$/);
    expect(graphSignatureFromProto(graph({ inDims: ['batch', 12, 5000], timeAxis: 2, leads: 12, classes: 3 })).outputs).toEqual([{ name: 'logits', type: 'float32', dims: ['batch', 3] }]);
  });
});
