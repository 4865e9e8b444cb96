// Gaussian wave components of the dipole model and their rendering into dipole time series.
import type { Vec3 } from './leadfield.js';

/** One Gaussian-shaped dipole component: centre `t` (s, from the beat's reference), width `sigma` (s), peak vector `v` (mV). */
export interface Component {
  readonly t: number;
  readonly sigma: number;
  readonly v: Vec3;
}

export type Dipole = [Float64Array, Float64Array, Float64Array];

export function newDipole(samples: number): Dipole {
  return [new Float64Array(samples), new Float64Array(samples), new Float64Array(samples)];
}

/** How one beat's components are placed: reference time, gain, frontal rotation, time stretch after `stretchFrom`. */
export interface Placement {
  readonly at: number;
  readonly gain: number;
  readonly rotateDeg: number;
  /** Component centres after this time (s from the reference) are stretched by `stretch` (QT rate adaptation). */
  readonly stretchFrom?: number;
  readonly stretch?: number;
}

/** Adds components to the dipole at sampling rate fs; samples outside the record are skipped. */
export function addComponents(dipole: Dipole, fs: number, comps: readonly Component[], place: Placement): void {
  const n = dipole[0].length;
  const a = (place.rotateDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const from = place.stretchFrom ?? Infinity;
  const k = place.stretch ?? 1;
  for (const comp of comps) {
    let t = comp.t;
    let sigma = comp.sigma;
    if (t > from) {
      t = from + (t - from) * k;
      sigma *= k;
    }
    const centre = place.at + t;
    const vx = place.gain * (comp.v[0] * c - comp.v[1] * s);
    const vy = place.gain * (comp.v[0] * s + comp.v[1] * c);
    const vz = place.gain * comp.v[2];
    const lo = Math.max(0, Math.ceil((centre - 4 * sigma) * fs));
    const hi = Math.min(n - 1, Math.floor((centre + 4 * sigma) * fs));
    const inv = 1 / (2 * sigma * sigma);
    for (let i = lo; i <= hi; i++) {
      const d = i / fs - centre;
      const g = Math.exp(-d * d * inv);
      dipole[0][i] += vx * g;
      dipole[1][i] += vy * g;
      dipole[2][i] += vz * g;
    }
  }
}

/** Net area vector of components (what the frontal QRS axis is measured on). */
export function netArea(comps: readonly Component[]): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const c of comps) {
    const w = c.sigma * Math.sqrt(2 * Math.PI);
    x += c.v[0] * w;
    y += c.v[1] * w;
    z += c.v[2] * w;
  }
  return [x, y, z];
}

/** Dipole vector of the components at time t (s from the reference). */
export function dipoleAt(comps: readonly Component[], t: number): Vec3 {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const c of comps) {
    const d = (t - c.t) / c.sigma;
    const g = Math.exp(-0.5 * d * d);
    x += c.v[0] * g;
    y += c.v[1] * g;
    z += c.v[2] * g;
  }
  return [x, y, z];
}

export function scaleComponents(comps: readonly Component[], k: number): Component[] {
  return comps.map((c) => ({ t: c.t, sigma: c.sigma, v: [c.v[0] * k, c.v[1] * k, c.v[2] * k] as Vec3 }));
}
