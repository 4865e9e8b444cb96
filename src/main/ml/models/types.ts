// What every ECG network offers the training and evaluation code.
import type * as tf from '@tensorflow/tfjs-core';
import type { BatchNormUpdate } from './layers.js';

export const MODEL_NAMES = ['resnet18_1d', 'resnet50_1d', 'vit_1d'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelOptions {
  /** Input leads (12) and samples (1000): the canonical shape. */
  readonly leads?: number;
  readonly samples?: number;
  /** Output logits (24 classes by default). */
  readonly classes?: number;
  /** Multiplies every width (ResNet channels; ViT embedding and MLP sizes); 1 = the paper's size. */
  readonly width?: number;
  /** Multiplies the number of blocks per stage (ResNet) or of transformer blocks (ViT), at least 1 each. */
  readonly depth?: number;
  /** Seed of the initial weights. */
  readonly seed?: number;
}

export interface ForwardOptions {
  readonly training: boolean;
  /** 'logits' (default): [batch, classes]; 'embedding': the pooled features before the head. */
  readonly output?: 'logits' | 'embedding';
  /** Training mode collects BatchNorm batch statistics here (see applyBatchNormUpdates). */
  readonly updates?: BatchNormUpdate[];
}

export interface EcgModel {
  readonly name: ModelName;
  readonly leads: number;
  readonly samples: number;
  readonly classes: number;
  readonly embeddingSize: number;
  /** Names of the classification head's parameters (Linear(embeddingSize, classes)): what a linear probe trains. */
  readonly headNames: readonly string[];
  /** Trainable weights by PyTorch-style name (e.g. 'layer1.0.c1.weight'). */
  readonly params: ReadonlyMap<string, tf.Variable>;
  /** Non-trainable state: BatchNorm running statistics. */
  readonly buffers: ReadonlyMap<string, tf.Variable>;
  /** x: [batch, leads, samples] (the canonical store's layout); transposed to NWC inside. */
  apply(x: tf.Tensor3D, options: ForwardOptions): tf.Tensor2D;
  dispose(): void;
}
