// Measurements the demo tests make on signals, independent of the generator: QRS width from the
// averaged beat's spatial magnitude, frontal axis from net QRS areas, RR irregularity.

/** Mean of values. */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Two passes of a centred moving average (about 40 Hz low-pass at a 16 ms window). */
function smooth(x: Float64Array, w: number): Float64Array {
  let cur = x;
  for (let pass = 0; pass < 2; pass++) {
    const out = new Float64Array(cur.length);
    const h = Math.floor(w / 2);
    for (let i = 0; i < cur.length; i++) {
      let s = 0;
      let n = 0;
      for (let k = Math.max(0, i - h); k <= Math.min(cur.length - 1, i + h); k++, n++) s += cur[k];
      out[i] = s / n;
    }
    cur = out;
  }
  return cur;
}

/** Zero-phase second-order Butterworth high-pass at 0.67 Hz (baseline wander would tilt the averaged beat). */
export function highPass(x: ArrayLike<number>, fs: number): Float64Array {
  const k = Math.tan((Math.PI * 0.67) / fs);
  const q = Math.SQRT1_2;
  const norm = 1 / (1 + k / q + k * k);
  const [b0, b1, b2, a1, a2] = [norm, -2 * norm, norm, 2 * (k * k - 1) * norm, (1 - k / q + k * k) * norm];
  const y = Float64Array.from(x);
  const first = y[0];
  for (let i = 0; i < y.length; i++) y[i] -= first;
  for (const reverse of [false, true]) {
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    for (let j = 0; j < y.length; j++) {
      const i = reverse ? y.length - 1 - j : j;
      const v = y[i];
      const out = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = v;
      y2 = y1;
      y1 = out;
      y[i] = out;
    }
  }
  return y;
}

/**
 * Averaged (and by default smoothed) beat per lead around the R peaks (edge beats left out), each lead's level at
 * the flattest 10 ms of the PR segment region (30-100 ms before the R peak) taken as zero.
 */
export function averageBeat(leads: readonly ArrayLike<number>[], fs: number, peaks: ArrayLike<number>, smoothMs = 16): { beat: Float64Array[]; centre: number; flat: number; win: number } {
  const rr: number[] = [];
  for (let i = 1; i < peaks.length; i++) rr.push(peaks[i] - peaks[i - 1]);
  const half = Math.min(Math.round(0.25 * fs), Math.floor(0.45 * median(rr)));
  const inner = Array.from(peaks).filter((p) => p - half >= 0 && p + half < leads[0].length);
  const raw = leads.map((lead) => {
    const x = highPass(lead, fs);
    const t = new Float64Array(2 * half + 1);
    for (const p of inner) for (let k = -half; k <= half; k++) t[k + half] += x[p + k] / inner.length;
    return smoothMs > 0 ? smooth(t, Math.max(1, Math.round((smoothMs / 1000) * fs))) : t;
  });
  const win = Math.max(2, Math.round(0.01 * fs));
  let flat = half - Math.round(0.03 * fs) - win;
  let best = Infinity;
  for (let s = Math.max(0, half - Math.round(0.1 * fs)); s <= half - Math.round(0.03 * fs) - win; s++) {
    let tv = 0;
    for (const t of raw) for (let k = s + 1; k < s + win; k++) tv += Math.abs(t[k] - t[k - 1]);
    if (tv < best) {
      best = tv;
      flat = s;
    }
  }
  const beat = raw.map((t) => {
    let b = 0;
    for (let k = flat; k < flat + win; k++) b += t[k] / win;
    return t.map((v) => v - b);
  });
  return { beat, centre: half, flat, win };
}

/** QRS duration (ms): where the averaged beat's spatial magnitude stays above 5 % of its QRS peak (and twice the noise). */
export function qrsWidthMs(leads: readonly ArrayLike<number>[], fs: number, peaks: ArrayLike<number>): number {
  const { beat, centre, flat, win } = averageBeat(leads, fs, peaks);
  const mag = beat[0].map((_, i) => Math.sqrt(beat.reduce((s, b) => s + b[i] * b[i], 0)));
  // Residual noise on the flat PR stretch: on low-voltage records 5 % of the QRS peak is below it.
  let noise = 0;
  for (let k = flat; k < flat + win; k++) noise = Math.max(noise, mag[k]);
  const w = Math.round(0.06 * fs);
  let top = centre;
  for (let i = centre - w; i <= centre + w; i++) if (mag[i] > mag[top]) top = i;
  const thr = Math.max(0.05 * mag[top], 2 * noise);
  let on = top;
  while (on > 0 && mag[on - 1] >= thr) on--;
  let off = top;
  while (off < mag.length - 1 && mag[off + 1] >= thr) off++;
  return ((off - on + 1) * 1000) / fs;
}

/** Coefficient of variation of RR and RMSSD / mean RR of R-peak positions. */
export function rrIrregularity(peaks: ArrayLike<number>): { cv: number; rmssd: number } {
  const rr: number[] = [];
  for (let i = 1; i < peaks.length; i++) rr.push(peaks[i] - peaks[i - 1]);
  const m = mean(rr);
  const sd = Math.sqrt(mean(rr.map((r) => (r - m) ** 2)));
  const diffs = rr.slice(1).map((r, i) => (r - rr[i]) ** 2);
  return { cv: sd / m, rmssd: Math.sqrt(mean(diffs)) / m };
}
