// What a finished step writes into steps/<name>.json: enough to rebuild every table and to trace
// each number back to its data (snapshot), model (bundle) and predictions.
import type { Evaluation, Interval } from './metrics/index.js';
import type { CorruptionKind } from '../signal/corrupt.js';
import type { BaselineKind } from './plan.js';
import type { CorruptionConfig } from './robustness-config.js';

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
  /** Where it trained when not on TensorFlow.js, e.g. 'torch 1.13.0 (cpu, 2 threads)'; absent: tfjs. */
  readonly engine?: string;
  /** The PyTorch trainer's checkpoint.safetensors (engines torch and slurm). */
  readonly trainer_checkpoint?: string;
  readonly seconds: number;
}

export interface DownstreamRecord {
  readonly name: string;
  readonly kind: 'downstream';
  readonly method: string;
  readonly mode: 'probe' | 'finetune';
  readonly seed: number;
  /** The pre-training step of the encoder; null for a baseline. */
  readonly pretrain: string | null;
  /** 'scratch' (random init, fine-tuned) or 'random_probe' (frozen random encoder, probe); null for a pre-trained model. */
  readonly baseline: BaselineKind | null;
  /** 'resnet18_1d-w0.0625-d0.25': the network as built, shared by a method's rows and its baselines. */
  readonly backbone: string;
  readonly target: string | null;
  readonly arm: 'without' | 'with' | null;
  readonly fraction: number | null;
  /** 0 for a baseline. */
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
  /** As PretrainRecord.engine. */
  readonly engine?: string;
  readonly trainer_checkpoint?: string;
  readonly seconds: number;
}

/** One corruption at one strength: the model's macro metrics on its corrupted test records. */
export interface RobustnessPoint {
  readonly corruption: CorruptionKind;
  /** Run length (samples), leads dropped or 'limb-only' / 'single-lead', SNR (dB), amplitude (mV). */
  readonly strength: number | string;
  readonly macro_auroc: number | null;
  readonly macro_f1: number | null;
  readonly macro_auprc: number | null;
  readonly classes_averaged: number;
  /** Patient-bootstrap intervals when robustness.bootstrap > 0. */
  readonly ci: { readonly macro_auroc: Interval | null; readonly macro_f1: Interval | null } | null;
}

export interface RobustnessRecord {
  readonly name: string;
  readonly kind: 'robustness';
  /** The downstream step whose model was scored. */
  readonly model: string;
  readonly method: string;
  readonly mode: 'probe' | 'finetune';
  readonly seed: number;
  readonly target: string | null;
  readonly arm: 'without' | 'with' | null;
  readonly baseline: BaselineKind | null;
  readonly fraction: number | null;
  readonly test_records: number;
  /** Seed of the corruptions (robustness.seed) and the store's sampling rate they assumed. */
  readonly corruption_seed: number;
  readonly rate_hz: number;
  readonly corruptions: CorruptionConfig[];
  /** The model on the clean test records (its downstream step's evaluation), strength 0. */
  readonly clean: { readonly macro_auroc: number | null; readonly macro_f1: number | null };
  readonly points: RobustnessPoint[];
  readonly seconds: number;
}

export type StepRecord = PretrainRecord | DownstreamRecord | RobustnessRecord;
