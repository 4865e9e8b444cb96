// The scoring half of a downstream step, whatever trained its model: the classifier bundle on the
// validation and test records (one inference call), thresholds from validation only, metrics with
// patient-bootstrap intervals on test, and the test predictions CSV.
import { CLASSES } from '../../shared/classes.js';
import type { ShardStore } from '../signal/store.js';
import { classifyBatches, probabilityColumns, type EnginePreference } from '../ml/index.js';
import { labelColumns, type RecordRef } from './data.js';
import { chooseThresholds, evaluate, type Evaluation } from './metrics/index.js';
import { predictionsCsv } from './predictions-csv.js';
import { writeFileAtomic } from './run-folder.js';
import type { StepIo } from './steps.js';

/** Probabilities [class][record] of a classifier bundle on the records, in batches. */
export function predict(bundle: string, refs: readonly RecordRef[], store: Pick<ShardStore, 'readMany'>, batchSize: number, onBatch?: () => void, engine?: EnginePreference): Float32Array[] {
  // ONNX Runtime when it loads, else TensorFlow.js; OPENECG_ENGINE or `engine` forces one (docs/inference.md).
  // The next batch is read while the engine computes this one.
  const logits = classifyBatches(bundle, refs.length, batchSize, (from, to) => store.readMany(refs.slice(from, to)), { engine, onBatch });
  return probabilityColumns(logits, refs.length, CLASSES.length);
}

export interface Scored {
  readonly thresholds: number[];
  readonly evaluation: Evaluation;
  readonly predictions: string;
}

export function scoreBundle(
  bundle: string,
  args: { val: readonly RecordRef[]; test: readonly RecordRef[]; bootstrap: number; evalBatch: number; seed: number; engine?: EnginePreference; predictionsFile: string },
  io: StepIo,
  onBatch?: () => void,
): Scored {
  // Validation and test records in one inference call: opening a model is the costly part.
  const scores = predict(bundle, [...args.val, ...args.test], io.store, args.evalBatch, onBatch, args.engine);
  const valScores = scores.map((s) => s.subarray(0, args.val.length));
  const testScores = scores.map((s) => s.subarray(args.val.length));
  // Thresholds from validation only (the documented rule of chooseThreshold), applied to test.
  const thresholds = chooseThresholds(labelColumns(args.val), valScores).map((t) => t.threshold);
  const evaluation = evaluate(
    { classes: CLASSES.map((c) => c.abbreviation), labels: labelColumns(args.test), scores: testScores, thresholds, patients: args.test.map((r) => String(r.patient)), paddedS: args.test.map((r) => r.paddedS) },
    { replicates: args.bootstrap, seed: args.seed },
  );
  writeFileAtomic(args.predictionsFile, predictionsCsv(args.test, testScores));
  return { thresholds, evaluation, predictions: args.predictionsFile };
}
