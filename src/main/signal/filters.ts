// Display filters for the viewer: baseline-wander removal (0.5 Hz high-pass), mains notch (50/60 Hz)
// and low-pass (40 Hz monitoring, 150 Hz diagnostic). Second-order sections (Butterworth and the
// RBJ notch) run forward and backward, so no filter moves a wave in time: an interval measured on
// the filtered trace is the interval on the raw one. A filter the sampling rate cannot carry
// (60 Hz notch at 100 Hz) is left off and said so, never approximated.

export interface FilterRequest {
  readonly baseline: boolean;
  /** Hz, 0 = off. */
  readonly notch: number;
  /** Hz, 0 = off. */
  readonly lowpass: number;
}

/** b0, b1, b2, a1, a2 (a0 = 1). */
export type Biquad = readonly [number, number, number, number, number];

export interface FilterPlan {
  /** What will actually be applied (a request the rate cannot carry is off). */
  readonly applied: FilterRequest;
  readonly sections: readonly Biquad[];
  readonly notes: string[];
  /** Samples of run-in each side worth reading beyond a window so its edges settle. */
  readonly settle: number;
}

export const BASELINE_HZ = 0.5;
/** Notch quality: a 50 Hz notch about 1.7 Hz wide, so neighbouring ECG content is kept. */
export const NOTCH_Q = 30;
/** A corner must stay below this fraction of the sampling rate (the bilinear warp is steep near Nyquist). */
const MAX_CORNER = 0.45;

/** Second-order Butterworth low- or high-pass by the bilinear transform. */
export function butterworth(fc: number, fs: number, kind: 'low' | 'high'): Biquad {
  const k = Math.tan((Math.PI * fc) / fs);
  const norm = 1 / (1 + Math.SQRT2 * k + k * k);
  const a1 = 2 * (k * k - 1) * norm;
  const a2 = (1 - Math.SQRT2 * k + k * k) * norm;
  if (kind === 'low') {
    const b0 = k * k * norm;
    return [b0, 2 * b0, b0, a1, a2];
  }
  return [norm, -2 * norm, norm, a1, a2];
}

/** Notch at f0 with quality q (Bristow-Johnson's audio EQ cookbook). */
export function notch(f0: number, fs: number, q = NOTCH_Q): Biquad {
  const w = (2 * Math.PI * f0) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  const c = (-2 * Math.cos(w)) / a0;
  return [1 / a0, c, 1 / a0, c, (1 - alpha) / a0];
}

export function planFilters(fs: number, request: FilterRequest): FilterPlan {
  const sections: Biquad[] = [];
  const notes: string[] = [];
  const fits = (f: number) => f > 0 && f < MAX_CORNER * fs;
  let settle = 0;
  const baseline = request.baseline;
  if (baseline) {
    sections.push(butterworth(BASELINE_HZ, fs, 'high'));
    settle = Math.max(settle, Math.round((2 / BASELINE_HZ) * fs));
  }
  let notchHz = 0;
  if (request.notch > 0) {
    if (fits(request.notch)) {
      notchHz = request.notch;
      sections.push(notch(notchHz, fs));
      settle = Math.max(settle, Math.round((4 * NOTCH_Q) / notchHz * fs / (2 * Math.PI)));
    } else notes.push(`${request.notch} Hz notch not applied: at ${fs} Hz there is no ${request.notch} Hz content to remove`);
  }
  let lowpass = 0;
  if (request.lowpass > 0) {
    if (fits(request.lowpass)) {
      lowpass = request.lowpass;
      sections.push(butterworth(lowpass, fs, 'low'));
      settle = Math.max(settle, Math.round((4 / lowpass) * fs));
    } else notes.push(`${request.lowpass} Hz low-pass not applied: ${fs} Hz sampling carries nothing above ${fs / 2} Hz`);
  }
  return { applied: { baseline, notch: notchHz, lowpass }, sections, notes, settle };
}

/**
 * One biquad pass over x, in place, backwards when `reverse`. `steady` starts in the steady state of
 * the first sample, so a DC offset does not ring at the edge; otherwise the state starts at zero.
 */
export function runBiquad(x: Float64Array, s: Biquad, reverse: boolean, steady = true): void {
  const [b0, b1, b2, a1, a2] = s;
  const n = x.length;
  const first = steady ? x[reverse ? n - 1 : 0] : 0;
  const dcGain = (b0 + b1 + b2) / (1 + a1 + a2);
  let x1 = first;
  let x2 = first;
  let y1 = first * dcGain;
  let y2 = y1;
  for (let j = 0; j < n; j++) {
    const i = reverse ? n - 1 - j : j;
    const v = x[i];
    const y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    x[i] = y;
  }
}

/**
 * Zero-phase filtering of one lead through every section of the plan. Invalid samples (NaN) are
 * bridged linearly for the filter's sake and are NaN again in the output. The ends are extended
 * by odd reflection (as scipy's filtfilt) so the edges do not swing.
 */
export function applyFilters(signal: ArrayLike<number>, plan: FilterPlan): Float64Array {
  const n = signal.length;
  const out = Float64Array.from(signal as ArrayLike<number>);
  if (plan.sections.length === 0 || n < 2) return out;
  const invalid = bridge(out);
  if (invalid === n) return out;
  const pad = Math.min(n - 1, Math.max(plan.settle, 3));
  const ext = new Float64Array(n + 2 * pad);
  for (let i = 0; i < pad; i++) {
    ext[i] = 2 * out[0] - out[pad - i];
    ext[n + pad + i] = 2 * out[n - 1] - out[n - 2 - i];
  }
  ext.set(out, pad);
  for (const s of plan.sections) {
    runBiquad(ext, s, false);
    runBiquad(ext, s, true);
  }
  const result = ext.subarray(pad, pad + n).slice();
  if (invalid > 0) for (let i = 0; i < n; i++) if (Number.isNaN(signal[i])) result[i] = Number.NaN;
  return result;
}

/** Replaces NaN runs by straight lines between their neighbours (held flat at the ends); returns how many. */
function bridge(x: Float64Array): number {
  const n = x.length;
  let invalid = 0;
  let last = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(x[i])) {
      invalid++;
      continue;
    }
    if (i - last > 1) {
      const from = last >= 0 ? x[last] : i < n ? x[i] : 0;
      const to = i < n ? x[i] : from;
      for (let k = last + 1; k < i; k++) x[k] = from + ((to - from) * (k - last)) / (i - last);
    }
    last = i;
  }
  return invalid;
}
