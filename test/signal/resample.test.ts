import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { filterBank, inputSupport, outputLength, resampleInto, resamplePoly, resampleRatio } from '../../src/main/signal/resample.js';
import { SCIPY_CASES, lcgNoise } from './scipy-fixtures.js';

const sine = (n: number, fs: number, f: number, phase: number, amp = 1) => Float64Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / fs + phase));
const rms = (x: ArrayLike<number>, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
};

describe('resampleRatio', () => {
  it('reduces integer rates exactly', () => {
    expect(resampleRatio(257, 100)).toEqual({ up: 100, down: 257 });
    expect(resampleRatio(500, 100)).toEqual({ up: 1, down: 5 });
    expect(resampleRatio(1000, 100)).toEqual({ up: 1, down: 10 });
    expect(resampleRatio(360, 100)).toEqual({ up: 5, down: 18 });
    expect(resampleRatio(250, 100)).toEqual({ up: 2, down: 5 });
    expect(resampleRatio(400, 100)).toEqual({ up: 1, down: 4 });
    expect(resampleRatio(100, 100)).toEqual({ up: 1, down: 1 });
  });

  it('approximates odd rates with a limited denominator, as Fraction.limit_denominator(1000)', () => {
    expect(resampleRatio(128.0001, 100)).toEqual({ up: 25, down: 32 });
    expect(resampleRatio(257.3, 100)).toEqual({ up: 363, down: 934 });
    expect(resampleRatio(1000 / 3, 100)).toEqual({ up: 3, down: 10 });
  });

  it('refuses rates that are not positive', () => {
    expect(() => resampleRatio(0, 100)).toThrow(RangeError);
    expect(() => resampleRatio(Number.NaN, 100)).toThrow(RangeError);
  });
});

describe('resamplePoly', () => {
  it('equals scipy.signal.resample_poly on noise, edges included', () => {
    for (const c of SCIPY_CASES) {
      const { up, down } = resampleRatio(c.fsIn, c.fsOut);
      const y = resamplePoly(lcgNoise(c.n, c.seed), up, down);
      expect(y.length, `${c.fsIn}->${c.fsOut}`).toBe(c.expected.length);
      const tol = 1e-4 * rms(c.expected);
      let worst = 0;
      for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - c.expected[i]));
      expect(worst, `${c.fsIn}->${c.fsOut}`).toBeLessThan(tol);
    }
  });

  // The prescribed filter (scipy's Kaiser beta 5.0 windowed sinc) ripples by up to 1.4e-3 in its
  // passband (-57 dB sidelobes), so 1e-3 holds where its ripple is small (10, 20, 30 Hz) and 1.5e-3
  // bounds the error over the whole ECG band up to 38 Hz.
  it('keeps amplitude and phase of a sine below the new Nyquist frequency', () => {
    for (const fsIn of [500, 257, 360, 1000, 250, 400]) {
      const { up, down } = resampleRatio(fsIn, 100);
      for (const f of [0.7, 5, 7.3, 10, 15, 20, 23, 30, 35, 38]) {
        const y = resamplePoly(sine(fsIn * 10, fsIn, f, 0.4, 1.5), up, down);
        expect(y.length).toBe(1000);
        let worst = 0;
        for (let k = 100; k < 900; k++) worst = Math.max(worst, Math.abs(y[k] - 1.5 * Math.sin((2 * Math.PI * f * k) / 100 + 0.4)));
        const tol = f === 10 || f === 20 || f === 30 ? 1e-3 : 1.5e-3;
        expect(worst / 1.5, `${fsIn} Hz, ${f} Hz sine`).toBeLessThan(tol);
      }
    }
  });

  it('removes a sine above the new Nyquist frequency (> 40 dB)', () => {
    for (const [fsIn, f] of [[500, 70], [500, 60], [1000, 150], [257, 80], [360, 62]]) {
      const { up, down } = resampleRatio(fsIn, 100);
      const y = resamplePoly(sine(fsIn * 10, fsIn, f, 0.1), up, down);
      const ratio = rms(y, 100, 900) / (1 / Math.SQRT2);
      expect(20 * Math.log10(ratio), `${fsIn} Hz, ${f} Hz sine`).toBeLessThan(-40);
    }
  });

  it('preserves DC away from the zero-padded edges', () => {
    for (const fsIn of [500, 257, 360, 250, 1000, 400, 128]) {
      const { up, down } = resampleRatio(fsIn, 100);
      const y = resamplePoly(new Float64Array(fsIn * 5).fill(1.7), up, down);
      for (let k = 50; k < y.length - 50; k++) expect(Math.abs(y[k] - 1.7)).toBeLessThan(2e-3);
    }
  });

  it('upsamples too (100 -> 250 Hz keeps a 20 Hz sine)', () => {
    const y = resamplePoly(sine(1000, 100, 20, 0), 5, 2);
    expect(y.length).toBe(2500);
    let worst = 0;
    for (let k = 250; k < 2250; k++) worst = Math.max(worst, Math.abs(y[k] - Math.sin((2 * Math.PI * 20 * k) / 250)));
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('resampleInto', () => {
  it('computes a stretch of the whole-record output from the samples it depends on', () => {
    const x = lcgNoise(10000, 11);
    for (const [up, down] of [[100, 257], [1, 5], [5, 18]]) {
      const bank = filterBank(up, down);
      const whole = resamplePoly(x, up, down);
      const first = 20;
      const count = 1000;
      const { lo, hi } = inputSupport(bank, first, count);
      const segment = x.slice(Math.max(0, lo), Math.min(x.length, hi));
      const out = new Float32Array(count + 4);
      resampleInto(segment, Math.max(0, lo), bank, first, count, out, 2, 2);
      for (let j = 0; j < count; j++) expect(out[2 + j]).toBeCloseTo(2 * whole[first + j], 5);
      expect(outputLength(x.length, up, down)).toBe(whole.length);
    }
  });
});

// The committed fixtures above pin the behaviour; where python3 has SciPy (CI installs python3-scipy)
// the comparison also runs live on longer signals and every rate the collections use.
const scipyPython = ['/usr/bin/python3', 'python3'].find((py) => spawnSync(py, ['-c', 'import scipy.signal'], { stdio: 'ignore' }).status === 0);

describe.skipIf(!scipyPython)('resamplePoly against live SciPy', () => {
  it('matches resample_poly on 10 s of noise at 257, 360, 400, 500, 1000 Hz', () => {
    const rates = [257, 360, 400, 500, 1000, 250];
    const script = [
      'import sys, json, numpy as np, scipy.signal as ss',
      'from fractions import Fraction',
      'out = {}',
      'for fs in json.loads(sys.argv[1]):',
      '    x = []; s = fs',
      '    for i in range(fs * 10):',
      '        s = (1664525 * s + 1013904223) % 4294967296; x.append(s / 4294967296 - 0.5)',
      '    f = Fraction(100, fs)',
      '    out[fs] = ss.resample_poly(np.array(x), f.numerator, f.denominator).tolist()',
      'print(json.dumps(out))',
    ].join('\n');
    const run = spawnSync(scipyPython as string, ['-c', script, JSON.stringify(rates)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as Record<string, number[]>;
    for (const fs of rates) {
      const { up, down } = resampleRatio(fs, 100);
      const y = resamplePoly(lcgNoise(fs * 10, fs), up, down);
      const ref = expected[String(fs)];
      expect(y.length).toBe(ref.length);
      const tol = 1e-4 * rms(ref);
      let worst = 0;
      for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]));
      expect(worst, `${fs} Hz`).toBeLessThan(tol);
    }
  });
});
