// What the demo generator promises about the corpus it wrote (demo-manifest.json).
import type { DemoAdapter, DemoLayout } from './centers.js';
import type { RecordTruth } from './synth/record.js';

export interface DemoCenterEntry {
  readonly name: string;
  readonly folder: string;
  readonly adapter: DemoAdapter;
  readonly layout: DemoLayout;
  readonly fs: number;
  readonly count: number;
}

export interface DemoRecordEntry {
  /** Path relative to the corpus root without extension; 'serra/exams_part0.hdf5#12' for an HDF5 row. */
  readonly path: string;
  /** Center folder. */
  readonly center: string;
  readonly record: string;
  readonly patient: string;
  readonly age: number;
  readonly sex: 'M' | 'F';
  /** True classes (abbreviations) the signal was synthesised with. */
  readonly classes: readonly string[];
  /** SNOMED-CT codes of the classes the center's files state (empty for unlabelled centers; CODE-15 states six classes only). */
  readonly labelled: readonly string[];
  readonly fs: number;
  readonly samples: number;
  /** True mean heart rate (bpm). */
  readonly hr: number;
  readonly truth: RecordTruth;
}

export interface DemoManifest {
  readonly version: 1;
  readonly seed: number;
  readonly generator: 'openecg-demo';
  /** Class probabilities that replaced the centers' own (generator option; absent: the demo's mix). */
  readonly prevalence?: Readonly<Record<string, number>>;
  readonly centers: readonly DemoCenterEntry[];
  readonly records: readonly DemoRecordEntry[];
}
