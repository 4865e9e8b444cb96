// Backend choice: 'auto' takes the first of tfjs-node-gpu, tfjs-node, WASM that loads, and reports
// every earlier one as tried and unavailable (here neither native package is installed, so it is
// WASM; on a machine with them it is a native one, and the test holds there too). Forcing works by
// setting and by OPENECG_BACKEND, and a forced backend that cannot load fails instead of falling back.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { chooseBackend, explainWasmAbort, parseBackendRequest, wasmFilesFolder } from '../../src/main/ml/backend.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Whether an optional native package resolves here (it may still fail to load: no CUDA, wrong glibc). */
function resolves(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('chooseBackend', () => {
  it('auto: tries tfjs-node-gpu, then tfjs-node, then WASM, and takes the first that loads', async () => {
    const choice = await chooseBackend({ env: {} });
    const names = choice.tried.map((t) => t.name);
    expect(['tensorflow-gpu', 'tensorflow', 'wasm'].slice(0, names.length)).toEqual(names);
    expect(choice.tried.at(-1)?.ok).toBe(true);
    expect(choice.name).toBe(names.at(-1));
    for (const failed of choice.tried.slice(0, -1)) {
      expect(failed.ok).toBe(false);
      expect(failed.why.length).toBeGreaterThan(0);
    }
    if (choice.tried[0].name === 'tensorflow-gpu' && !choice.tried[0].ok) expect(choice.tried[0].why).toMatch(/tfjs-node-gpu/);
    expect(tf.getBackend()).toBe(choice.name === 'wasm' ? 'wasm' : 'tensorflow');
    if (choice.name === 'wasm') expect(choice.reason).toMatch(/tensorflow-gpu, tensorflow unavailable/);
  });

  it('WASM asked for: the SIMD build, one thread in Node, convolutions routed per shape between ONNX Runtime\'s GEMM and XNNPACK', async () => {
    const choice = await chooseBackend({ prefer: 'wasm', env: {} });
    expect(choice.name).toBe('wasm');
    expect(choice.wasm?.simd).toBe(true);
    expect(choice.wasm?.threads).toBe(1);
    // onnxruntime-node is a dependency: convolutions and large products may run on its GEMM,
    // each shape where it measures cheaper (at most the backend's own check measured so far).
    expect(choice.gemm).toMatch(/^the route measured per shape: (onnxruntime-gemm \(\d+ threads\) or xnnpack|\d+ shapes? on onnxruntime-gemm \(\d+ threads\), \d+ on xnnpack)$/);
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

  it('forcing tensorflow loads a native package, or fails and names both attempts', async () => {
    const forced = chooseBackend({ env: { OPENECG_BACKEND: 'tensorflow' } });
    const loaded = await forced.then((c) => c, (e: Error) => e);
    if (loaded instanceof Error) expect(loaded.message).toMatch(/tensorflow-gpu: .*; tensorflow: /);
    else {
      // Only where one of them is installed (a user's machine): then it must be the one in use.
      expect(resolves('@tensorflow/tfjs-node-gpu') || resolves('@tensorflow/tfjs-node')).toBe(true);
      expect(loaded.tfBackend).toBe('tensorflow');
      await chooseBackend({ prefer: 'wasm', env: {} });
    }
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
