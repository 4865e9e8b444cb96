// A foreign model's card (src/shared/model-card.ts) read from its file and checked against its ONNX
// graph: the graph must have the card's input and output, their shapes must agree with the card's
// layout, leads, samples and classes, every dimension but the batch must be fixed by the graph or by
// the card, and ONNX Runtime must be able to run the graph (a session is created on the CPU and one
// batch of zero records is run through it, which also settles shapes the graph leaves symbolic).
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { ModelCardError, parseModelCard, type ModelCard } from '../../../shared/model-card.js';
import { loadOrt } from '../infer/ort.js';

/** One graph input or output as declared: element type and dimensions (a number, a symbol, or null when unnamed). */
export interface GraphValue {
  readonly name: string;
  readonly type: string;
  readonly dims: readonly (number | string | null)[] | null;
}

export interface GraphSignature {
  readonly inputs: readonly GraphValue[];
  readonly outputs: readonly GraphValue[];
}

export interface CardCheck {
  readonly graph: GraphSignature;
  /** Each problem in one line; empty when the card and the graph agree. */
  readonly problems: readonly string[];
  /** Things worth knowing that are no error (a symbolic dimension the card fixes). */
  readonly notes: readonly string[];
}

/** The card at `path`, parsed and validated; a ModelCardError says what is wrong in one line. */
export function readModelCard(path: string): ModelCard {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelCardError(`cannot read the model card ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelCardError(`${path} is not JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    return parseModelCard(json);
  } catch (err) {
    if (err instanceof ModelCardError) throw new ModelCardError(`${path}: ${err.message}`);
    throw err;
  }
}

const ELEM_NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

/** The declared inputs and outputs from the model proto (for bindings without session metadata). */
export function graphSignatureFromProto(bytes: Uint8Array): GraphSignature {
  const model = onnxProto.onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const value = (v: onnxProto.onnx.IValueInfoProto): GraphValue => {
    const t = v.type?.tensorType;
    const dims = t?.shape?.dim ? t.shape.dim.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : null)) : null;
    return { name: v.name ?? '', type: t ? (ELEM_NAMES[t.elemType ?? 0] ?? `type ${t.elemType}`) : 'non-tensor', dims };
  };
  // Inputs that are also initializers are weights with defaults (old exporters), not feeds.
  return { inputs: (graph?.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(value), outputs: (graph?.output ?? []).map(value) };
}

type Ort = Awaited<ReturnType<typeof loadOrt>>;
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

function signatureOf(session: Session, bytes: Uint8Array): GraphSignature {
  const meta = session as Partial<Pick<Session, 'inputMetadata' | 'outputMetadata'>>;
  if (!meta.inputMetadata || !meta.outputMetadata) return graphSignatureFromProto(bytes);
  const value = (m: Session['inputMetadata'][number]): GraphValue => (m.isTensor ? { name: m.name, type: m.type, dims: m.shape.length === 0 ? null : m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : null)) } : { name: m.name, type: 'non-tensor', dims: null });
  return { inputs: meta.inputMetadata.map(value), outputs: meta.outputMetadata.map(value) };
}

/** ONNX Runtime's session error in one line: the operator it cannot run, or its first line. */
export function rewordOrtError(message: string): string {
  const op = /Could not find an implementation for (\w+)\((\d+)\) node with name '([^']*)'/.exec(message);
  if (op) return `the graph uses operator ${op[1]} (opset ${op[2]}, node '${op[3]}'), which ONNX Runtime cannot run`;
  const unknown = /No Op registered for (\S+) with domain_version of (\d+)/.exec(message);
  if (unknown) {
    const node = /In Node, \("([^"]*)", \S+, "([^"]*)"/.exec(message);
    const where = node ? ` (node '${node[1]}'${node[2] ? `, domain '${node[2]}'` : ''})` : '';
    return `the graph uses operator ${unknown[1]}${where}, which ONNX Runtime does not know at opset ${unknown[2]}`;
  }
  const line = message.replace(/\s+/g, ' ').replace(/^\[[^\]]*\]\s*/, '').trim();
  return `ONNX Runtime cannot load the graph: ${line.length > 300 ? `${line.slice(0, 300)}...` : line}`;
}

const dimText = (dims: GraphValue['dims']) => (dims ? `[${dims.map((d) => (d === null ? '?' : d)).join(', ')}]` : 'unknown shape');

/** Input: [batch, leads, samples] (NCL) or [batch, samples, leads] (NLC). */
function checkInput(card: ModelCard, v: GraphValue, problems: string[], notes: string[]): void {
  const { layout, leads, samples } = card.input;
  const want = layout === 'NCL' ? [leads.length, samples] : [samples, leads.length];
  const what = layout === 'NCL' ? ['leads', 'samples'] : ['samples', 'leads'];
  const at = `input '${v.name}'`;
  if (v.type !== 'float32') problems.push(`${at} takes ${v.type}; only float32 inputs are supported`);
  if (!v.dims) {
    notes.push(`${at} declares no shape; the card's ${dimText(['batch', ...want])} is taken as is`);
    return;
  }
  if (v.dims.length !== 3) {
    problems.push(`${at} has shape ${dimText(v.dims)} (rank ${v.dims.length}); layout ${layout} needs rank 3 [batch, ${what.join(', ')}]`);
    return;
  }
  if (typeof v.dims[0] === 'number') notes.push(`${at} has a fixed batch of ${v.dims[0]}: records go through ${v.dims[0]} at a time`);
  want.forEach((n, i) => {
    const d = v.dims?.[i + 1];
    const source = what[i] === 'leads' ? `${leads.length} leads in input.leads` : `input.samples ${samples}`;
    if (typeof d === 'number' && d !== n) problems.push(`${at} axis ${i + 1} is ${d}, but the card's layout ${layout} puts ${what[i]} there: ${source}`);
    else if (typeof d !== 'number') notes.push(`${at} axis ${i + 1} is symbolic (${d ?? '?'}); the card fixes it to ${n}`);
  });
}

/** Output: [batch, classes]; a symbolic class axis is settled by the trial run. */
function checkOutput(card: ModelCard, v: GraphValue, problems: string[]): void {
  const n = card.output.classes.length;
  const at = `output '${v.name}'`;
  if (v.type !== 'float32' && v.type !== 'float64' && v.type !== 'float16') problems.push(`${at} gives ${v.type}; scores must be floating point`);
  if (!v.dims) return;
  if (v.dims.length !== 2) {
    const extra = v.dims.slice(1).filter((d) => typeof d !== 'number');
    problems.push(extra.length > 0 && v.dims.length > 2 ? `${at} has shape ${dimText(v.dims)}: symbolic axes the card does not fix (${extra.join(', ')}); it must be [batch, ${n}]` : `${at} has shape ${dimText(v.dims)}; it must be [batch, classes] = [batch, ${n}]`);
    return;
  }
  if (typeof v.dims[1] === 'number' && v.dims[1] !== n) problems.push(`${at} gives ${v.dims[1]} scores per record, but output.classes lists ${n}`);
}

/**
 * Checks the card against the ONNX graph in `bytes` with ONNX Runtime (CPU). `trial: false` skips
 * the zero-batch run (for huge graphs when only the declared signature matters).
 */
export async function checkCardAgainstGraph(card: ModelCard, bytes: Uint8Array, options: { trial?: boolean } = {}): Promise<CardCheck> {
  const ort = await loadOrt();
  let session: Session;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, enableCpuMemArena: false, logSeverityLevel: 3 });
  } catch (err) {
    let graph: GraphSignature = { inputs: [], outputs: [] };
    try {
      graph = graphSignatureFromProto(bytes);
    } catch {
      return { graph, problems: [`not an ONNX model: ${rewordOrtError((err as Error).message)}`], notes: [] };
    }
    return { graph, problems: [rewordOrtError((err as Error).message)], notes: [] };
  }
  try {
    const graph = signatureOf(session, bytes);
    const problems: string[] = [];
    const notes: string[] = [];
    const names = (vs: readonly GraphValue[]) => vs.map((v) => `'${v.name}'`).join(', ');
    const input = graph.inputs.find((v) => v.name === card.input.name);
    const output = graph.outputs.find((v) => v.name === card.output.name);
    if (!input) problems.push(`card.input.name '${card.input.name}' is not an input of the graph; its inputs: ${names(graph.inputs)}`);
    else checkInput(card, input, problems, notes);
    const others = graph.inputs.filter((v) => v.name !== card.input.name);
    if (input && others.length > 0) problems.push(`the graph has inputs the card does not feed: ${names(others)}`);
    if (!output) problems.push(`card.output.name '${card.output.name}' is not an output of the graph; its outputs: ${names(graph.outputs)}`);
    else checkOutput(card, output, problems);
    // A graph exported with a fixed batch (often 1) gets that batch; otherwise two records.
    const batch = typeof input?.dims?.[0] === 'number' && input.dims[0] > 0 ? input.dims[0] : 2;
    if (problems.length === 0 && options.trial !== false) await trialRun(ort, session, card, batch, problems);
    return { graph, problems, notes };
  } finally {
    await session.release();
  }
}

/** A batch of zero records through the graph: the output must come back as [batch, classes]. */
async function trialRun(ort: Ort, session: Session, card: ModelCard, batch: number, problems: string[]): Promise<void> {
  const { layout, leads, samples } = card.input;
  const dims = layout === 'NCL' ? [batch, leads.length, samples] : [batch, samples, leads.length];
  const feed = new ort.Tensor('float32', new Float32Array(batch * leads.length * samples), dims);
  try {
    const out = (await session.run({ [card.input.name]: feed }, [card.output.name]))[card.output.name];
    const shape = [...out.dims];
    const n = card.output.classes.length;
    if (shape.length !== 2 || shape[0] !== batch || shape[1] !== n) problems.push(`a batch of ${batch} records of ${dimText(dims.slice(1))} gives output '${card.output.name}' of shape [${shape.join(', ')}]; the card needs [${batch}, ${n}]`);
  } catch (err) {
    problems.push(`the graph does not run on the card's input [${dims.join(', ')}]: ${rewordOrtError((err as Error).message).replace(/^ONNX Runtime cannot load the graph: /, '')}`);
  }
}

/** readModelCard + checkCardAgainstGraph on files; throws a ModelCardError listing the problems. */
export async function checkCardFiles(cardPath: string, onnxPath: string): Promise<{ card: ModelCard; check: CardCheck }> {
  const card = readModelCard(cardPath);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(onnxPath);
  } catch (err) {
    throw new ModelCardError(`cannot read the ONNX graph ${onnxPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const check = await checkCardAgainstGraph(card, bytes);
  if (check.problems.length > 0) throw new ModelCardError(`${cardPath} does not fit ${onnxPath}: ${check.problems.join('; ')}`);
  return { card, check };
}
