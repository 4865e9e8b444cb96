// Row shapes the catalog takes in and gives out.

/** One record as the importer hands it over; center and patient rows are created on demand. */
export interface NewRecord {
  /** Identity within its import (relative path, 'file.hdf5#row'); unique across the catalog. */
  readonly sourceKey: string;
  readonly record: string;
  readonly center: string;
  /** The collection's patient id (already pseudonymised where needed); null: the record is its own patient. */
  readonly patient: string | null;
  readonly sourcePath: string;
  readonly format: string;
  readonly fs: number;
  readonly sigLen: number;
  readonly leads: readonly string[];
  readonly age: number | null;
  readonly sex: 'M' | 'F' | null;
  readonly recordedAt: string | null;
  /** SNOMED-CT codes as written, including those outside the 24 classes. */
  readonly codes: readonly string[];
  /** Canonical leads that had to be zero-filled. */
  readonly missingLeads?: readonly string[];
  /** Seconds of zero padding at the end of the canonical record (a record shorter than the window); 0 by default. */
  readonly paddedS?: number;
  readonly shard?: number | null;
  readonly offset?: number | null;
  readonly importRunId?: number | null;
  /** Device statements as text (site data), with the codes a mapping gave each (null: unmapped). */
  readonly statements?: readonly NewStatement[];
  /** WFDB annotation files found beside the record (record_annotators). */
  readonly annotators?: readonly RecordAnnotator[];
  /** First source sample of the canonical window (null: unknown). */
  readonly windowStart?: number | null;
}

/** One annotation file of a record, as the catalog keeps it. */
export interface RecordAnnotator {
  /** The file's extension: 'atr', 'qrs', 'i', 'v1', ... */
  readonly name: string;
  readonly count: number;
  /** Which kinds of annotation it holds: 'beat', 'rhythm', 'wave', 'noise', 'other'. */
  readonly kinds: readonly string[];
  /** SNOMED-CT codes its annotations imply (docs/annotations.md); labels only where the record has no others. */
  readonly codes: readonly string[];
}

export interface NewStatement {
  readonly text: string;
  readonly codes: readonly string[] | null;
}

export interface InsertResult {
  /** Catalog ids of the inserted rows, in input order. */
  readonly ids: number[];
  /** Source keys already in the catalog (earlier run or repeated in the batch): not inserted again. */
  readonly skipped: string[];
}

/** A record as listed by queryRecords. */
export interface RecordRow {
  readonly id: number;
  readonly record: string;
  readonly center: string;
  readonly patientId: number;
  readonly age: number | null;
  readonly sex: 'M' | 'F' | null;
  readonly fs: number;
  readonly durationS: number;
  readonly nLeads: number;
  /** Abbreviations of the scored classes the record carries, in class order. */
  readonly classes: string[];
  readonly missingLeads: string[];
}

export interface RecordLabel {
  readonly code: string;
  readonly classIndex: number | null;
  readonly abbreviation: string | null;
}

export interface RecordDetail extends RecordRow {
  readonly sourceKey: string;
  readonly sourcePath: string;
  readonly format: string;
  readonly sigLen: number;
  readonly leads: string[];
  readonly recordedAt: string | null;
  readonly patientKey: string;
  readonly ownRecord: boolean;
  readonly shard: number | null;
  readonly offset: number | null;
  readonly importRunId: number | null;
  /** Seconds of zero padding at the end of the canonical record; 0: the window is all signal. */
  readonly paddedS: number;
  readonly labels: RecordLabel[];
}

export interface CenterSummary {
  readonly center: string;
  readonly records: number;
  readonly patients: number;
  /** Records per class abbreviation, a record counted once per class; zero classes left out. */
  readonly per_class: Record<string, number>;
}

export interface CatalogSummary {
  readonly records: number;
  readonly patients: number;
  readonly per_center: Record<string, number>;
  readonly centers: CenterSummary[];
  readonly per_class: Record<string, number>;
}

export type ImportStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportCounts {
  readonly recordsSeen: number;
  readonly imported: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface ImportRun extends ImportCounts {
  readonly id: number;
  readonly folder: string;
  readonly dataset: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: ImportStatus;
  readonly settings: Record<string, unknown>;
}

export interface ImportErrorRow {
  readonly sourceKey: string | null;
  readonly path: string | null;
  readonly code: string;
  readonly message: string;
}
