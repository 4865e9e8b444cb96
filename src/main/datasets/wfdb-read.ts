// The datasets' one door to WFDB records: the reader in formats/wfdb, plus the catalog's names
// for a record's storage format and signal file.
import { join, dirname } from 'node:path';
import type { WfdbHeader } from '../formats/wfdb/header.js';
import { readWfdb, readWfdbFrames } from '../formats/wfdb/open.js';
import type { WfdbFramedReading, WfdbReading } from '../formats/wfdb/record.js';

/** Reads a whole WFDB record (path without extension) in physical units, headers as written; the parsed header comes with it. */
export function readWfdbRecord(path: string): Promise<WfdbReading> {
  return readWfdb(path);
}

/** readWfdbRecord, except that a record that is one int16 file comes as its undecoded frames. */
export function readWfdbRecordFramed(path: string): Promise<WfdbReading | WfdbFramedReading> {
  return readWfdbFrames(path);
}

/** 'mat4' for MATLAB v4 signal files (CinC), 'wfdb-<fmt>' otherwise ('wfdb-212+16' when mixed), 'wfdb-multi' for multi-segment. */
export function wfdbFormatName(header: WfdbHeader): string {
  if (header.segments) return 'wfdb-multi';
  const signals = header.signals.filter((s) => s.fileName !== '~');
  if (signals.length > 0 && signals.every((s) => /\.mat$/i.test(s.fileName))) return 'mat4';
  const formats = [...new Set(signals.map((s) => s.format))];
  return formats.length > 0 ? `wfdb-${formats.join('+')}` : 'wfdb';
}

/** The file the samples come from: the first signal file, else the header (multi-segment, no signals). */
export function wfdbSourcePath(path: string, header: WfdbHeader): string {
  const file = header.signals.find((s) => s.fileName !== '~')?.fileName;
  return file && !header.segments ? join(dirname(path), file) : `${path}.hea`;
}

/** WFDB base date and time as written ('05-May-2020 14:50:55'); null when the header has none. */
export function recordedAt(header: { readonly baseDate?: string; readonly baseTime?: string }): string | null {
  const parts = [header.baseDate, header.baseTime].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' ') : null;
}
