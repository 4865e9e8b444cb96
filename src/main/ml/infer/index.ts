// Inference engines (docs/inference.md): open a bundle on ONNX Runtime or TensorFlow.js and run
// logits, embeddings and MAE reconstructions; synchronous batched classification for predict().
export { ENGINE_NAMES, describeEngine, type EngineInfo, type EngineName, type EnginePreference, type InferenceEngine } from './engine.js';
export { openEngine, parseEnginePreference, probeEngine, resolvePreference, type EngineOptions } from './open.js';
export { loadOrt, candidateProviders } from './ort.js';
export { reconstructRecord } from './reconstruct.js';
export { probabilityColumns, sigmoid } from './probabilities.js';
export { classifyBatches, openSyncClassifier, type SyncClassifier, type SyncOptions } from './sync.js';
