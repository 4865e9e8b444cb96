// The typed model of one run folder the report is built from: what load.ts reads and validates,
// what every section gets. Step records keep their unknown fields, so a section added later (e.g.
// baselines, robustness) finds whatever new data the experiment code writes.
import type { TrainingEngineInfo } from '../engines/info.js';
import type { DownstreamRecord, PretrainRecord } from '../records.js';

export interface RunInfo {
  readonly kind: string;
  /** The config as run (validated when the run started; kept here as written). */
  readonly config: { readonly name: string } & Record<string, unknown>;
  readonly config_file: string | null;
  readonly code_version: string;
  readonly backend: { readonly name: string; readonly tf?: string; readonly reason?: string };
  /** The training engine; absent in runs made before engines existed (TensorFlow.js). */
  readonly engine?: TrainingEngineInfo;
  readonly seeds: readonly number[];
  readonly split_set: number | null;
  readonly centers: readonly string[];
  readonly targets: readonly string[];
  readonly skipped_targets: readonly { readonly target: string; readonly reason: string }[];
  /** Every planned step, in order. */
  readonly steps: readonly string[];
  readonly created_at: string | null;
}

/** A recorded step of a kind this report has no section for yet, kept as written. */
export interface OtherStep {
  readonly name: string;
  readonly kind: string;
  readonly record: Readonly<Record<string, unknown>>;
}

/** The data snapshot a step read: record counts per part (snapshots/<step>.json). */
export interface SnapshotSize {
  readonly records?: number;
  readonly train?: number;
  readonly val?: number;
  readonly test?: number;
}

/** predictions/<step>.csv: one probability per class for each test record. */
export interface Predictions {
  readonly records: readonly number[];
  readonly classes: readonly string[];
  /** [class][record] */
  readonly scores: readonly Float64Array[];
}

export interface JobStatus {
  readonly id: number;
  readonly state: string;
  readonly message: string | null;
  readonly progress: number;
}

export interface RunModel {
  readonly dir: string;
  /** The folder name: job-<id> for runs started as jobs. */
  readonly id: string;
  readonly info: RunInfo;
  readonly pretrain: readonly PretrainRecord[];
  readonly downstream: readonly DownstreamRecord[];
  readonly other: readonly OtherStep[];
  /** Planned steps with no record yet. */
  readonly missing: readonly string[];
  /** True while steps are missing or the job is not done: the report shows what is done so far. */
  readonly partial: boolean;
  readonly job: JobStatus | null;
  readonly snapshots: ReadonlyMap<string, SnapshotSize>;
  readonly predictions: ReadonlyMap<string, Predictions>;
  /** Class bits (bit i: class i of CLASSES) of the test records, from the workspace catalog; null without one. */
  readonly labels: ReadonlyMap<number, number> | null;
  /** Where the labels came from (the catalog file), or why there are none. */
  readonly labelsSource: string;
  /** summary.json as the experiment wrote it when it finished (null while running). */
  readonly summary: Readonly<Record<string, unknown>> | null;
  /** Problems that did not stop the report (a missing predictions file, ...). */
  readonly warnings: readonly string[];
}
