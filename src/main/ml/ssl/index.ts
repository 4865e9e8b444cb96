// Self-supervised methods by name.
import type { ModelName, ModelOptions } from '../models/index.js';
import type { AugmentOverrides } from '../augment.js';
import { createByol } from './byol.js';
import { createMae } from './mae.js';
import { createSimclr } from './simclr.js';
import type { SslKind, SslMethod } from './types.js';

export { SSL_METHODS, type SslKind, type SslMethod, type SslStepContext } from './types.js';
export { createSimclr, ntXent, type SimclrOptions } from './simclr.js';
export { createByol, byolPairLoss, momentumAt, type ByolOptions } from './byol.js';
export { createMae, maeDecoderShape, randomPatchMask, type MaeModel, type MaeOptions, type PatchMask } from './mae.js';
export { reconstruct, type Reconstruction, type ReconstructOptions } from './reconstruct.js';

/** Every method's options in one shape; fields a method does not use are ignored. */
export interface SslOptions {
  readonly model?: ModelName;
  readonly modelOptions?: ModelOptions;
  readonly augment?: AugmentOverrides;
  /** SimCLR. */
  readonly temperature?: number;
  /** SimCLR and BYOL. */
  readonly projectorHidden?: number;
  readonly projectorOut?: number;
  /** BYOL. */
  readonly momentum?: number;
  readonly momentumSchedule?: 'constant' | 'cosine';
  /** MAE. */
  readonly maskRatio?: number;
  readonly decoderDim?: number;
  readonly decoderDepth?: number;
  readonly decoderHeads?: number;
}

/** Default backbones as in the paper: ResNet-50 for SimCLR and BYOL, ViT for MAE. */
export const DEFAULT_BACKBONE: Readonly<Record<SslKind, ModelName>> = { simclr: 'resnet50_1d', byol: 'resnet50_1d', mae: 'vit_1d' };

export function createSslMethod(kind: SslKind, options: SslOptions = {}): SslMethod {
  const model = options.model ?? DEFAULT_BACKBONE[kind];
  switch (kind) {
    case 'simclr':
      return createSimclr({ ...options, model });
    case 'byol':
      return createByol({ ...options, model });
    case 'mae':
      if (model !== 'vit_1d') throw new Error(`MAE needs the vit_1d backbone, not ${model}`);
      return createMae(options);
  }
}
