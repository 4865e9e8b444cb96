// The compute engine's public API, for the experiments and jobs layers (and the CLI).
//
//   await chooseBackend({ prefer: 'auto' })            // pick and start tfjs-node-gpu > node > wasm > cpu
//
// Pre-training (SimCLR, BYOL, MAE) on unlabelled canonical records (n x 12 x 1000, mV):
//   const run = await trainSsl(
//     { method: 'byol', model: 'resnet50_1d', steps, batchSize: 256, seed,
//       checkpoint: { dir, every: 1000 }, resume: true, dataSnapshot },
//     { next: (size, step) => Float32Array /* size x 12 x 1000 */, size: records },
//     { onProgress: ({ step, epoch, loss, lr, samplesPerSecond }) => ..., onCheckpoint, signal });
//   run.save(bundleDir); run.method.dispose();
// The data source must return the same batch for the same step (arraySource does, by a seeded
// shuffle per epoch): views, masks and learning rate are drawn by step, so a resumed run continues
// the interrupted one exactly. A stop request (signal) ends after the current step with a checkpoint.
// Both run the one training loop (train/loop.ts) on data-parallel replicas (parallel/data-parallel.ts:
// this thread and `workers` - 1 worker threads; `workers` in the config, else OPENECG_TRAIN_WORKERS,
// else by network size, train/workers.ts) with our AdamW (train/adam.ts); `openecg bench train` times it.
//
// Supervised training on the 24 classes (BCE), a linear probe or full fine-tuning, optionally from
// a pre-training bundle's encoder:
//   const run = await trainSupervised({ mode: 'probe' | 'finetune', init: bundleDir, steps, batchSize, ... },
//     { next: (size, step) => ({ x, y /* size x 24, 0/1 */ }), size }, events);
//   run.save(bundleDir); run.model.dispose();
//
// Bundles (docs/model-bundle.md): saveBundle / readBundle (zod-checked, SHA-256 per file,
// BundleError kinds 'missing' | 'corrupt' | 'invalid' | 'mismatch'), loadClassifier(dir).logits(x, n),
// loadMae(dir) + reconstruct(mae, record, { maskRatio, seed }) for the viewer's MAE overlay.
// Inference (docs/inference.md): const engine = await openEngine(bundleDir, { engine: 'auto' | 'ort' | 'tfjs' });
// await engine.logits(x, n) / embeddings(x, n) / reconstruct(x, n, masks) on normalised records;
// engine.info says which engine and provider (ONNX Runtime when it loads, else TensorFlow.js).
// classifyBatches(bundleDir, count, batchSize, read, { engine }) is the synchronous path of evaluation:
// ONNX Runtime in a worker thread, the next batch read while this one computes.
// Checkpoints: step-NNNNNNNN bundle folders with optimizer.bin under a run folder (checkpoint.ts).
export { chooseBackend, currentBackend, type BackendChoice, type BackendRequest } from './backend.js';
export { createModel, countParameters, MODEL_NAMES, isModelName, type EcgModel, type ModelName, type ModelOptions } from './models/index.js';
export { DEFAULT_AUGMENT, NO_AUGMENT, augmentBatch, augmentConfig, augmentTensor, type AugmentConfig, type AugmentOverrides } from './augment.js';
export { normalizeBatch, denormalizeBatch, NORMALISATIONS, type Normalisation, type LeadStats } from './normalize.js';
export { Rng, deriveSeed } from './rng.js';
export { SSL_METHODS, DEFAULT_BACKBONE, createSslMethod, reconstruct, type SslKind, type SslMethod, type SslOptions, type MaeModel, type Reconstruction, type ReconstructOptions } from './ssl/index.js';
export { trainSsl, SSL_DEFAULTS, type SslRun, type SslTrainConfig } from './train/ssl.js';
export { trainSupervised, SUPERVISED_DEFAULTS, type SupervisedConfig, type SupervisedMode, type SupervisedRun } from './train/supervised.js';
export { arraySource, labelledArraySource, type LabelledBatch, type LabelledSource, type RecordSource } from './train/data.js';
export { type OptimConfig, type ProgressEvent, type TrainEvents } from './train/loop.js';
export { trainWorkers, PARALLEL_FROM_PARAMS, type WorkersChoice } from './train/workers.js';
export { learningRateAt, type Schedule, type ScheduleKind } from './train/schedule.js';
export { BundleError, BUNDLE_FORMAT, BUNDLE_VERSION, TASKS, readBundle, saveBundle, assignWeights, addOnnxToBundle, readBundleJson, readOnnxGraph, type BundleJson, type BundleMeta, type BundleTask, type LoadedBundle } from './bundle.js';
export { latestCheckpoint, listCheckpoints, checkpointName, type CheckpointSettings } from './checkpoint.js';
export { loadClassifier, loadMae, loadPretrained, type LoadedClassifier, type LoadedSsl } from './load.js';
export { ENGINE_NAMES, describeEngine, classifyBatches, probabilityColumns, sigmoid, openEngine, openSyncClassifier, parseEnginePreference, probeEngine, reconstructRecord, type EngineInfo, type EngineName, type EngineOptions, type EnginePreference, type InferenceEngine, type SyncClassifier, type SyncOptions } from './infer/index.js';
export { exportOnnx, ONNX_FILES, type OnnxGraph, type OnnxRole } from './onnx/export.js';
