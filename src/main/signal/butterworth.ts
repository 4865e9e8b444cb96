// Butterworth filters as SciPy designs and runs them, for a foreign model's input filter (its model
// card names order, cutoffs and zero phase; the model was trained on data filtered by SciPy).
//
// Reference calls (SciPy 1.17; test/signal/butterworth.test.ts compares to 1e-6 on real records):
//   sos = scipy.signal.butter(order, Wn, btype, fs=rate, output='sos')
//   zero phase: scipy.signal.sosfiltfilt(sos, x)   (padtype 'odd', its default padlen)
//   causal:     scipy.signal.sosfilt(sos, x)       (initial state zero)
// Second-order sections rather than 'ba': a 0.5 Hz corner at 500 Hz puts poles within 0.6% of the
// unit circle, where an 8th-order polynomial loses most of its digits (SciPy's own lfilter on the
// 'ba' form of the 0.5-40 Hz order 4 band-pass drifts), while sections stay exact to rounding.
// The design follows SciPy step by step (buttap, lp2lp/lp2hp/lp2bp_zpk, bilinear_zpk, zpk2sos with
// 'nearest' pairing), so the sections, their order and where the gain sits are SciPy's too.

export type ButterType = 'lowpass' | 'highpass' | 'bandpass';

/** One second-order section: b0, b1, b2, a0 (= 1), a1, a2, SciPy's row layout. */
export type Section = readonly [number, number, number, number, number, number];

// Complex numbers as [re, im]: the design is a dozen poles, no need for anything faster.
type C = readonly [number, number];
const add = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const sub = (a: C, b: C): C => [a[0] - b[0], a[1] - b[1]];
const mul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const scale = (a: C, k: number): C => [a[0] * k, a[1] * k];
const abs = (a: C): number => Math.hypot(a[0], a[1]);
const conj = (a: C): C => [a[0], -a[1]];
function div(a: C, b: C): C {
  // Smith's algorithm, as numpy's complex division (no overflow for large parts)
  if (Math.abs(b[0]) >= Math.abs(b[1])) {
    const r = b[1] / b[0];
    const d = b[0] + b[1] * r;
    return [(a[0] + a[1] * r) / d, (a[1] - a[0] * r) / d];
  }
  const r = b[0] / b[1];
  const d = b[0] * r + b[1];
  return [(a[0] * r + a[1]) / d, (a[1] * r - a[0]) / d];
}
/** Principal square root (numpy's branch: re >= 0, im with the sign of the argument's). */
function sqrt(a: C): C {
  const [x, y] = a;
  if (x === 0 && y === 0) return [0, y];
  const t = Math.sqrt((Math.abs(x) + Math.hypot(x, y)) / 2);
  if (x >= 0) return [t, y / (2 * t)];
  return [Math.abs(y) / (2 * t), y < 0 || Object.is(y, -0) ? -t : t];
}

interface Zpk {
  z: C[];
  p: C[];
  k: number;
}

/** The analog prototype: N poles on the left unit half circle (scipy.signal.buttap). */
function buttap(n: number): Zpk {
  const p: C[] = [];
  for (let m = -n + 1; m < n; m += 2) {
    const th = (Math.PI * m) / (2 * n);
    p.push([-Math.cos(th), -Math.sin(th)]);
  }
  return { z: [], p, k: 1 };
}

function bilinear({ z, p, k }: Zpk, fs: number): Zpk {
  const fs2: C = [2 * fs, 0];
  const degree = p.length - z.length;
  let num: C = [1, 0];
  let den: C = [1, 0];
  for (const q of z) num = mul(num, sub(fs2, q));
  for (const q of p) den = mul(den, sub(fs2, q));
  return {
    z: [...z.map((q) => div(add(fs2, q), sub(fs2, q))), ...Array.from({ length: degree }, (): C => [-1, 0])],
    p: p.map((q) => div(add(fs2, q), sub(fs2, q))),
    k: k * div(num, den)[0],
  };
}

function toBandpass({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const wo2: C = [wo * wo, 0];
  const split = (qs: C[]) => {
    const lp = qs.map((q) => scale(q, bw / 2));
    const root = lp.map((q) => sqrt(sub(mul(q, q), wo2)));
    return [...lp.map((q, i) => add(q, root[i])), ...lp.map((q, i) => sub(q, root[i]))];
  };
  return { z: [...split(z), ...Array.from({ length: degree }, (): C => [0, 0])], p: split(p), k: k * bw ** degree };
}

/**
 * scipy.signal.butter(order, cutoff, btype, fs=rate, output='zpk'): cutoff in Hz, one value for
 * low- and high-pass (high-pass: the lower corner), [low, high] for band-pass.
 */
export function butterZpk(order: number, cutoff: number | readonly [number, number], type: ButterType, rate: number): Zpk {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`Butterworth order must be a positive integer (got ${order})`);
  const wn = (typeof cutoff === 'number' ? [cutoff] : [...cutoff]).map((f) => f / (rate / 2));
  if ((type === 'bandpass') !== (wn.length === 2)) throw new RangeError(`a ${type} filter takes ${type === 'bandpass' ? 'two cutoffs' : 'one cutoff'}`);
  if (wn.some((w) => !(w > 0 && w < 1))) throw new RangeError(`cutoffs must lie strictly between 0 and ${rate / 2} Hz (Nyquist at ${rate} Hz), got ${typeof cutoff === 'number' ? cutoff : cutoff.join('-')} Hz`);
  if (wn.length === 2 && !(wn[0] < wn[1])) throw new RangeError('band-pass low cutoff must be below the high one');
  const fs = 2;
  const warped = wn.map((w) => 2 * fs * Math.tan((Math.PI * w) / fs));
  let zpk = buttap(order);
  if (type === 'lowpass') {
    const wo = warped[0];
    zpk = { z: zpk.z.map((q) => scale(q, wo)), p: zpk.p.map((q) => scale(q, wo)), k: zpk.k * wo ** (zpk.p.length - zpk.z.length) };
  } else if (type === 'highpass') {
    const wo = warped[0];
    let num: C = [1, 0];
    let den: C = [1, 0];
    for (const q of zpk.z) num = mul(num, scale(q, -1));
    for (const q of zpk.p) den = mul(den, scale(q, -1));
    const degree = zpk.p.length - zpk.z.length;
    zpk = { z: [...zpk.z.map((q) => div([wo, 0], q)), ...Array.from({ length: degree }, (): C => [0, 0])], p: zpk.p.map((q) => div([wo, 0], q)), k: zpk.k * div(num, den)[0] };
  } else {
    zpk = toBandpass(zpk, Math.sqrt(warped[0] * warped[1]), warped[1] - warped[0]);
  }
  return bilinear(zpk, fs);
}

const EPS = 2.220446049250313e-16;
const isReal = (q: C) => q[1] === 0;

/** SciPy's _cplxreal: one member (im > 0) of each conjugate pair, sorted, then the real values sorted. */
function cplxreal(zs: C[]): C[] {
  const tol = 100 * EPS;
  const sorted = [...zs].sort((a, b) => a[0] - b[0] || Math.abs(a[1]) - Math.abs(b[1]));
  const reals = sorted.filter((q) => Math.abs(q[1]) <= tol * abs(q)).map((q): C => [q[0], 0]);
  const rest = sorted.filter((q) => !(Math.abs(q[1]) <= tol * abs(q)));
  const pos = rest.filter((q) => q[1] > 0);
  const neg = rest.filter((q) => q[1] < 0);
  if (pos.length !== neg.length) throw new Error('unpaired complex value in filter design');
  // Runs with the same real part are ordered by |imag| (SciPy sorts each run again).
  const order = (qs: C[]) => {
    let i = 0;
    while (i < qs.length) {
      let j = i + 1;
      while (j < qs.length && qs[j][0] - qs[j - 1][0] <= tol * abs(qs[j - 1])) j++;
      const run = qs.slice(i, j).sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]));
      qs.splice(i, j - i, ...run);
      i = j;
    }
  };
  order(pos);
  order(neg);
  const pairs = pos.map((q, i) => scale(add(q, conj(neg[i])), 0.5));
  return [...pairs, ...reals];
}

/** Index of the element of `from` nearest to `to` that is real / complex / either (first on ties). */
function nearest(from: C[], to: C, which: 'real' | 'complex' | 'any'): number {
  // numpy's argsort is not stable, but ties here are equal values (repeated zeros at +-1), so any is the same.
  let best = -1;
  let bestD = Infinity;
  from.forEach((q, i) => {
    if (which === 'real' && !isReal(q)) return;
    if (which === 'complex' && isReal(q)) return;
    const d = abs(sub(q, to));
    if (d < bestD) [best, bestD] = [i, d];
  });
  if (best < 0) throw new Error('filter design: no zero to pair');
  return best;
}

/** np.poly of up to two roots, right-aligned in three places as SciPy's _single_zpksos puts it. */
function poly2(roots: C[]): [number, number, number] {
  if (roots.length === 0) return [0, 0, 1];
  if (roots.length === 1) return [0, 1, -roots[0][0]];
  const s = add(roots[0], roots[1]);
  const m = mul(roots[0], roots[1]);
  return [1, -s[0], m[0]];
}

function section(z: C[], p: C[]): Section {
  return [...poly2(z), ...poly2(p)] as unknown as Section;
}

/** scipy.signal.zpk2sos(z, p, k) with 'nearest' pairing: the sections, worst pole last, gain in the first. */
export function zpk2sos(zpk: Zpk): Section[] {
  let z = [...zpk.z];
  let p = [...zpk.p];
  while (p.length < z.length) p.push([0, 0]);
  while (z.length < p.length) z.push([0, 0]);
  const count = Math.floor((p.length + 1) / 2);
  if (p.length % 2 === 1) {
    p.push([0, 0]);
    z.push([0, 0]);
  }
  z = cplxreal(z);
  p = cplxreal(p);
  const worst = (qs: C[]) => qs.reduce((best, q, i) => (Math.abs(1 - abs(q)) < Math.abs(1 - abs(qs[best])) ? i : best), 0);
  const take = (qs: C[], i: number) => qs.splice(i, 1)[0];
  const sos: Section[] = new Array<Section>(count);
  for (let si = count - 1; si >= 0; si--) {
    const p1 = take(p, worst(p));
    const realPoles = p.filter(isReal).length;
    if (isReal(p1) && realPoles === 0) {
      const z1 = take(z, nearest(z, p1, 'real'));
      sos[si] = section([z1, [0, 0]], [p1, [0, 0]]);
    } else if (p.length + 1 === z.length && !isReal(p1) && realPoles === 1 && z.filter(isReal).length === 1) {
      const z1 = take(z, nearest(z, p1, 'complex'));
      sos[si] = section([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: C;
      if (isReal(p1)) {
        const idx = p.map((q, i) => [q, i] as const).filter(([q]) => isReal(q));
        p2 = take(p, idx[worst(idx.map(([q]) => q))][1]);
      } else p2 = conj(p1);
      if (z.length === 0) sos[si] = section([], [p1, p2]);
      else {
        const z1 = take(z, nearest(z, p1, 'any'));
        if (!isReal(z1)) sos[si] = section([z1, conj(z1)], [p1, p2]);
        else if (z.length > 0) sos[si] = section([z1, take(z, nearest(z, p1, 'real'))], [p1, p2]);
        else sos[si] = section([z1], [p1, p2]);
      }
    }
  }
  const [b0, b1, b2, ...a] = sos[0];
  sos[0] = [b0 * zpk.k, b1 * zpk.k, b2 * zpk.k, a[0], a[1], a[2]];
  return sos;
}

/** scipy.signal.butter(order, cutoff, btype, fs=rate, output='sos'). */
export function butterSos(order: number, cutoff: number | readonly [number, number], type: ButterType, rate: number): Section[] {
  return zpk2sos(butterZpk(order, cutoff, type, rate));
}

/** scipy.signal.sosfilt(sos, x, zi=zi) on a copy (direct form II transposed); zi: each section's initial state, default zero. */
export function sosfilt(sos: readonly Section[], x: ArrayLike<number>, zi?: readonly (readonly [number, number])[]): Float64Array {
  const y = Float64Array.from(x as ArrayLike<number>);
  sos.forEach(([b0, b1, b2, a0, a1, a2], s) => {
    // sections are normalised (a0 = 1) by the design; divide anyway for sections given by hand
    const [nb0, nb1, nb2, na1, na2] = [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
    let z0 = zi ? zi[s][0] : 0;
    let z1 = zi ? zi[s][1] : 0;
    for (let i = 0; i < y.length; i++) {
      const xi = y[i];
      const yi = nb0 * xi + z0;
      z0 = nb1 * xi - na1 * yi + z1;
      z1 = nb2 * xi - na2 * yi;
      y[i] = yi;
    }
  });
  return y;
}

/** scipy.signal.sosfilt_zi: the steady state of each section for a unit step, cascaded. */
export function sosfiltZi(sos: readonly Section[]): [number, number][] {
  let gain = 1;
  return sos.map(([b0, b1, b2, a0, a1, a2]) => {
    const [nb0, nb1, nb2, na1, na2] = [b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0];
    // lfilter_zi for one biquad: solve (I - A^T) zi = b[1:] - a[1:] b0, closed form for 2 x 2
    const B0 = nb1 - na1 * nb0;
    const B1 = nb2 - na2 * nb0;
    const z0 = (B0 + B1) / (1 + na1 + na2);
    const z1 = B1 - na2 * z0;
    const zi: [number, number] = [gain * z0, gain * z1];
    gain *= (nb0 + nb1 + nb2) / (1 + na1 + na2);
    return zi;
  });
}

/** sosfiltfilt's default padding: 3 * (2 * sections + 1 - min(sections with b2 = 0, with a2 = 0)). */
export function sosfiltfiltPadlen(sos: readonly Section[]): number {
  const b2zero = sos.filter((s) => s[2] === 0).length;
  const a2zero = sos.filter((s) => s[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(b2zero, a2zero));
}

/**
 * scipy.signal.sosfiltfilt(sos, x) with its defaults: odd extension by padlen samples at each end
 * (2 x[0] - x[padlen..1] before, 2 x[-1] - x[-2..] after), forward then backward with the steady
 * state scaled by the first sample. Needs more than padlen samples, like SciPy.
 */
export function sosfiltfilt(sos: readonly Section[], x: ArrayLike<number>, padlen = sosfiltfiltPadlen(sos)): Float64Array {
  const n = x.length;
  if (n <= padlen) throw new RangeError(`zero-phase filtering needs more than ${padlen} samples (got ${n})`);
  const ext = new Float64Array(n + 2 * padlen);
  for (let i = 0; i < padlen; i++) ext[i] = 2 * x[0] - x[padlen - i];
  for (let i = 0; i < n; i++) ext[padlen + i] = x[i];
  for (let i = 0; i < padlen; i++) ext[padlen + n + i] = 2 * x[n - 1] - x[n - 2 - i];
  const zi = sosfiltZi(sos);
  const at = (x0: number) => zi.map(([a, b]): [number, number] => [a * x0, b * x0]);
  const forward = sosfilt(sos, ext, at(ext[0])).reverse();
  const backward = sosfilt(sos, forward, at(forward[0])).reverse();
  return backward.slice(padlen, padlen + n);
}
