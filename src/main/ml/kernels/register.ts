// Registers the kernels a training step needs on WASM that tfjs-backend-wasm 4.22 lacks
// (Conv2DBackpropFilter) or has only as slow scalar loops (Conv2DBackpropInput). In tfjs 4.22 the
// ReLU gradient is Step x Multiply, both present on WASM, so no ReluGrad kernel is needed. Idempotent: the backend module calls it before activating WASM.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig, conv2DBackpropInputConfig } from './conv-backprop.js';

/** Kernels we provide for WASM; the stock Conv2DBackpropInput is replaced by the XNNPACK route. */
export const WASM_TRAINING_KERNELS: readonly KernelConfig[] = [conv2DBackpropFilterConfig, conv2DBackpropInputConfig];

export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing === config) continue;
    if (existing) unregisterKernel(config.kernelName, 'wasm');
    registerKernel(config);
  }
}
