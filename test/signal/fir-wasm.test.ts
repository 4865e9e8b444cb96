import { describe, expect, it } from 'vitest';
import { assembleWat } from '../../src/main/signal/fir-assemble.js';
import { resampleJs } from '../../src/main/signal/fir-js.js';
import { firKernel, firKernelFailure, type FirKernel } from '../../src/main/signal/fir-wasm.js';
import { filterBank, inputSupport, outputLength, resampleInto, resampleRatio, type FilterBank } from '../../src/main/signal/resample.js';
import { lcgNoise } from './scipy-fixtures.js';

const RATES: readonly [number, number][] = [
  [500, 100],
  [257, 100],
  [360, 100],
  [1000, 100],
  [250, 100],
  [400, 100],
  [100, 250],
];

const rms = (x: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s / x.length);
};

/** Largest |a - b| over the arrays, NaN when their NaN patterns differ. */
function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.NaN;
    if (!Number.isNaN(a[i])) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

function kernel(): FirKernel {
  const k = firKernel();
  expect(k, `WASM kernel unavailable: ${firKernelFailure()}`).not.toBeNull();
  return k as FirKernel;
}

/** Both paths over outputs first..first+count-1 of x (x holding samples xStart...). */
function both(x: Float64Array | Float32Array, xStart: number, bank: FilterBank, first: number, count: number, scale = 1) {
  const js = new Float64Array(count + 3).fill(-7);
  const wasm = new Float64Array(count + 3).fill(-7);
  resampleJs(x, xStart, bank, first, count, js, 3, scale);
  expect(kernel().run(x, xStart, bank, first, count, wasm, 3, scale)).toBe(true);
  return { js, wasm };
}

describe('WASM SIMD polyphase FIR', () => {
  it('is available on this Node and is what resampleInto runs', () => {
    const k = kernel();
    const bank = filterBank(1, 5);
    const x = lcgNoise(5003, 11);
    const viaInto = new Float64Array(1001);
    const viaKernel = new Float64Array(1001);
    resampleInto(x, 0, bank, 0, 1001, viaInto, 0);
    k.run(x, 0, bank, 0, 1001, viaKernel, 0, 1);
    expect(viaInto).toEqual(viaKernel);
  });

  it('equals the JS path within 1e-6 of the signal RMS for every ratio, odd lengths, edges included', () => {
    for (const [fsIn, fsOut] of RATES) {
      const { up, down } = resampleRatio(fsIn, fsOut);
      const bank = filterBank(up, down);
      for (const [n, seed] of [
        [fsIn * 10 + 7, 3],
        [fsIn * 3 + 1, 5],
        [37, 9], // shorter than the filter: every output is an edge output
        [1, 13],
      ]) {
        const x = lcgNoise(n, seed);
        const count = outputLength(n, up, down);
        const { js, wasm } = both(x, 0, bank, 0, count, 0.37);
        const what = `${fsIn}->${fsOut} n=${n}`;
        expect(worstDiff(js, wasm), what).toBeLessThanOrEqual(1e-6 * rms(x));
        expect(wasm.subarray(0, 3), `${what}: writes before outOffset`).toEqual(new Float64Array(3).fill(-7));
        expect(rms(wasm.subarray(3)), `${what}: output is signal`).toBeGreaterThan(0.01 * rms(x));
      }
    }
  });

  it('cuts windows from a partial stretch of a record like the JS path, Float32 in and out', () => {
    for (const [fsIn, fsOut] of RATES) {
      const { up, down } = resampleRatio(fsIn, fsOut);
      const bank = filterBank(up, down);
      const n = fsIn * 20 + 3;
      const whole = lcgNoise(n, 21);
      const total = outputLength(n, up, down);
      for (const [first, count] of [
        [0, 17],
        [Math.floor(total / 3), 999],
        [total - 41, 41],
        [total - 1, 1],
      ]) {
        const { lo, hi } = inputSupport(bank, first, count);
        const a = Math.max(0, lo);
        const part = Float32Array.from(whole.subarray(a, Math.min(n, hi)));
        const js = new Float32Array(count);
        const wasm = new Float32Array(count);
        resampleJs(part, a, bank, first, count, js, 0, 2);
        expect(kernel().run(part, a, bank, first, count, wasm, 0, 2)).toBe(true);
        expect(worstDiff(js, wasm), `${fsIn}->${fsOut} [${first}, +${count})`).toBeLessThanOrEqual(2e-6 * rms(part));
        // The same outputs from the whole record: the stretch held everything they need.
        const ref = both(whole, 0, bank, first, count, 2).wasm.subarray(3);
        expect(worstDiff(Float32Array.from(ref), wasm)).toBeLessThanOrEqual(2e-6 * rms(part));
      }
    }
  });

  it('lets a NaN spoil exactly the outputs whose taps reach it, as the JS path does', () => {
    for (const [fsIn, fsOut] of [
      [500, 100],
      [360, 100],
      [100, 250],
    ]) {
      const { up, down } = resampleRatio(fsIn, fsOut);
      const bank = filterBank(up, down);
      const x = lcgNoise(fsIn * 4 + 1, 31);
      x[fsIn * 2] = Number.NaN;
      const count = outputLength(x.length, up, down);
      const { js, wasm } = both(x, 0, bank, 0, count);
      const spoilt = Array.from(wasm).filter(Number.isNaN).length;
      expect(spoilt).toBeGreaterThan(0);
      expect(spoilt).toBeLessThan(count);
      expect(worstDiff(js, wasm), `${fsIn}->${fsOut}`).toBeLessThanOrEqual(1e-6 * 0.3);
    }
  });
});

describe('assembleWat', () => {
  it('assembles WebAssembly text with wabt and reports its errors', () => {
    const bytes = assembleWat('add.wat', '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(() => assembleWat('bad.wat', '(module (func (result i32)))')).toThrow(/cannot assemble bad\.wat/);
  });
});
