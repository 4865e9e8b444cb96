// R-peak detection after Pan & Tompkins (1985): 5-15 Hz band-pass, derivative, squaring,
// moving-window integration, adaptive signal/noise thresholds with search-back, a 200 ms
// refractory period and T-wave discrimination. The multi-lead variant lets the leads vote, so
// flutter waves, a noisy lead or a flat lead cannot add or remove beats on their own.

import { butterworth, runBiquad, type Biquad } from './filters.js';

export type Signal = Float32Array | Float64Array;

const REFRACTORY_S = 0.2;
const T_WAVE_WINDOW_S = 0.36;
const INTEGRATION_S = 0.15;

/** A second-order Butterworth section, its corner kept below 0.45 fs. */
function biquad(fc: number, fs: number, high: boolean): Biquad {
  return butterworth(Math.min(fc, 0.45 * fs), fs, high ? 'high' : 'low');
}

/** Zero-phase 5-15 Hz band-pass (forward and backward), invalid samples (NaN) taken as the baseline. */
export function bandPass(signal: Signal, fs: number): Float64Array {
  const n = signal.length;
  const x = new Float64Array(n);
  let start = 0;
  let count = 0;
  for (let i = 0; i < Math.min(n, Math.round(0.1 * fs)); i++) {
    if (Number.isFinite(signal[i])) {
      start += signal[i];
      count++;
    }
  }
  start = count > 0 ? start / count : 0;
  for (let i = 0; i < n; i++) x[i] = Number.isFinite(signal[i]) ? signal[i] - start : 0;
  const hp = biquad(5, fs, true);
  const lp = biquad(15, fs, false);
  for (const reverse of [false, true]) {
    runBiquad(x, hp, reverse, false);
    runBiquad(x, lp, reverse, false);
  }
  return x;
}

/** Squared five-point derivative of a band-passed signal (the QRS slope energy). */
function slopeEnergy(bp: Float64Array, fs: number): Float64Array {
  const n = bp.length;
  const e = new Float64Array(n);
  const k = fs / 8;
  for (let i = 2; i < n - 2; i++) {
    const d = (2 * bp[i + 1] + bp[i + 2] - bp[i - 2] - 2 * bp[i - 1]) * k;
    e[i] = d * d;
  }
  return e;
}

/** Centred moving-window integration. */
function integrate(e: Float64Array, fs: number): Float64Array {
  const n = e.length;
  const w = Math.max(1, Math.round(INTEGRATION_S * fs));
  const half = Math.floor(w / 2);
  const out = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n + half; i++) {
    if (i < n) sum += e[i];
    if (i - w >= 0) sum -= e[i - w];
    const j = i - half;
    if (j >= 0 && j < n) out[j] = sum / w;
  }
  return out;
}

/** Local maxima of the integrated signal, at least `gap` samples from a larger one. */
function candidatePeaks(m: Float64Array, gap: number): number[] {
  const peaks: number[] = [];
  const n = m.length;
  for (let i = 1; i < n - 1; i++) {
    if (!(m[i] > 0 && m[i] >= m[i - 1] && m[i] > m[i + 1])) continue;
    const last = peaks.length - 1;
    if (last >= 0 && i - peaks[last] < gap) {
      if (m[i] > m[peaks[last]]) peaks[last] = i;
      continue;
    }
    peaks.push(i);
  }
  return peaks;
}

function maxIn(x: Float64Array, lo: number, hi: number): number {
  let best = 0;
  for (let i = Math.max(0, lo); i <= Math.min(x.length - 1, hi); i++) if (x[i] > best) best = x[i];
  return best;
}

/** Pan-Tompkins decision rules on an integrated energy signal; returns the chosen peak indices. */
function decide(m: Float64Array, slope: Float64Array, fs: number): number[] {
  const refractory = Math.round(REFRACTORY_S * fs);
  const tWindow = Math.round(T_WAVE_WINDOW_S * fs);
  const slopeHalf = Math.round(0.075 * fs);
  const candidates = candidatePeaks(m, Math.round(0.1 * fs));
  if (candidates.length === 0) return [];
  const learn = Math.min(m.length, Math.round(2 * fs));
  let top = 0;
  let mean = 0;
  for (let i = 0; i < learn; i++) {
    top = Math.max(top, m[i]);
    mean += m[i];
  }
  mean /= learn;
  let spk = top / 3;
  let npk = mean / 2;
  const qrs: number[] = [];
  const slopes: number[] = [];
  const rrs: number[] = [];
  let lastNoise: number[] = [];

  const accept = (i: number, searchBack: boolean) => {
    qrs.push(i);
    slopes.push(maxIn(slope, i - slopeHalf, i + slopeHalf));
    spk = searchBack ? 0.25 * m[i] + 0.75 * spk : 0.125 * m[i] + 0.875 * spk;
    if (qrs.length > 1) {
      rrs.push(qrs[qrs.length - 1] - qrs[qrs.length - 2]);
      if (rrs.length > 8) rrs.shift();
    }
    lastNoise = [];
  };
  const isTWave = (i: number) => {
    const prev = qrs.length - 1;
    if (prev < 0 || i - qrs[prev] >= tWindow) return false;
    return maxIn(slope, i - slopeHalf, i + slopeHalf) < 0.5 * slopes[prev];
  };

  for (const i of candidates) {
    const thr1 = npk + 0.25 * (spk - npk);
    // Search-back: no beat for 1.66 mean RR, take the largest skipped peak above half the threshold.
    if (rrs.length > 0 && qrs.length > 0) {
      const avg = rrs.reduce((a, b) => a + b, 0) / rrs.length;
      if (i - qrs[qrs.length - 1] > 1.66 * avg) {
        let best = -1;
        for (const j of lastNoise) if (m[j] > 0.5 * thr1 && j - qrs[qrs.length - 1] > refractory && !isTWave(j) && (best < 0 || m[j] > m[best])) best = j;
        if (best >= 0) accept(best, true);
      }
    }
    const since = qrs.length > 0 ? i - qrs[qrs.length - 1] : Infinity;
    if (m[i] > thr1 && since > refractory && !isTWave(i)) accept(i, false);
    else {
      npk = 0.125 * m[i] + 0.875 * npk;
      if (since > refractory) lastNoise.push(i);
    }
  }
  return qrs;
}

/** Moves each detection to the largest absolute value of `bp` within `reach` seconds. */
function refine(peaks: readonly number[], bp: Float64Array, fs: number, reach = 0.08): number[] {
  const w = Math.round(reach * fs);
  return peaks.map((p) => {
    let best = p;
    for (let i = Math.max(0, p - w); i <= Math.min(bp.length - 1, p + w); i++) if (Math.abs(bp[i]) > Math.abs(bp[best])) best = i;
    return best;
  });
}

/**
 * Drops the first detection when its slope is far below the record's typical QRS slope: it is then
 * the T wave of a beat cut off by the record start, which had no earlier beat to be compared with.
 */
function dropLeadingTWave(peaks: number[], slope: Float64Array, fs: number): number[] {
  if (peaks.length < 3) return peaks;
  const half = Math.round(0.075 * fs);
  const slopes = peaks.map((p) => maxIn(slope, p - half, p + half));
  const sorted = slopes.slice(1).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return slopes[0] < 0.3 * median ? peaks.slice(1) : peaks;
}

/** Leaves out peaks within 50 ms of either end (a cut QRS cannot be placed) and enforces the refractory period. */
function finish(peaks: readonly number[], length: number, fs: number): Int32Array {
  const edge = Math.round(0.05 * fs);
  const gap = Math.round(REFRACTORY_S * fs);
  const kept: number[] = [];
  for (const p of peaks) {
    if (p < edge || p >= length - edge) continue;
    if (kept.length === 0 || p - kept[kept.length - 1] >= gap) kept.push(p);
  }
  return Int32Array.from(kept);
}

/** One lead's QRS locations on the integrated energy (centre of the QRS) and its band-passed signal. */
function detectLead(signal: Signal, fs: number): { centres: number[]; bp: Float64Array } {
  const bp = bandPass(signal, fs);
  const slope = slopeEnergy(bp, fs);
  return { centres: dropLeadingTWave(decide(integrate(slope, fs), slope, fs), slope, fs), bp };
}

/** R-peak sample indices of one lead (ascending). */
export function detectRPeaks(signal: Signal, fs: number): Int32Array {
  if (!(fs > 0) || signal.length < fs * 0.5) return new Int32Array(0);
  const { centres, bp } = detectLead(signal, fs);
  return finish(refine(centres, bp, fs), signal.length, fs);
}

/**
 * R peaks from several leads of the same record: every lead is detected on its own and a beat is
 * kept where at least half of the leads agree within 150 ms on its QRS centre; the R peak is then
 * placed, within 40 ms of the leads' mean centre, on the sum of the leads' normalised band-passed magnitudes. Flutter waves or artefacts
 * that fool a few leads are outvoted; a flat or noisy lead is ignored.
 */
export function detectRPeaksMulti(signals: readonly Signal[], fs: number): Int32Array {
  const usable = signals.filter((s) => s.length >= fs * 0.5 && hasVariation(s));
  if (usable.length === 0 || !(fs > 0)) return new Int32Array(0);
  const n = Math.min(...usable.map((s) => s.length));
  const votes: { at: number; lead: number }[] = [];
  const combined = new Float64Array(n);
  usable.forEach((s, lead) => {
    const { centres, bp } = detectLead(s, fs);
    for (const at of centres) votes.push({ at, lead });
    const scale = percentileAbs(bp, 0.99);
    if (scale > 0) for (let i = 0; i < n; i++) combined[i] += Math.abs(bp[i]) / scale;
  });
  votes.sort((a, b) => a.at - b.at);
  const need = Math.ceil(usable.length / 2);
  const span = Math.round(0.15 * fs);
  const gap = Math.round(REFRACTORY_S * fs);
  const beats: { at: number; count: number }[] = [];
  for (let i = 0; i < votes.length; ) {
    let j = i;
    while (j < votes.length && votes[j].at - votes[i].at <= span) j++;
    const cluster = votes.slice(i, j);
    const leads = new Set(cluster.map((v) => v.lead)).size;
    if (leads < need) {
      i++;
      continue;
    }
    // The mean of the leads' QRS centres is steadier than any one lead's (notched QRS, noise).
    const at = Math.round(cluster.reduce((a, v) => a + v.at, 0) / cluster.length);
    const last = beats[beats.length - 1];
    if (!last || at - last.at >= gap) beats.push({ at, count: leads });
    else if (leads > last.count) beats[beats.length - 1] = { at, count: leads };
    i = j;
  }
  // Smoothed over 50 ms, the combined magnitude peaks at the middle of a notched or split QRS, not on either notch.
  const smoothed = movingAverage(combined, Math.max(1, Math.round(0.05 * fs)));
  const at = beats.map((b) => b.at);
  return finish(refine(at, smoothed, fs, 0.04), n, fs);
}

function movingAverage(x: Float64Array, w: number): Float64Array {
  const out = new Float64Array(x.length);
  const half = Math.floor(w / 2);
  let sum = 0;
  for (let i = 0; i < x.length + half; i++) {
    if (i < x.length) sum += x[i];
    if (i - w >= 0) sum -= x[i - w];
    const j = i - half;
    if (j >= 0 && j < x.length) out[j] = sum / w;
  }
  return out;
}

function percentileAbs(x: Float64Array, q: number): number {
  const step = Math.max(1, Math.floor(x.length / 2000));
  const sample: number[] = [];
  for (let i = 0; i < x.length; i += step) sample.push(Math.abs(x[i]));
  sample.sort((a, b) => a - b);
  return sample.length > 0 ? sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] : 0;
}

function hasVariation(s: Signal): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > lo;
}

/** Mean heart rate (bpm) and the RR intervals (ms) of R peaks; bpm is NaN with fewer than two peaks. */
export function heartRate(peaks: ArrayLike<number>, fs: number): { bpm: number; rr: Float64Array } {
  const rr = new Float64Array(Math.max(0, peaks.length - 1));
  for (let i = 1; i < peaks.length; i++) rr[i - 1] = ((peaks[i] - peaks[i - 1]) * 1000) / fs;
  let sum = 0;
  for (const v of rr) sum += v;
  return { bpm: rr.length > 0 ? 60000 / (sum / rr.length) : NaN, rr };
}
