// Recorded limb leads that are I and II recombined: carts compute III, aVR, aVL and aVF from I and II
// (at a finer internal resolution) and store each rounded, so on the CinC collections they match
// II - I, -(I+II)/2, ... within 1 to 2 ADC steps at every sample (PTB-XL, CPSC, Georgia; Chapman and
// Ningbo 3.5). Resampling is linear, so a lead within 2 steps is built from the resampled I and II
// instead of being resampled itself: a third less filter work on a 12-lead record, for a difference
// of at most 2 steps (2 uV) from resampling the stored lead (test/signal/records.test.ts checks it).
import { LIMB_FROM_I_II, STANDARD_LEADS } from '../../shared/leads.js';
import type { LeadMap, LeadTerm } from './leads.js';

/** A recorded lead within this many ADC steps of its I/II combination at every sample is rebuilt. */
export const REBUILD_STEPS = 2;
/** ...and never beyond 5 uV, whatever a reader gives as gain (float data may say gain 1, a 1 mV step). */
export const REBUILD_MAX_MV = 0.005;

// III, aVR, aVL, aVF in terms of (I, II), by Einthoven and Goldberger: [lead index, wI, wII].
const FROM_I_II: readonly (readonly [number, number, number])[] = LIMB_FROM_I_II.map((l) => [STANDARD_LEADS.indexOf(l.lead), l.a, l.b] as const);

/**
 * Whether channel c stays within `tol` of a*I + b*II after times k at every sample of [from, to):
 * |k*x[i] - a*xI[i] - b*xII[i]| <= tol (false at a NaN). The fused import path runs it in WebAssembly.
 */
export type WithinTest = (c: number, cI: number, cII: number, k: number, a: number, b: number, tol: number, from: number, to: number) => boolean;

/** The test over samples in memory (physical units, NaN invalid). */
export function withinSignals(signals: readonly Float64Array[]): WithinTest {
  return (c, cI, cII, k, a, b, tol, from, to) => {
    const x = signals[c];
    const xI = signals[cI];
    const xII = signals[cII];
    for (let i = from; i < to; i++) {
      const d = Math.abs(k * x[i] - a * xI[i] - b * xII[i]);
      if (!(d <= tol)) return false; // also for NaN: such leads take the careful path
    }
    return true;
  };
}

/**
 * Per standard lead index, the terms (source channels, weights) that rebuild a recorded limb lead
 * from I and II, for the leads whose samples over [from, to) differ from that combination by no
 * more than REBUILD_STEPS ADC steps of their channel. Empty when I or II is missing or a lead's gain is unknown.
 * `within` runs the test on the samples (withinSignals); `scale[c]` brings channel c to mV;
 * `lsb[c]` is its ADC step in its own units (1 / gain).
 */
export function limbLeadsFromIandII(map: LeadMap, within: WithinTest, scale: readonly (number | null)[], lsb: readonly number[], from: number, to: number): Map<number, readonly LeadTerm[]> {
  const found = new Map<number, readonly LeadTerm[]>();
  const cI = map.index[0];
  const cII = map.index[1];
  if (cI === null || cII === null) return found;
  // The check runs in mV with the channels' signs folded in.
  const kI = (scale[cI] as number) * map.sign[0];
  const kII = (scale[cII] as number) * map.sign[1];
  for (const [lead, wI, wII] of FROM_I_II) {
    const c = map.index[lead];
    if (c === null || !(lsb[c] > 0) || !Number.isFinite(lsb[c])) continue;
    const k = (scale[c] as number) * map.sign[lead];
    const tol = Math.min(REBUILD_STEPS * lsb[c] * Math.abs(scale[c] as number), REBUILD_MAX_MV) * 1.000001; // float slack
    const a = wI * kI;
    const b = wII * kII;
    const ok = within(c, cI, cII, k, a, b, tol, from, to);
    // Weights apply to channels already in mV (as canonicalize resamples them), signs folded in.
    if (ok) found.set(lead, [{ channel: cI, weight: wI * map.sign[0] }, { channel: cII, weight: wII * map.sign[1] }]);
  }
  return found;
}
