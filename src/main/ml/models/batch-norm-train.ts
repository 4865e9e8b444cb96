// BatchNorm's training-mode forward and its gradient as one custom-gradient op. Autodiff through
// mean/sub/square/mean/rsqrt/mul/add took ~20 kernels per layer on the backward pass (the WASM
// backend's reductions over the batch axis transpose first, each ~8x an elementwise op). The
// gradient here is the closed form, with three per-channel sums (xhat = (x - mean) * rstd, scale = gamma * rstd):
//   dbeta = sum dy, dgamma = sum dy * xhat, dx = scale * (dy - dbeta / N) - xhat * scale * dgamma / N
// Same quantities as before to float32 rounding (test/ml/batch-norm-train.test.ts).
import * as tf from '@tensorflow/tfjs-core';

export interface BatchNormTrainResult {
  readonly y: tf.Tensor2D;
  /** Per-channel batch mean and biased variance, kept (the caller frees them). */
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/** Per-channel sums of x [N, C] as [1, C]. */
function channelSums(x: tf.Tensor): tf.Tensor2D {
  return tf.sum(x, 0, true);
}

/** y = (x - mean) / sqrt(variance + epsilon) * gamma + beta over the N rows of x [N, C]. */
export function batchNormTrain(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchNormTrainResult {
  const [n, c] = x.shape;
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | undefined;
  // customGrad's typing takes (...inputs, save) as one rest parameter.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.div(channelSums(xs), n);
    const centred = tf.sub(xs, mean);
    const variance = tf.div(channelSums(tf.square(centred)), n);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const scale = tf.mul(g, rstd);
    save([centred, rstd, scale]);
    stats = { mean: tf.keep(tf.reshape(mean, [c])), variance: tf.keep(tf.reshape(variance, [c])) };
    return {
      value: tf.add(tf.mul(centred, scale), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [cs, rs, sc] = saved;
        const d = dy as tf.Tensor;
        const dbeta = channelSums(d);
        // sum dy * xhat = rstd * sum dy * centred
        const dgamma = tf.mul(channelSums(tf.mul(d, cs)), rs);
        const shifted = tf.sub(d, tf.div(dbeta, n));
        const coef = tf.div(tf.mul(tf.mul(sc, rs), dgamma), n);
        const dx = tf.sub(tf.mul(shifted, sc), tf.mul(cs, coef));
        return [dx, tf.reshape(dgamma, [c]), tf.reshape(dbeta, [c])];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor2D;
  return { y, mean: stats!.mean, variance: stats!.variance };
}
