// Int16 frames (types.ts) into a Reading's signals: what the reader would have done at once, for a
// caller that asked for the frames (to convert them in one pass) and needs the signals after all.
import { recycleFrames, takeSamples } from './sample-pool.js';
import type { ChannelInfo, FramedReading, Int16Frames, Reading } from './types.js';

/** The warning for a signal whose samples do not sum to the header's 16-bit checksum; null when they do. */
export function checksumWarning(index: number, description: string, stated: number | undefined, sum: number): string | null {
  if (stated === undefined || ((stated << 16) >> 16) === ((sum << 16) >> 16)) return null;
  return `checksum mismatch on signal ${index} (${description || 'unnamed'}): header says ${stated}, samples sum to ${(sum << 16) >> 16}`;
}

/** Checksum warnings for frames whose per-channel sums (32-bit wrapped) are `sums`. */
export function frameChecksumWarnings(frames: Int16Frames, channels: readonly ChannelInfo[], sums: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let c = 0; c < frames.channels; c++) {
    const w = checksumWarning(c, channels[c]?.name ?? '', frames.checksums[c], sums[c]);
    if (w) out.push(w);
  }
  return out;
}

/**
 * Channel c in physical units, as decodePhysical and a dataset's gain correction give it:
 * (d - baseline) / gain, then times factor when it is not 1, NaN where d is the invalid value.
 * Returns the 32-bit wrapped sum of the digital values.
 */
function decodeChannel(frames: Int16Frames, c: number, out: Float64Array): number {
  const { samples, channels: stride, invalid } = frames;
  const baseline = frames.baseline[c];
  const gain = frames.gain[c];
  const factor = frames.factor[c];
  let sum = 0;
  let bad = 0;
  for (let i = 0, s = c; i < out.length; i++, s += stride) {
    const d = samples[s];
    out[i] = (d - baseline) / gain;
    sum = (sum + d) | 0;
    bad |= d === invalid ? 1 : 0;
  }
  if (factor !== 1) for (let i = 0; i < out.length; i++) out[i] *= factor;
  if (bad) for (let i = 0, s = c; i < out.length; i++, s += stride) if (samples[s] === invalid) out[i] = NaN;
  return sum;
}

/** The Reading the frames stand for (checksums verified); the frames go back to the pool. */
export function unframe<R extends FramedReading>(reading: R): Omit<R, 'frames'> & Reading {
  const { frames, ...rest } = reading;
  const sums: number[] = [];
  const signals: Float64Array[] = [];
  for (let c = 0; c < frames.channels; c++) {
    const out = takeSamples(frames.frames);
    sums.push(decodeChannel(frames, c, out));
    signals.push(out);
  }
  recycleFrames(frames.samples);
  return { ...rest, signals, warnings: [...reading.warnings, ...frameChecksumWarnings(frames, reading.channels, sums)] };
}
