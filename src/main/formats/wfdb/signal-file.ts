// One WFDB signal file ("group": the consecutive signals a header stores in the same file):
// how many frames it holds, and the digital samples of a frame range, demultiplexed per
// signal, with skew applied and invalid samples as NaN.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../types.js';
import { bytesForSamples, byteOfSample, formatSpec, samplesInBytes, type FormatSpec } from './formats.js';
import { PHYSICAL_FORMATS, decodePhysical, decodeSamples } from './decode.js';
import { takeFrames, takeSamples } from '../sample-pool.js';
import { decodeFlacFile } from './signal-flac.js';
import type { WfdbSignalSpec } from './header.js';

export interface GroupMember {
  /** Position of the signal in the header. */
  readonly index: number;
  readonly spec: WfdbSignalSpec;
}

export interface SignalGroup {
  readonly fileName: string;
  readonly format: FormatSpec;
  /** Byte offset (samples for FLAC) of the first signal of the group, as the WFDB library takes it. */
  readonly byteOffset: number;
  readonly members: readonly GroupMember[];
  /** Samples per frame of the whole file (sum over members). */
  readonly frameSamples: number;
}

export interface GroupSamples {
  /** Per member: spf x frames digital samples (time order), NaN where invalid or past the file end. */
  readonly samples: Float64Array[];
  /** Per member: 16-bit signed sum of the file's samples of frames [0, sigLen), when computed. */
  readonly checksums?: number[];
}

/**
 * Groups signals the way the WFDB library does: consecutive signal lines naming the same file.
 * Signals without a file ('~' or format 0, as in layout headers) belong to no group.
 */
export function groupSignals(signals: readonly WfdbSignalSpec[], where: string): SignalGroup[] {
  const groups: { fileName: string; members: GroupMember[] }[] = [];
  signals.forEach((spec, index) => {
    if (spec.fileName === '~' || spec.format === 0) return;
    const last = groups[groups.length - 1];
    if (last && last.fileName === spec.fileName) last.members.push({ index, spec });
    else groups.push({ fileName: spec.fileName, members: [{ index, spec }] });
  });
  return groups.map(({ fileName, members }) => {
    const first = members[0].spec;
    const format = formatSpec(first.format);
    if (!format) throw new FormatError('format', `${where}: signal ${members[0].index} has no signal file (format ${first.format})`);
    for (const m of members) {
      if (m.spec.format !== first.format) {
        throw new FormatError('format', `${where}: signals in ${fileName} mix formats ${first.format} and ${m.spec.format}`);
      }
    }
    const frameSamples = members.reduce((n, m) => n + m.spec.samplesPerFrame, 0);
    return { fileName, format, byteOffset: first.byteOffset, members, frameSamples };
  });
}

// File bytes of the fused path, reused from record to record: they are decoded before the next read.
// A long range read gets a buffer of its own rather than pinning its size for the process's life.
const MAX_SCRATCH = 4 << 20;
let scratch = Buffer.allocUnsafe(0);

/**
 * The common case the fused path serves: a byte format without state across samples, one sample
 * per frame and no skew in every member (the bulk of PhysioNet: MIT-BIH 212, CinC .mat 16+24).
 */
export function fusable(group: SignalGroup): boolean {
  return !group.format.flac && PHYSICAL_FORMATS.has(group.format.code) && group.members.every((m) => m.spec.samplesPerFrame === 1 && m.spec.skew === 0);
}

/** A little-endian int16 file read as is (WFDB format 16 and the CinC .mat): what Int16Frames holds. */
export function int16Framed(group: SignalGroup): boolean {
  return LITTLE_ENDIAN && group.format.code === 16 && fusable(group);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An opened signal file: frame count known, samples read on demand. */
export interface OpenGroup {
  readonly path: string;
  readonly availFrames: number;
  /** The file's first bytes (fewer if the file is shorter). */
  head(n: number): Buffer;
  /** Frames [from, to) of every member, skew applied; checksums when asked (needs from = 0). */
  read(from: number, to: number, checksumFrames?: number): GroupSamples;
  /**
   * The fused fast path: frames [from, to) of every member already in physical units
   * ((d - baseline) / adcGain, NaN invalid), or null where it does not apply (see `fusable`);
   * then `read` and a separate conversion do the work.
   */
  readPhysical(from: number, to: number, checksumFrames?: number): GroupSamples | null;
  /**
   * Frames [0, frames) as the file stores them, for a format-16 file whose members have one sample
   * per frame and no skew (int16Framed); null otherwise. The array comes from takeFrames.
   */
  readInt16Frames(frames: number): Int16Array | null;
  close(): void;
}

function openError(path: string, err: unknown): FormatError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FormatError('missing', `${path}: signal file not found`);
  return new FormatError('unreadable', `${path}: cannot read signal file (${code ?? (err as Error).message})`);
}

export async function openGroup(dir: string, group: SignalGroup): Promise<OpenGroup> {
  const path = join(dir, group.fileName);
  if (group.format.flac) return openFlacGroup(path, group);
  let fd: number;
  let size: number;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) {
      closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    size = st.size;
  } catch (err) {
    throw openError(path, err);
  }
  const f = group.format;
  const availFrames = Math.floor(samplesInBytes(f, Math.max(0, size - group.byteOffset)) / group.frameSamples);
  /** `count` samples from sample `aligned` (a group boundary) into `bytes`, or a FormatError. */
  const readBytes = (aligned: number, count: number, bytes: Buffer): Buffer => {
    let got = 0;
    try {
      const at = group.byteOffset + byteOfSample(f, aligned);
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, at + got);
        if (n === 0) break;
        got += n;
      }
    } catch (err) {
      throw openError(path, err);
    }
    if (got < bytes.length) throw new FormatError('truncated', `${path}: truncated: read ${got} of ${bytes.length} bytes`);
    return bytes;
  };
  return {
    path,
    availFrames,
    head(n) {
      const b = Buffer.alloc(Math.min(n, size));
      try {
        readSync(fd, b, 0, b.length, 0);
      } catch (err) {
        throw openError(path, err);
      }
      return b;
    },
    read(from, to, checksumFrames) {
      const maxSkew = Math.max(...group.members.map((m) => m.spec.skew));
      // First differences depend on every earlier sample: always decode from the file start.
      const readStart = f.differential ? 0 : Math.min(from, availFrames);
      const readEnd = Math.min(to + maxSkew, availFrames);
      const firstSample = readStart * group.frameSamples;
      const aligned = Math.floor(firstSample / f.groupSamples) * f.groupSamples;
      const count = Math.max(0, readEnd * group.frameSamples - aligned);
      const bytes = readBytes(aligned, count, Buffer.allocUnsafe(bytesForSamples(f, count)));
      const flat = new Int32Array(count);
      decodeSamples(f, bytes, count, flat);
      const lead = firstSample - aligned;
      if (f.differential) integrate(flat, group);
      return demultiplex(flat, lead, readStart, readEnd, from, to, group, checksumFrames);
    },
    readPhysical(from, to, checksumFrames) {
      if (!fusable(group) || to > availFrames || to < from || (checksumFrames !== undefined && (from !== 0 || checksumFrames !== to))) return null;
      const tspf = group.frameSamples;
      const firstSample = from * tspf;
      const aligned = Math.floor(firstSample / f.groupSamples) * f.groupSamples;
      const count = to * tspf - aligned;
      const size = bytesForSamples(f, count);
      if (scratch.length < size && size <= MAX_SCRATCH) scratch = Buffer.allocUnsafe(Math.max(size, Math.min(MAX_SCRATCH, 2 * scratch.length)));
      const bytes = readBytes(aligned, count, size <= MAX_SCRATCH ? scratch.subarray(0, size) : Buffer.allocUnsafe(size));
      const samples: Float64Array[] = [];
      const checksums: number[] = [];
      group.members.forEach((m, k) => {
        const out = takeSamples(to - from);
        const sum = decodePhysical(f, bytes, firstSample - aligned + k, tspf, out, m.spec.baseline, m.spec.adcGain);
        samples.push(out);
        checksums.push((sum << 16) >> 16);
      });
      return checksumFrames !== undefined ? { samples, checksums } : { samples };
    },
    readInt16Frames(frames) {
      if (!int16Framed(group) || frames > availFrames || frames < 0) return null;
      const out = takeFrames(frames * group.frameSamples);
      readBytes(0, out.length, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      return out;
    },
    close() {
      closeSync(fd);
    },
  };
}

async function openFlacGroup(path: string, group: SignalGroup): Promise<OpenGroup> {
  const spf = group.members[0].spec.samplesPerFrame;
  if (group.members.some((m) => m.spec.samplesPerFrame !== spf)) {
    throw new FormatError('format', `${path}: every signal in a FLAC file must have the same samples per frame`);
  }
  // The decoder has no seeking: decode the stream once and cut frames from it.
  const decoded = await decodeFlacFile(path, group.members.length, group.format.bits);
  const skip = group.byteOffset;
  const perChannel = Math.max(0, decoded.length - skip);
  const availFrames = Math.floor(perChannel / spf);
  // Rearrange into file order (frame by frame, spf samples of each signal) like the other formats.
  const flat = new Int32Array(availFrames * group.frameSamples);
  for (let fr = 0, o = 0; fr < availFrames; fr++) {
    for (const ch of decoded.channels) {
      const s = skip + fr * spf;
      for (let j = 0; j < spf; j++) flat[o++] = ch[s + j];
    }
  }
  return {
    path,
    availFrames,
    head: () => Buffer.alloc(0),
    readPhysical: () => null,
    readInt16Frames: () => null,
    read(from, to, checksumFrames) {
      const maxSkew = Math.max(...group.members.map((m) => m.spec.skew));
      return demultiplex(flat, 0, 0, Math.min(to + maxSkew, availFrames), from, to, group, checksumFrames);
    },
    close() {},
  };
}

/** Format 8: turns first differences into samples, each signal starting from its initial value. */
function integrate(flat: Int32Array, group: SignalGroup): void {
  const acc = group.members.map((m) => m.spec.initialValue);
  const frames = Math.floor(flat.length / group.frameSamples);
  for (let fr = 0, i = 0; fr < frames; fr++) {
    for (let m = 0; m < group.members.length; m++) {
      const spf = group.members[m].spec.samplesPerFrame;
      let v = acc[m];
      for (let j = 0; j < spf; j++, i++) {
        v += flat[i];
        flat[i] = v;
      }
      acc[m] = v;
    }
  }
}

/**
 * `flat` holds file samples from frame `readStart` (after `lead` samples) up to frame `readEnd`.
 * Output frame i of a member is file frame from + i + skew; frames at or past readEnd are NaN.
 */
function demultiplex(
  flat: Int32Array,
  lead: number,
  readStart: number,
  readEnd: number,
  from: number,
  to: number,
  group: SignalGroup,
  checksumFrames?: number,
): GroupSamples {
  const n = to - from;
  const tspf = group.frameSamples;
  const invalid = group.format.invalid;
  const samples: Float64Array[] = [];
  const checksums: number[] = [];
  let pos = 0;
  for (const m of group.members) {
    const spf = m.spec.samplesPerFrame;
    const out = new Float64Array(n * spf);
    const firstFrame = from + m.spec.skew;
    const validFrames = Math.max(0, Math.min(n, readEnd - firstFrame));
    let src = lead + (firstFrame - readStart) * tspf + pos;
    let o = 0;
    if (spf === 1) {
      for (let i = 0; i < validFrames; i++, src += tspf) {
        const v = flat[src];
        out[o++] = v === invalid ? NaN : v;
      }
    } else {
      for (let i = 0; i < validFrames; i++, src += tspf) {
        for (let j = 0; j < spf; j++) {
          const v = flat[src + j];
          out[o++] = v === invalid ? NaN : v;
        }
      }
    }
    out.fill(NaN, o);
    samples.push(out);
    if (checksumFrames !== undefined) {
      let sum = 0;
      const base = lead - readStart * tspf + pos;
      for (let fr = 0; fr < checksumFrames; fr++) {
        const s = base + fr * tspf;
        for (let j = 0; j < spf; j++) sum = (sum + flat[s + j]) | 0;
      }
      checksums.push((sum << 16) >> 16);
    }
    pos += spf;
  }
  return checksumFrames !== undefined ? { samples, checksums } : { samples };
}
