// Entry point of the format readers: one `readRecord(path)` for every file kind.
//
// Extension point: a reader for another container registers itself here, e.g. HDF5 (CODE-15%):
//   registerReader((path) => /\.(hdf5|h5)(#\d+)?$/i.test(path), (path, opts) => readHdf5Exam(path, opts));
// Registered readers are asked in registration order before the WFDB fallback; a reader gets
// the path exactly as the caller wrote it (so `file.hdf5#<exam index>` addressing is the
// reader's own business) and must return the common Reading shape (physical units, NaN invalid).
import { readAecg } from './aecg/read.js';
import { clinicalKind } from './clinical/sniff.js';
import { readDicom } from './dicom/read.js';
import { readEdf } from './edf/read.js';
import { isHdf5Path, readHdf5Path } from './hdf5.js';
import { readIshne } from './ishne/read.js';
import { readMuse } from './muse/read.js';
import { isPhilipsFile, readPhilips } from './philips/read.js';
import { isScpFile, readScp } from './scp/read.js';
import { FormatError, type Reading, type ReadOptions } from './types.js';
import { readWfdb } from './wfdb/open.js';

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

export { readWfdb, readWfdbFrames, readWfdbHeaderFile, wfdbHeaderPath } from './wfdb/open.js';

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
