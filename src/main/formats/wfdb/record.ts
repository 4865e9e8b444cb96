// A whole WFDB record (single or multi-segment) as one Reading.
import { dirname } from 'node:path';
import { FormatError, type FramedReading, type Reading, type ReadOptions } from '../types.js';
import type { WfdbHeader } from './header.js';
import { readHeaderFile } from './header-file.js';
import { readMultiSegment } from './multi-segment.js';
import { readSingle, readSingleFrames } from './single.js';

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
  return readParsed(readHeaderFile(headerPath), headerPath, opts);
}

async function readParsed(header: WfdbHeader, headerPath: string, opts: WfdbReadOptions): Promise<WfdbReading> {
  checkHasSignals(header, headerPath);
  const dir = dirname(headerPath);
  const got = header.segments
    ? await readMultiSegment(header, dir, headerPath, opts)
    : await readSingle(header, dir, headerPath, opts);
  checkHasSamples(got.totalLen, headerPath);
  const sigLen = got.signals.length ? got.signals[0].length : (opts.to ?? got.totalLen) - (opts.from ?? 0);
  return {
    ...fromHeader(header, sigLen, got.totalLen, got.warnings),
    channels: got.channels,
    signals: got.signals,
    samplesPerFrame: got.samplesPerFrame,
    ...(got.expanded ? { expanded: got.expanded } : {}),
  };
}

/** What a reading takes from the header, whatever form its samples have. */
function fromHeader(header: WfdbHeader, sigLen: number, totalLen: number, warnings: string[]) {
  return {
    record: header.record,
    fs: header.fs,
    sigLen,
    totalLen,
    comments: header.comments,
    warnings,
    ...(header.baseTime !== undefined ? { baseTime: header.baseTime } : {}),
    ...(header.baseDate !== undefined ? { baseDate: header.baseDate } : {}),
    header,
  };
}

export interface WfdbFramedReading extends FramedReading {
  readonly header: WfdbHeader;
  readonly samplesPerFrame: readonly number[];
}

/**
 * The whole record, as int16 frames where its samples are one format-16 file (readSingleFrames),
 * else decoded as readWfdbRecord reads it: for bulk readers that convert frames themselves.
 */
export async function readWfdbFrames(headerPath: string): Promise<WfdbReading | WfdbFramedReading> {
  const header = readHeaderFile(headerPath);
  checkHasSignals(header, headerPath);
  const got = header.segments ? null : await readSingleFrames(header, dirname(headerPath), headerPath);
  if (!got) return readParsed(header, headerPath, {});
  checkHasSamples(got.totalLen, headerPath);
  return { ...fromHeader(header, got.totalLen, got.totalLen, got.warnings), channels: got.channels, frames: got.frames, samplesPerFrame: header.signals.map(() => 1) };
}

/**
 * A record is something to read: a header that declares no signals, or whose signals all lack a
 * signal file ('~', format 0), has no samples, whatever length it states (and such a length is not
 * bounded by any file: a header of '~' signals declaring 2^31 samples must not allocate them).
 */
function checkHasSignals(header: WfdbHeader, where: string): void {
  if (header.segments) return;
  if (header.signals.length === 0) throw new FormatError('no-signals', `${where}: the header declares no signals: no samples to read`);
  if (header.signals.every((s) => s.fileName === '~' || s.format === 0)) {
    throw new FormatError('no-signals', `${where}: no signal has a signal file: no samples to read`);
  }
}

/** A record of 0 samples is refused rather than read as an empty record (the header says 0, or the signal files hold none). */
function checkHasSamples(totalLen: number, where: string): void {
  if (totalLen === 0) throw new FormatError('no-samples', `${where}: the record has no samples`);
}
