// WFDB records by any path form (header, record path, signal file), without the other formats:
// the import's WFDB adapters (cinc, ptbxl, mimic, wfdb) load only this, not formats/index.ts with
// its XML, DICOM and FLAC libraries, so the import and its worker threads start faster.
import { existsSync } from 'node:fs';
import { FormatError } from '../types.js';
import { readHeaderFile } from './header-file.js';
import type { WfdbHeader } from './header.js';
import { readWfdbFrames as readWfdbFramesAt, readWfdbRecord, type WfdbFramedReading, type WfdbReadOptions, type WfdbReading } from './record.js';

/**
 * The `.hea` a WFDB record path means: the header itself, a record path without extension
 * (`data/100`), or a signal file beside its header (`data/A0001.mat`, `data/100.dat`).
 */
export function wfdbHeaderPath(path: string): string | undefined {
  if (/\.hea$/i.test(path)) return path;
  if (existsSync(`${path}.hea`)) return `${path}.hea`;
  const base = path.replace(/\.[^./\\]+$/, '');
  if (base !== path && existsSync(`${base}.hea`)) return `${base}.hea`;
  return undefined;
}

/** Reads a WFDB record (any of the path forms `wfdbHeaderPath` accepts) with its WFDB details. */
export async function readWfdb(path: string, opts: WfdbReadOptions = {}): Promise<WfdbReading> {
  return readWfdbRecord(wfdbHeaderPathOrThrow(path), opts);
}

function wfdbHeaderPathOrThrow(path: string): string {
  const header = wfdbHeaderPath(path);
  if (header) return header;
  const base = path.replace(/\.[^./\\]+$/, '');
  const why = existsSync(path) ? 'no reader knows this file and it has no WFDB header' : 'no such record';
  throw new FormatError('missing', `${path}: ${why} (looked for ${base === path ? `${path}.hea` : `${path}.hea and ${base}.hea`})`);
}

/** The whole WFDB record as int16 frames where it is one format-16 file, else read as readWfdb does (see readWfdbFrames in wfdb/record.ts). */
export async function readWfdbFrames(path: string): Promise<WfdbReading | WfdbFramedReading> {
  return readWfdbFramesAt(wfdbHeaderPathOrThrow(path));
}

/** Parses a record's header only (cheap: no signal file is opened). */
export function readWfdbHeaderFile(path: string): WfdbHeader {
  const header = wfdbHeaderPath(path);
  if (!header) throw new FormatError('missing', `${path}: no WFDB header found`);
  return readHeaderFile(header);
}
