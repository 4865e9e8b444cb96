// A single-segment WFDB record: open its signal files, read a frame range, turn digital
// samples into physical units, average multi-sample frames.
import type { ChannelInfo, Int16Frames } from '../types.js';
import { FormatError } from '../types.js';
import { checkMat4Signals } from '../mat4.js';
import { checksumWarning } from '../frames.js';
import type { WfdbHeader, WfdbSignalSpec } from './header.js';
import { groupSignals, int16Framed, openGroup, type OpenGroup, type SignalGroup } from './signal-file.js';
import { formatSpec } from './formats.js';

export interface SegmentSignals {
  /** Frames in the whole record (header's length, or what the signal files hold). */
  readonly totalLen: number;
  readonly channels: ChannelInfo[];
  /** Per channel, one physical value per frame (samples of a frame averaged), NaN invalid. */
  readonly signals: Float64Array[];
  /** Per channel, every sample (spf per frame) in physical units. Only when asked. */
  readonly expanded?: Float64Array[];
  readonly samplesPerFrame: number[];
  readonly warnings: string[];
}

export interface RangeOptions {
  readonly from?: number;
  readonly to?: number;
  readonly expanded?: boolean;
}

export function channelInfo(s: WfdbSignalSpec): ChannelInfo {
  return { name: s.description, units: s.units, fmt: String(s.format), gain: s.adcGain, baseline: s.baseline, ...(s.uncalibrated ? { uncalibrated: true } : {}) };
}

/** Validated [from, to) within a record of `total` frames. */
export function frameRange(total: number, opts: RangeOptions, where: string): { from: number; to: number } {
  const from = opts.from ?? 0;
  const to = opts.to ?? total;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > total) {
    throw new FormatError('range', `${where}: sample range [${from}, ${to}) is outside the record's ${total} samples`);
  }
  return { from, to };
}

interface OpenedRecord {
  readonly groups: SignalGroup[];
  readonly opened: OpenGroup[];
  readonly totalLen: number;
  readonly warnings: string[];
}

/** Opens every signal file of a single-segment record and checks them against the header; closes them on failure. */
async function openRecord(header: WfdbHeader, dir: string, where: string, groups = groupSignals(header.signals, where)): Promise<OpenedRecord> {
  const warnings: string[] = [];
  header.signals.forEach((s, i) => {
    if (s.uncalibrated) {
      warnings.push(`zero ADC gain on signal ${i} (${s.description || 'unnamed'}): uncalibrated, read with the default gain ${s.adcGain}`);
    }
  });
  const opened: OpenGroup[] = [];
  try {
    for (const g of groups) opened.push(await openGroup(dir, g));
    const avail = opened.length ? Math.min(...opened.map((o) => o.availFrames)) : 0;
    // header(5): a length of zero, like a missing one, leaves it unspecified: the files decide.
    const totalLen = header.sigLen || avail;
    // A .mat that is not the expected MAT v4 matrix says so before any length complaint.
    groups.forEach((g, gi) => {
      if (/\.mat$/i.test(g.fileName) && !g.format.flac) {
        checkMat4Signals(opened[gi].head(256), opened[gi].path, g.format.code, g.byteOffset, g.frameSamples, totalLen);
      }
    });
    opened.forEach((o) => {
      if (o.availFrames < totalLen) {
        throw new FormatError('truncated', `${o.path}: truncated: the header says ${totalLen} samples, the file holds ${o.availFrames}`);
      }
    });
    return { groups, opened, totalLen, warnings };
  } catch (err) {
    for (const o of opened) o.close();
    throw err;
  }
}

/**
 * The whole record as int16 frames, undecoded, when it is one format-16 file holding every signal
 * in header order with one sample per frame and no skew (CinC .mat, PTB-XL, MIMIC-IV-ECG); null
 * otherwise (then readSingle). The checks and errors are readSingle's.
 */
export async function readSingleFrames(header: WfdbHeader, dir: string, where: string): Promise<{ totalLen: number; channels: ChannelInfo[]; frames: Int16Frames; warnings: string[] } | null> {
  const specs = header.signals;
  const groups = groupSignals(specs, where);
  if (groups.length !== 1 || groups[0].members.length !== specs.length || !int16Framed(groups[0])) return null;
  const { opened, totalLen, warnings } = await openRecord(header, dir, where, groups);
  try {
    const samples = opened[0].readInt16Frames(totalLen);
    if (!samples) return null;
    const frames: Int16Frames = {
      samples,
      frames: totalLen,
      channels: specs.length,
      invalid: groups[0].format.invalid as number,
      baseline: specs.map((s) => s.baseline),
      gain: specs.map((s) => s.adcGain),
      factor: specs.map(() => 1),
      checksums: specs.map((s) => s.checksum),
    };
    return { totalLen, channels: specs.map(channelInfo), frames, warnings };
  } finally {
    opened[0].close();
  }
}

/** Reads frames [from, to) of a single-segment record whose header sits in `dir`. */
export async function readSingle(header: WfdbHeader, dir: string, where: string, opts: RangeOptions): Promise<SegmentSignals> {
  const specs = header.signals;
  const { groups, opened, totalLen, warnings } = await openRecord(header, dir, where);
  try {
    const { from, to } = frameRange(totalLen, opts, where);
    const whole = from === 0 && to === totalLen;
    const digital: (Float64Array | undefined)[] = new Array(specs.length);
    // Signals the fused path already put in physical units.
    const physical = new Array<boolean>(specs.length).fill(false);
    groups.forEach((g, gi) => {
      const wantSum = whole && g.members.some((m) => m.spec.checksum !== undefined);
      const fused = opened[gi].readPhysical(from, to, wantSum ? totalLen : undefined);
      const got = fused ?? opened[gi].read(from, to, wantSum ? totalLen : undefined);
      g.members.forEach((m, k) => {
        digital[m.index] = got.samples[k];
        physical[m.index] = fused !== null;
        const mismatch = got.checksums ? checksumWarning(m.index, m.spec.description, m.spec.checksum, got.checksums[k]) : null;
        if (mismatch) warnings.push(mismatch);
      });
    });
    const n = to - from;
    const signals: Float64Array[] = [];
    const expanded: Float64Array[] = [];
    specs.forEach((s, c) => {
      const d = digital[c];
      if (d && physical[c]) {
        // One sample per frame, converted while decoding.
        if (opts.expanded) expanded.push(d.slice());
        signals.push(d);
        return;
      }
      // A signal without a file reads as invalid throughout.
      const dd = d ?? new Float64Array(n * s.samplesPerFrame).fill(NaN);
      const perFrame = s.samplesPerFrame === 1 ? (opts.expanded ? dd.slice() : dd) : smoothFrames(dd, s.samplesPerFrame, n, formatSpec(s.format)?.invalid ?? null);
      if (opts.expanded) expanded.push(toPhysical(dd, s.baseline, s.adcGain));
      signals.push(toPhysical(perFrame, s.baseline, s.adcGain));
    });
    return {
      totalLen,
      channels: specs.map(channelInfo),
      signals,
      ...(opts.expanded ? { expanded } : {}),
      samplesPerFrame: specs.map((s) => s.samplesPerFrame),
      warnings,
    };
  } finally {
    for (const o of opened) o.close();
  }
}

/** In place: physical = (digital - baseline) / gain, the division wfdb-python does (NaN stays NaN). */
function toPhysical(d: Float64Array, baseline: number, gain: number): Float64Array {
  for (let i = 0; i < d.length; i++) d[i] = (d[i] - baseline) / gain;
  return d;
}

/**
 * One digital value per frame as wfdb-python's smooth_frames (the reference reader) gives it:
 * the mean of the frame's samples, invalid ones counted at the format's invalid value, stored
 * in an integer array (so truncated toward zero); a frame whose samples are all invalid stays
 * invalid. Format 8 has no invalid value: its frames average the samples present.
 */
function smoothFrames(x: Float64Array, spf: number, frames: number, invalid: number | null): Float64Array {
  const out = new Float64Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    let valid = 0;
    for (let j = 0; j < spf; j++, i++) {
      const v = x[i];
      if (v === v) {
        sum += v;
        valid++;
      } else if (invalid !== null) {
        sum += invalid;
      }
    }
    const mean = invalid !== null ? Math.trunc(sum / spf) : valid ? Math.trunc(sum / valid) : NaN;
    out[f] = valid === 0 || mean === invalid ? NaN : mean;
  }
  return out;
}
