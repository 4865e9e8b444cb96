// Convolution gradients on WASM as forward convolutions, so they run on the backend's fast
// XNNPACK Conv2D instead of scalar loops (the stock Conv2DBackpropInput) or nothing at all
// (Conv2DBackpropFilter is missing from tfjs-backend-wasm 4.22). Layout NHWC, filter HWIO.
//
//   filter gradient: dF[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*sh+kh-pt, ow*sw+kw-pl, ci] dy[n,oh,ow,co]
//     = Conv2D(x as [ci, H, W, n], dy as filter [Ho, Wo, n, co], stride 1, dilation = forward stride)
//   input gradient: a stride-1 convolution of dy with zeros inserted between its samples
//     (stride - 1 of them) and the filter flipped in space with in/out channels swapped.
import {
  backend_util,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { Scratch, type BackendWasm } from './wasm-call.js';

type Shape4 = [number, number, number, number];

function convInfo(xShape: Shape4, filterShape: Shape4, attrs: Conv2DBackpropFilterAttrs | Conv2DBackpropInputAttrs): backend_util.Conv2DInfo {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') throw new Error(`WASM convolution gradients support NHWC only, got ${attrs.dataFormat}`);
  return backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, format);
}

/** Inserts (stride - 1) zeros after every sample along `axis` and keeps (len - 1) * stride + 1 of them. */
function dilate(s: Scratch, t: TensorInfo, axis: number, stride: number): TensorInfo {
  const len = t.shape[axis];
  if (stride === 1 || len === 1) return t;
  // As 3-D [outer * len, 1, inner]: padding the middle axis to `stride` interleaves the zeros.
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const padded = s.padOrCrop(s.reshape(t, [outer * len, 1, inner]), [[0, 0], [0, stride - 1], [0, 0]]);
  const cropped = s.padOrCrop(s.reshape(padded, [outer, len * stride, inner]), [[0, 0], [0, -(stride - 1)], [0, 0]]);
  return s.reshape(cropped, [...t.shape.slice(0, axis), (len - 1) * stride + 1, ...t.shape.slice(axis + 1)]);
}

export function conv2DBackpropFilterWasm(args: { inputs: { x?: TensorInfo; dy?: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { x, dy } = args.inputs;
  if (!x || !dy) throw new Error('Conv2DBackpropFilter needs x and dy');
  const info = convInfo(x.shape as Shape4, args.attrs.filterShape as Shape4, args.attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
  const { top, left } = info.padInfo;
  const s = new Scratch(args.backend);
  try {
    // Bottom/right padding that makes the output exactly kh x kw; negative means rows the
    // forward convolution never read, which are cropped.
    const bottom = kh + (ho - 1) * sh - h - top;
    const right = kw + (wo - 1) * sw - w - left;
    const xc = s.transpose(x, [3, 1, 2, 0]); // [ci, H, W, n]
    const cropped = s.padOrCrop(xc, [[0, 0], [Math.min(0, top), Math.min(0, bottom)], [Math.min(0, left), Math.min(0, right)], [0, 0]]);
    const f = s.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, n, co]
    const pad = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
    const out = s.run('Conv2D', { x: cropped, filter: f }, { strides: [1, 1], dilations: [sh, sw], pad, dataFormat: 'NHWC'});
    const result = s.transpose(out, [1, 2, 0, 3]); // [kh, kw, ci, co]
    const final = s.reshape(result, [kh, kw, info.inChannels, info.outChannels]);
    s.dispose(final);
    return final;
  } catch (err) {
    s.dispose();
    throw err;
  }
}

export function conv2DBackpropInputWasm(args: { inputs: { dy?: TensorInfo; filter?: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { dy, filter } = args.inputs;
  if (!dy || !filter) throw new Error('Conv2DBackpropInput needs dy and filter');
  const inputShape = args.attrs.inputShape as Shape4;
  const info = convInfo(inputShape, filter.shape as Shape4, args.attrs);
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, outHeight: ho, outWidth: wo } = info;
  const s = new Scratch(args.backend);
  try {
    const flipped = kh * kw > 1 ? s.run('Reverse', { x: filter }, { dims: [0, 1] }) : filter;
    const g = s.transpose(flipped, [0, 1, 3, 2]); // [kh, kw, co, ci]
    let d = dilate(s, dilate(s, dy, 1, sh), 2, sw);
    const top = kh - 1 - info.padInfo.top;
    const left = kw - 1 - info.padInfo.left;
    const bottom = h - ((ho - 1) * sh + 1) - top + kh - 1;
    const right = w - ((wo - 1) * sw + 1) - left + kw - 1;
    d = s.padOrCrop(d, [[0, 0], [Math.min(0, top), Math.min(0, bottom)], [Math.min(0, left), Math.min(0, right)], [0, 0]]);
    const pad = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
    const out = s.run('Conv2D', { x: d, filter: g }, { strides: [1, 1], dilations: [1, 1], pad, dataFormat: 'NHWC'});
    const final = s.reshape(out, inputShape);
    s.dispose(final);
    return final;
  } catch (err) {
    s.dispose();
    throw err;
  }
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as KernelFunc,
};

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as KernelFunc,
};
