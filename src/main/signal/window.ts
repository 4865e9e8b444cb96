// Which stretch of a record becomes the canonical window, in the output (resampled) time grid.
//
// Rule, for records longer than the window (INCART's 30 min, CPSC's up to 60 s, PTB's ~2 min):
//  - 'first':    the first `length` output samples.
//  - 'center':   the middle of the record.
//  - 'cleanest' (default): candidate windows start every ~1 s; each is scored by its bad samples
//    summed over the channels in use (NaN, flat line = the same value for >= 0.5 s, saturation =
//    the channel's own extreme held for >= 20 ms); the lowest score wins and ties go to the earliest.
//    So a clean record gives its first window, and a record with a lead-off stretch gives the first
//    clean 10 s after it; the choice depends only on the samples, never on chance.
// Records whose output is not longer than the window start at 0 and are zero-padded at the end;
// `count` (the valid length) says how many output samples are real.
// Starts are multiples of `up`, so the window starts on a whole source sample (first*down/up).

export type WindowRule = 'first' | 'center' | 'cleanest';
export const WINDOW_RULES: readonly WindowRule[] = ['first', 'center', 'cleanest'];

export const FLAT_SECONDS = 0.5;
export const SATURATION_SECONDS = 0.02;

export interface WindowChoice {
  /** First output sample of the window in the whole record's resampled grid. */
  readonly first: number;
  /** Valid output samples (= length unless the record is shorter). */
  readonly count: number;
  /** First source sample: first * down / up. */
  readonly start: number;
  /** Bad source samples (NaN, flat, saturated) inside the window summed over channels; only 'cleanest' scores. */
  readonly badSamples?: number;
}

/**
 * Per source sample, how many of `signals` are bad there (NaN, flat line, saturated), as a prefix
 * sum of length n+1 so that any window's count is two lookups.
 */
export function badSamplePrefix(signals: readonly (Float64Array | Float32Array)[], n: number, fs: number): Float64Array {
  const bad = new Int32Array(n);
  const flatRun = Math.max(2, Math.round(FLAT_SECONDS * fs));
  const satRun = Math.max(2, Math.round(SATURATION_SECONDS * fs));
  for (const x of signals) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    let i = 0;
    while (i < n) {
      const v = x[i];
      if (v !== v) {
        bad[i++]++;
        continue;
      }
      let j = i + 1;
      while (j < n && x[j] === v) j++;
      const run = j - i;
      if (run >= flatRun || (run >= satRun && (v === lo || v === hi))) for (let k = i; k < j; k++) bad[k]++;
      i = j;
    }
  }
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + bad[i];
  return prefix;
}

export interface WindowRequest {
  /** Channels whose quality counts (the ones the canonical leads come from). */
  readonly signals: readonly (Float64Array | Float32Array)[];
  /** Source samples per channel. */
  readonly n: number;
  readonly fs: number;
  /** Output rate and window length in output samples. */
  readonly rate: number;
  readonly length: number;
  readonly up: number;
  readonly down: number;
  readonly rule: WindowRule;
}

export function chooseWindow(req: WindowRequest): WindowChoice {
  const { n, up, down, length } = req;
  const nOut = Math.ceil((n * up) / down);
  if (nOut <= length) return { first: 0, count: nOut, start: 0 };
  const last = Math.floor((nOut - length) / up) * up; // latest start on a whole source sample
  const span = Math.ceil((length * down) / up); // source samples under the window
  if (req.rule === 'first') return { first: 0, count: length, start: 0 };
  if (req.rule === 'center') {
    const first = Math.floor((nOut - length) / 2 / up) * up;
    return { first, count: length, start: (first * down) / up };
  }
  // Most long records are clean from the start: check the first window (plus the longest run that
  // could reach into it) alone first. Its extremes are local, so it finds every bad sample the
  // whole-record scan would (and perhaps more); a clean verdict there is the final answer.
  const head = Math.min(n, span + Math.max(2, Math.round(FLAT_SECONDS * req.fs)));
  if (badSamplePrefix(req.signals, head, req.fs)[Math.min(n, span)] === 0) return { first: 0, count: length, start: 0, badSamples: 0 };
  const prefix = badSamplePrefix(req.signals, n, req.fs);
  const step = up * Math.max(1, Math.round(req.rate / up));
  let best: Required<WindowChoice> = { first: 0, count: length, start: 0, badSamples: Infinity };
  const consider = (first: number) => {
    const start = (first * down) / up;
    const score = prefix[Math.min(n, start + span)] - prefix[start];
    if (score < best.badSamples) best = { first, count: length, start, badSamples: score };
  };
  for (let first = 0; first <= last && best.badSamples > 0; first += step) consider(first);
  if (best.badSamples > 0 && last % step !== 0) consider(last);
  return best;
}
