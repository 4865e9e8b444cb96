// A small builder for ONNX graphs on top of onnx-proto's generated message classes: named
// initializers, nodes with attributes, inputs/outputs with a symbolic batch dimension, and the
// encoding of the finished ModelProto. No protobuf is written by hand.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

/** Opset 17: LayerNormalization is a standard op there, and every runtime of the last years reads it. */
export const ONNX_OPSET = 17;
/** IR version 8 (ONNX 1.10+), what onnx-proto 8 describes. */
export const ONNX_IR_VERSION = 8;

export type AttributeValue = number | number[] | string | { readonly float: number };

export type ElemType = 'float32' | 'int64';
const ELEM: Record<ElemType, number> = { float32: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 };

/** A dimension: a fixed size or a symbolic name (e.g. 'batch'). */
export type Dim = number | string;

function attribute(name: string, value: AttributeValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.float };
}

function valueInfo(name: string, elem: ElemType, dims: readonly Dim[]): IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: ELEM[elem], shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  private readonly initializers: ITensorProto[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private readonly names = new Set<string>();
  private count = 0;

  constructor(private readonly name: string) {}

  private fresh(base: string): string {
    let n = base;
    while (this.names.has(n)) n = `${base}_${++this.count}`;
    this.names.add(n);
    return n;
  }

  input(name: string, elem: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.fresh(name), elem, dims));
    return name;
  }

  /** Declares `value` (a node's result) as a graph output named `name`. */
  output(value: string, name: string, elem: ElemType, dims: readonly Dim[]): void {
    if (value !== name && this.op('Identity', [value], {}, name) !== name) throw new Error(`output name ${name} is taken`);
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /** A float32 initializer (row-major values). */
  tensor(name: string, values: Float32Array, dims: readonly number[]): string {
    const n = this.fresh(name);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`initializer ${name}: ${values.length} values for shape [${dims}]`);
    // rawData is little-endian by the ONNX spec; a copy keeps the message independent of the caller's buffer.
    const raw = new Uint8Array(values.byteLength);
    raw.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    this.initializers.push({ name: n, dims: [...dims], dataType: ELEM.float32, rawData: raw });
    return n;
  }

  /** A float32 scalar or vector constant. */
  floats(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.tensor(name, Float32Array.from(values), dims);
  }

  /** An int64 vector (shapes, axes, indices). */
  ints(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const n = this.fresh(name);
    const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name: n, dims: [...dims], dataType: ELEM.int64, rawData: raw });
    return n;
  }

  /** Adds a node; returns its (first) output's name, or all of them with `outputs` > 1 via opMulti. */
  op(type: string, inputs: readonly string[], attrs: Record<string, AttributeValue> = {}, outName?: string): string {
    return this.opMulti(type, inputs, 1, attrs, outName ? [outName] : undefined)[0];
  }

  opMulti(type: string, inputs: readonly string[], outputs: number, attrs: Record<string, AttributeValue> = {}, outNames?: readonly string[]): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => this.fresh(outNames?.[i] ?? `${type.toLowerCase()}`));
    this.nodes.push({
      opType: type,
      name: this.fresh(`${type}_node`),
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  /** The serialised ModelProto. */
  encode(docString = ''): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      producerName: 'openecg-workstation',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
