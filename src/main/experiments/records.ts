// What a finished step writes into steps/<name>.json: enough to rebuild every table and to trace
// each number back to its data (snapshot), model (bundle) and predictions.
import type { Evaluation } from './metrics/index.js';

export interface PretrainRecord {
  readonly name: string;
  readonly kind: 'pretrain';
  readonly method: string;
  readonly seed: number;
  readonly pool: string[];
  readonly fraction: number | null;
  readonly records: number;
  /** SHA-256 of the sorted record ids (the ids themselves: snapshots/<name>.json). */
  readonly snapshot_sha256: string;
  readonly steps: number;
  readonly losses: (number | null)[];
  readonly resumed_from: number;
  readonly bundle: string;
  readonly seconds: number;
}

export interface DownstreamRecord {
  readonly name: string;
  readonly kind: 'downstream';
  readonly method: string;
  readonly mode: 'probe' | 'finetune';
  readonly seed: number;
  readonly pretrain: string;
  readonly target: string | null;
  readonly arm: 'without' | 'with' | null;
  readonly fraction: number | null;
  readonly pretrain_records: number;
  readonly train_records: number;
  readonly val_records: number;
  readonly test_records: number;
  readonly snapshot_sha256: string;
  readonly steps: number;
  readonly losses: (number | null)[];
  readonly resumed_from: number;
  readonly thresholds: number[];
  readonly evaluation: Evaluation;
  readonly predictions: string;
  readonly bundle: string;
  readonly seconds: number;
}

export type StepRecord = PretrainRecord | DownstreamRecord;
