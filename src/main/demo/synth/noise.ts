// Electrode noise: baseline wander (respiration and slow drift), muscle (EMG) noise and mains
// interference, independently weighted at each of the nine electrodes, so every lead sees the
// differential noise its electrodes produce and the lead relations still hold.
import type { Rng } from '../random.js';
import { ELECTRODE_COUNT } from './leadfield.js';

export interface NoiseProfile {
  /** Typical baseline wander amplitude at an electrode (mV). */
  readonly baselineMv: number;
  /** Muscle noise standard deviation at an electrode (microvolts). */
  readonly emgUv: number;
  readonly mainsHz: 50 | 60;
  /** Mains amplitude at an electrode (microvolts, differential part). */
  readonly mainsUv: number;
}

export function electrodeNoise(rng: Rng, fs: number, samples: number, profile: NoiseProfile, respHz: number, respPhase: number): Float64Array[] {
  // A few shared sources, mixed with per-electrode weights: cheap, and realistic (all electrodes breathe together).
  const resp = new Float64Array(samples);
  const drift = new Float64Array(samples);
  const mains = new Float64Array(samples);
  const d1 = rng.uniform(0.03, 0.09);
  const d2 = rng.uniform(0.1, 0.25);
  const p1 = rng.uniform(0, 2 * Math.PI);
  const p2 = rng.uniform(0, 2 * Math.PI);
  const pm = rng.uniform(0, 2 * Math.PI);
  const w = (2 * Math.PI) / fs;
  for (let i = 0; i < samples; i++) {
    resp[i] = Math.sin(w * respHz * i + respPhase);
    drift[i] = Math.sin(w * d1 * i + p1) + 0.6 * Math.sin(w * d2 * i + p2);
    const m = w * profile.mainsHz * i + pm;
    mains[i] = Math.sin(m) + 0.15 * Math.sin(3 * m);
  }
  const scale = rng.uniform(0.5, 1.5);
  const out: Float64Array[] = [];
  for (let e = 0; e < ELECTRODE_COUNT; e++) {
    const e0 = new Float64Array(samples);
    const wr = rng.gauss(0, 0.5) * profile.baselineMv * scale;
    const wd = rng.gauss(0, 0.7) * profile.baselineMv * scale;
    const wm = rng.gauss(0, 1) * profile.mainsUv * 1e-3;
    const sd = profile.emgUv * 1e-3 * rng.uniform(0.5, 1.5) * scale;
    for (let i = 0; i < samples; i++) e0[i] = wr * resp[i] + wd * drift[i] + wm * mains[i] + sd * rng.approxNormal();
    out.push(e0);
  }
  return out;
}
