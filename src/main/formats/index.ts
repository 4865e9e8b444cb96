// Entry point of the format readers: one `readRecord(path)` for every file kind.
//
// Extension point: a reader for another container registers itself here, e.g. HDF5 (CODE-15%):
//   registerReader((path) => /\.(hdf5|h5)(#\d+)?$/i.test(path), (path, opts) => readHdf5Exam(path, opts));
// Registered readers are asked in registration order before the WFDB fallback; a reader gets
// the path exactly as the caller wrote it (so `file.hdf5#<exam index>` addressing is the
// reader's own business) and must return the common Reading shape (physical units, NaN invalid).
import { existsSync } from 'node:fs';
import { readAecg } from './aecg/read.js';
import { clinicalKind } from './clinical/sniff.js';
import { readDicom } from './dicom/read.js';
import { readEdf } from './edf/read.js';
import { isHdf5Path, readHdf5Path } from './hdf5.js';
import { readIshne } from './ishne/read.js';
import { readMuse } from './muse/read.js';
import { isPhilipsFile, readPhilips } from './philips/read.js';
import { isScpFile, readScp } from './scp/read.js';
import type { Reading, ReadOptions } from './types.js';
import { FormatError } from './types.js';
import { readHeaderFile } from './wfdb/header-file.js';
import type { WfdbHeader } from './wfdb/header.js';
import { readWfdbFrames as readWfdbFramesAt, readWfdbRecord, type WfdbFramedReading, type WfdbReadOptions, type WfdbReading } from './wfdb/record.js';

export type RecordReader = (path: string, opts: ReadOptions) => Promise<Reading>;

interface Registration {
  readonly test: (path: string) => boolean;
  readonly read: RecordReader;
}

const readers: Registration[] = [{ test: isHdf5Path, read: readHdf5Path }];

/** Adds a reader for paths `test` accepts; returns a function that removes it again. */
export function registerReader(test: (path: string) => boolean, read: RecordReader): () => void {
  const entry = { test, read };
  readers.push(entry);
  return () => {
    const i = readers.indexOf(entry);
    if (i >= 0) readers.splice(i, 1);
  };
}

// Clinical formats, detected by content (a DICOM file renamed .xml still reads as DICOM).
registerReader((path) => clinicalKind(path) === 'dicom', readDicom);
registerReader((path) => clinicalKind(path) === 'aecg', readAecg);
registerReader((path) => clinicalKind(path) === 'muse', readMuse);
registerReader(isScpFile, readScp);
registerReader(isPhilipsFile, readPhilips);
registerReader((path) => clinicalKind(path) === 'edf', readEdf);
registerReader((path) => clinicalKind(path) === 'ishne', readIshne);

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

/** Reads one record in physical units. WFDB unless a registered reader claims the path. */
export async function readRecord(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const reader = readers.find((r) => r.test(path));
  return hasSamples(reader ? await reader.read(path, opts) : await readWfdb(path, opts), path);
}

/** Whatever the format, a reading of no channels or no samples is no record (a damaged lead count once gave one). */
function hasSamples(reading: Reading, path: string): Reading {
  if (reading.channels.length === 0) throw new FormatError('no-signals', `${path}: the file holds no signals`);
  if (!(reading.totalLen > 0)) throw new FormatError('no-samples', `${path}: the record has no samples`);
  return reading;
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

export { FormatError } from './types.js';
export type { ChannelInfo, FramedReading, Int16Frames, MedianBeats, PatientIdentity, Reading, ReadOptions, RecordAnnotation } from './types.js';
export { isFramed } from './types.js';
export { unframe } from './frames.js';
export { parseHeader, commentValue, DEFAULT_GAIN, DEFAULT_FS } from './wfdb/header.js';
export type { WfdbHeader, WfdbSignalSpec, WfdbSegmentSpec } from './wfdb/header.js';
export type { WfdbFramedReading, WfdbReadOptions, WfdbReading } from './wfdb/record.js';
export { readMat4, parseMat4Header } from './mat4.js';
export type { Mat4Matrix, Mat4MatrixHeader, Mat4Type } from './mat4.js';
export { findAnnotators, forEachAnnotation, looksLikeAnnotations, readAnnotations } from './wfdb/annotations.js';
export type { AnnotationReading, AnnotationReadOptions, AnnotationSummary, WfdbAnnotation } from './wfdb/annotations.js';
export { ANNOTATION_DESCRIPTIONS, ANNOTATION_SYMBOLS, annotationCode, annotationSymbol, isQrsCode } from './wfdb/annotation-codes.js';
export { KNOWN_ANNOTATORS, knownAnnotator } from './wfdb/annotators.js';
export type { AnnotatorKind, KnownAnnotator } from './wfdb/annotators.js';
export { encodeAhaAnnotations, encodeMitAnnotations, writeAnnotations } from './wfdb/annotation-write.js';
export type { AnnotationToWrite, AnnotationWriteOptions } from './wfdb/annotation-write.js';
