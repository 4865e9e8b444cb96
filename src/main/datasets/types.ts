// The contract between the import pipeline and the dataset adapters: scan() on the main thread
// yields serializable candidates, load() in a worker turns one into metadata plus a reading.
import type { FramedReading, Reading } from '../formats/types.js';

/** A serializable pointer to one record, produced by scan() on the main thread and sent to a worker. */
export interface Candidate {
  /** Stable identity within the folder: relative path of the record (no extension) or 'file.hdf5#<row>'. */
  readonly key: string;
  /** Adapter name. */
  readonly adapter: string;
  /** Absolute path of the record (WFDB record path without extension, or the HDF5 file). */
  readonly path: string;
  /** Row inside a multi-record file (HDF5). */
  readonly index?: number;
  /** Metadata known from an index CSV (patient, age, sex, codes joined by ';', center, ...). */
  readonly hints?: Readonly<Record<string, string | number | null>>;
}

export interface RecordMeta {
  /** Record id as the collection names it. */
  readonly record: string;
  /** 'CPSC', 'CPSC-Extra', 'Georgia', 'PTB-XL', 'PTB', 'INCART', 'Chapman-Shaoxing', 'Ningbo', 'MIMIC-IV-ECG', 'CODE-15%', or a folder name for plain WFDB. */
  readonly center: string;
  /** null: the collection gives no patient id, the record is its own patient. */
  readonly patient: string | null;
  /**
   * A patient id as a WFDB header comment or folder writes it, when `patient` is null: the import
   * pseudonymises it on its main thread (HMAC under the workspace secret, as site data) and never
   * stores it as written.
   */
  readonly patientId?: string;
  readonly age: number | null;
  readonly sex: 'M' | 'F' | null;
  /** SNOMED-CT codes (all of them, including those outside the 24 classes; 'scp:X' / 'code15:X' pseudo-codes for statements without one). */
  readonly codes: readonly string[];
  readonly recordedAt: string | null;
  /** The file the signals come from. */
  readonly sourcePath: string;
  /** 'wfdb-16', 'wfdb-212', 'mat4', 'hdf5', ... */
  readonly format: string;
  /** E.g. 'gain corrected from 2020 release'. */
  readonly notes: readonly string[];
  /** Diagnosis statements as text (site data, WFDB header comments), scrubbed of the patient's identity; mapped to codes at import. */
  readonly statements?: readonly string[];
  /** WFDB annotation files beside the record (datasets/annotators.ts). */
  readonly annotators?: readonly AnnotatorSummary[];
}

/** One annotation file of a record: what the catalog keeps of it (record_annotators). */
export interface AnnotatorSummary {
  readonly name: string;
  readonly count: number;
  readonly kinds: readonly string[];
  /** SNOMED-CT codes its annotations imply (annotation-labels.ts). */
  readonly codes: readonly string[];
}

/** What load() gives: the record's metadata and its samples. */
export interface Loaded<R> {
  readonly meta: RecordMeta;
  readonly reading: R;
}

export interface ScanReport {
  error(key: string, path: string, code: string, message: string): void;
  progress?(found: number): void;
}

export interface DatasetAdapter {
  /** 'cinc' | 'ptbxl' | 'mimic' | 'code15' | 'wfdb' */
  readonly name: string;
  readonly description: string;
  /** The highest score detect() gives, where it is low: detection skips the adapter once another scored as much (a lazily loaded one then stays unloaded). */
  readonly detectCeiling?: number;
  /** 0 = not this layout; higher = more specific match. Must be cheap (look at a few files / index CSV names). */
  detect(folder: string): Promise<number>;
  /** Enumerates records; invalid index files are FormatError thrown (fatal for the import); per-record problems go to report.error and the scan goes on. */
  scan(folder: string, report: ScanReport): AsyncIterable<Candidate>;
  /** Runs in a worker: reads metadata and signals of one candidate. Throws FormatError for a bad record. */
  load(candidate: Candidate): Promise<Loaded<Reading>>;
  /**
   * load(), except that a record stored as one int16 file may come as its undecoded frames
   * (FramedReading), for the import's fused conversion. Adapters without such records leave it out.
   */
  loadFramed?(candidate: Candidate): Promise<Loaded<Reading | FramedReading>>;
}
