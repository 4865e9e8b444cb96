// Where each data record sits on the reading's sample axis. EDF and EDF+C records follow each
// other; EDF+D records start at the onset of their time-keeping TAL (seconds after the header's
// start time), so gaps between them become NaN samples in the reading. Finding those onsets
// reads the annotation bytes of every record (a few dozen bytes each), never the samples.
import { FormatError } from '../types.js';
import { recordStart } from './annotations.js';
import type { EdfHeader, EdfSignal } from './header.js';
import type { ByteSource } from './source.js';

export interface Timeline {
  /** First sample of each data record on the reading's axis. */
  readonly starts: Float64Array;
  readonly totalLen: number;
  readonly warnings: readonly string[];
}

export function contiguousTimeline(header: EdfHeader, spr: number): Timeline {
  const starts = new Float64Array(header.records);
  for (let k = 0; k < starts.length; k++) starts[k] = k * spr;
  return { starts, totalLen: header.records * spr, warnings: [] };
}

/** Record starts of an EDF+D file: one small read of the annotation bytes per data record. */
export function discontinuousTimeline(src: ByteSource, header: EdfHeader, annotations: EdfSignal, spr: number, where: string): Timeline {
  const fs = spr / header.recordDuration;
  const starts = new Float64Array(header.records);
  const warnings: string[] = [];
  let misaligned = 0;
  let overlaps = 0;
  let end = 0;
  const bytes = annotations.samplesPerRecord * 2;
  for (let k = 0; k < header.records; k++) {
    const at = header.headerBytes + k * header.recordBytes + annotations.offset;
    const start = recordStart(src.read(at, bytes));
    if (start === undefined) {
      throw new FormatError('annotations', `${where}: EDF+D data record ${k + 1} has no time-keeping annotation, so it cannot be placed in time`);
    }
    const exact = start * fs;
    const pos = Math.round(exact);
    if (Math.abs(exact - pos) > 1e-6 * Math.max(1, Math.abs(exact))) misaligned++;
    if (pos < 0) throw new FormatError('annotations', `${where}: EDF+D data record ${k + 1} starts ${start} s before the recording's start`);
    if (pos < end) overlaps++;
    starts[k] = pos;
    end = Math.max(end, pos + spr);
  }
  if (misaligned) warnings.push(`${misaligned} EDF+D data records start between samples; placed at the nearest sample`);
  if (overlaps) warnings.push(`${overlaps} EDF+D data records overlap the one before or come out of order; later records overwrite earlier samples`);
  return { starts, totalLen: end, warnings };
}
