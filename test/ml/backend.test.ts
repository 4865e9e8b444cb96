// Backend choice on this machine: the native TensorFlow packages are not installed, so 'auto'
// must report both as tried and unavailable and settle on WASM; forcing works by setting and by
// OPENECG_BACKEND, and a forced backend that cannot load fails instead of falling back.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, explainWasmAbort, parseBackendRequest, wasmFilesFolder } from '../../src/main/ml/backend.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

describe('chooseBackend', () => {
  it('auto: tries tfjs-node-gpu, then tfjs-node, then takes WASM (SIMD, one thread in Node)', async () => {
    const choice = await chooseBackend({ env: {} });
    expect(choice.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm']);
    expect(choice.tried.map((t) => t.ok)).toEqual([false, false, true]);
    expect(choice.tried[0].why).toMatch(/tfjs-node-gpu/);
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.reason).toMatch(/tensorflow-gpu, tensorflow unavailable/);
    expect(choice.wasm?.simd).toBe(true);
    expect(choice.wasm?.threads).toBe(1);
    // onnxruntime-node is installed here: convolutions and large products run on its GEMM.
    expect(choice.gemm).toMatch(/^onnxruntime-gemm \(\d+ threads\)$/);
  });

  it('OPENECG_BACKEND=cpu wins over the setting', async () => {
    const choice = await chooseBackend({ prefer: 'wasm', env: { OPENECG_BACKEND: 'cpu' } });
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toBe('forced by OPENECG_BACKEND=cpu');
    expect(choice.tried).toEqual([{ name: 'cpu', ok: true, why: 'loaded and passed the op check' }]);
  });

  it('a setting forces WASM back', async () => {
    const choice = await chooseBackend({ prefer: 'wasm', env: {} });
    expect(choice.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('forcing tensorflow without the native packages fails and names both attempts', async () => {
    await expect(chooseBackend({ env: { OPENECG_BACKEND: 'tensorflow' } })).rejects.toThrow(/tensorflow-gpu: .*; tensorflow: /);
  });

  it('rejects unknown names; finds the .wasm files', () => {
    expect(() => parseBackendRequest('cuda')).toThrow(/unknown backend 'cuda'/);
    expect(parseBackendRequest('WASM')).toBe('wasm');
    expect(parseBackendRequest(undefined)).toBeUndefined();
    expect(existsSync(join(wasmFilesFolder(), 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
  });

  it('turns the WASM heap abort into an error that says what to do, and leaves other errors alone', () => {
    const abort = explainWasmAbort(new Error('Aborted(). Build with -sASSERTIONS for more info.'), 32) as Error;
    expect(abort.message).toMatch(/ran out of memory \(4 GB per thread\) on a batch of 32: use a smaller batch, or data-parallel workers/);
    const other = new Error('shapes do not match');
    expect(explainWasmAbort(other, 32)).toBe(other);
  });
});
