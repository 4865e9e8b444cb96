// A whole WFDB record (single or multi-segment) as one Reading.
import { dirname } from 'node:path';
import type { Reading, ReadOptions } from '../types.js';
import type { WfdbHeader } from './header.js';
import { readHeaderFile } from './header-file.js';
import { readMultiSegment } from './multi-segment.js';
import { readSingle } from './single.js';

export interface WfdbReadOptions extends ReadOptions {
  /**
   * Also return every sample of multi-sample frames (`expanded`), besides the per-frame
   * averages in `signals`. Single-segment records only.
   */
  readonly expanded?: boolean;
}

export interface WfdbReading extends Reading {
  readonly header: WfdbHeader;
  readonly samplesPerFrame: readonly number[];
  /** With `expanded`: per channel, samplesPerFrame[c] x sigLen physical samples in time order. */
  readonly expanded?: readonly Float64Array[];
}

/** Reads the record whose header is at `headerPath` (signal files are found beside it). */
export async function readWfdbRecord(headerPath: string, opts: WfdbReadOptions = {}): Promise<WfdbReading> {
  const header = readHeaderFile(headerPath);
  const dir = dirname(headerPath);
  const got = header.segments
    ? await readMultiSegment(header, dir, headerPath, opts)
    : await readSingle(header, dir, headerPath, opts);
  const sigLen = got.signals.length ? got.signals[0].length : (opts.to ?? got.totalLen) - (opts.from ?? 0);
  return {
    record: header.record,
    fs: header.fs,
    sigLen,
    totalLen: got.totalLen,
    channels: got.channels,
    signals: got.signals,
    comments: header.comments,
    warnings: got.warnings,
    ...(header.baseTime !== undefined ? { baseTime: header.baseTime } : {}),
    ...(header.baseDate !== undefined ? { baseDate: header.baseDate } : {}),
    header,
    samplesPerFrame: got.samplesPerFrame,
    ...(got.expanded ? { expanded: got.expanded } : {}),
  };
}
