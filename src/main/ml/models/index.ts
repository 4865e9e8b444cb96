// Building a network by name: the one place that maps model names to constructors.
import { createResNet1d } from './resnet1d.js';
import { createVit1d } from './vit1d.js';
import { MODEL_NAMES, type EcgModel, type ModelName, type ModelOptions } from './types.js';

export { MODEL_NAMES, type EcgModel, type ModelName, type ModelOptions, type ForwardOptions } from './types.js';
export { countParameters } from './params.js';
export { createVit1d, encoderBlockParams, runEncoderBlock, vitShape, type EncoderBlock, type Vit1dModel, type VitParts, type VitShape } from './vit1d.js';
export { ParamStore } from './params.js';
export { batchNorm, batchNormParams, gelu, layerNorm, layerNormParams, linear, linearParams, type BatchNorm, type LayerNorm, type Linear } from './layers.js';
export { applyBatchNormUpdates, discardBatchNormUpdates, type BatchNormUpdate } from './layers.js';

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

export function createModel(name: ModelName, options: ModelOptions = {}): EcgModel {
  switch (name) {
    case 'resnet18_1d':
    case 'resnet50_1d':
      return createResNet1d(name, options);
    case 'vit_1d':
      return createVit1d(options);
  }
}
