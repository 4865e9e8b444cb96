// Registers the kernels a training step needs on WASM that tfjs-backend-wasm 4.22 lacks
// (Conv2DBackpropFilter) or has only as slow scalar loops (Conv2DBackpropInput), and routes
// height-1 convolutions and large matrix products to ONNX Runtime's GEMM where onnxruntime-node
// loads (conv-gemm.ts, matmul-gemm.ts; XNNPACK otherwise). In tfjs 4.22 the ReLU gradient is Step x Multiply,
// both present on WASM, so no ReluGrad kernel is needed. Idempotent: the backend module calls it
// before activating WASM.
import { BatchMatMul, Conv2D, getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { convGemmConfigs } from './conv-gemm.js';
import { batchMatMulGemmConfig } from './matmul-gemm.js';

let stockConv2D: KernelConfig | undefined;
let ours: KernelConfig[] = [];

/** Our WASM kernels (after registerWasmTrainingKernels). */
export function wasmTrainingKernels(): readonly KernelConfig[] {
  return ours;
}

export function registerWasmTrainingKernels(): void {
  if (!stockConv2D) {
    stockConv2D = getKernel(Conv2D, 'wasm');
    const stockMatMul = getKernel(BatchMatMul, 'wasm');
    if (!stockConv2D || !stockMatMul) throw new Error('tfjs-backend-wasm registered no Conv2D or BatchMatMul kernel');
    ours = [...convGemmConfigs(stockConv2D), batchMatMulGemmConfig(stockMatMul)];
  }
  for (const config of ours) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
