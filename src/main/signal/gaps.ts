// NaN (invalid) samples before resampling: a NaN would smear over the whole filter length, so gaps
// are filled first. Short gaps (dropouts of a few samples) are bridged by a straight line, which
// keeps the waveform continuous; long gaps are bridged the same way for the filter's sake (no step,
// no ringing) and reported, so the caller can zero the output samples that fall inside them.

/** Gaps up to this long are interpolated and kept; longer ones are zeroed after resampling. */
export const MAX_BRIDGED_GAP_SECONDS = 0.05;

export interface GapFill {
  /** NaN samples found (all of them, short and long gaps). */
  readonly nanCount: number;
  /** Gaps longer than the limit, as [start, end) sample ranges of `x`. */
  readonly longGaps: readonly (readonly [number, number])[];
}

/**
 * Replace every NaN in `x` in place: inner runs by linear interpolation between their neighbours,
 * runs at either end by the nearest valid value, an all-NaN array by zeros.
 */
export function fillGaps(x: Float64Array | Float32Array, maxGap: number): GapFill {
  const n = x.length;
  let nanCount = 0;
  const longGaps: [number, number][] = [];
  let i = 0;
  while (i < n) {
    if (x[i] === x[i]) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && x[i] !== x[i]) i++;
    const end = i;
    nanCount += end - start;
    if (end - start > maxGap) longGaps.push([start, end]);
    const left = start > 0 ? x[start - 1] : end < n ? x[end] : 0;
    const right = end < n ? x[end] : left;
    const span = end - start + 1;
    for (let k = start; k < end; k++) x[k] = left + ((right - left) * (k - start + 1)) / span;
  }
  return { nanCount, longGaps };
}

/** True when x[from..to) holds a NaN. */
export function hasNaN(x: Float64Array | Float32Array, from = 0, to = x.length): boolean {
  for (let i = from; i < to; i++) if (x[i] !== x[i]) return true;
  return false;
}
