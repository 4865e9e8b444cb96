// From the heart's electrical dipole to the twelve standard leads. The dipole (X left, Y foot,
// Z back, in mV) is projected with the Dower matrix onto leads I, II and V1-V6; the electrode
// potentials behind them (RA, LA, LL and the six chest electrodes) carry the electrode noise, and
// III, aVR, aVL, aVF are then derived from I and II, so Einthoven's and Goldberger's relations
// hold exactly in floating point, before any quantisation.

import { LIMB_FROM_I_II, limbFromIandII, STANDARD_LEADS } from '../../../shared/leads.js';

export type Vec3 = readonly [number, number, number];

/** Dower et al. (1980) coefficients, rows I, II, V1..V6 over (X, Y, Z). */
export const DOWER: readonly Vec3[] = [
  [0.632, -0.235, 0.059],
  [0.235, 1.066, -0.132],
  [-0.515, 0.157, -0.917],
  [0.044, 0.164, -1.387],
  [0.882, 0.098, -1.277],
  [1.213, 0.127, -0.601],
  [1.125, 0.127, -0.086],
  [0.831, 0.076, 0.23],
];

/** Electrodes with their own noise: RA, LA, LL, V1..V6. */
export const ELECTRODE_COUNT = 9;

/** Derives III, aVR, aVL, aVF (indices 2..5) from I and II (0, 1) in place, sample by sample. */
export function deriveLimbLeads(leads: readonly Float64Array[]): void {
  const [i1, i2] = leads;
  for (const limb of LIMB_FROM_I_II) {
    const out = leads[STANDARD_LEADS.indexOf(limb.lead)];
    for (let n = 0; n < i1.length; n++) out[n] = limbFromIandII(limb, i1[n], i2[n]);
  }
}

/**
 * Projects the dipole onto the 12 standard leads (order I, II, III, aVR, aVL, aVF, V1..V6) and
 * adds the electrode noise: lead I sees LA - RA, II sees LL - RA, Vk sees Vk minus Wilson's
 * central terminal (RA + LA + LL) / 3.
 */
export function projectToLeads(
  dipole: readonly [Float64Array, Float64Array, Float64Array],
  electrodeNoise: readonly Float64Array[] | null,
): Float64Array[] {
  const [dx, dy, dz] = dipole;
  const n = dx.length;
  const leads = Array.from({ length: 12 }, () => new Float64Array(n));
  const rows = [0, 1, 6, 7, 8, 9, 10, 11];
  for (let r = 0; r < 8; r++) {
    const [cx, cy, cz] = DOWER[r];
    const out = leads[rows[r]];
    for (let k = 0; k < n; k++) out[k] = cx * dx[k] + cy * dy[k] + cz * dz[k];
  }
  if (electrodeNoise) {
    const [ra, la, ll] = electrodeNoise;
    const lI = leads[0];
    const lII = leads[1];
    for (let k = 0; k < n; k++) {
      lI[k] += la[k] - ra[k];
      lII[k] += ll[k] - ra[k];
    }
    for (let v = 0; v < 6; v++) {
      const e = electrodeNoise[3 + v];
      const out = leads[6 + v];
      for (let k = 0; k < n; k++) out[k] += e[k] - (ra[k] + la[k] + ll[k]) / 3;
    }
  }
  deriveLimbLeads(leads);
  return leads;
}

/** Lead I and aVF of a dipole vector (for the frontal axis). */
export function frontalPair(v: Vec3): [number, number] {
  const lI = DOWER[0][0] * v[0] + DOWER[0][1] * v[1] + DOWER[0][2] * v[2];
  const lII = DOWER[1][0] * v[0] + DOWER[1][1] * v[1] + DOWER[1][2] * v[2];
  return [lI, lII - lI / 2];
}

/** Frontal-plane axis in degrees (-180..180] of a net QRS vector, from its lead I and aVF projections. */
export function frontalAxisDeg(v: Vec3): number {
  const [lI, aVF] = frontalPair(v);
  return (Math.atan2(aVF, lI) * 180) / Math.PI;
}

/** Rotates a vector in the frontal (X-Y) plane by `deg` degrees, positive towards aVF (+Y). */
export function rotateFrontal(v: Vec3, deg: number): Vec3 {
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [v[0] * c - v[1] * s, v[0] * s + v[1] * c, v[2]];
}
