// `inspect.predict`: one record through a classifier bundle: the 24 class probabilities beside the
// record's labels and the thresholds in use (the run step's validation thresholds when the bundle
// is a step of a run in this workspace, else 0.5), and optionally an occlusion saliency for a class
// (src/main/ml/saliency.ts).
// Inference: the bundle's engine (src/main/ml/infer: ONNX Runtime, else TensorFlow.js); the
// saliency runs through the same forward.
import { CLASSES } from '../../shared/classes.js';
import { STANDARD_LEADS } from '../../shared/leads.js';
import { ApiError, type ApiParsedInput, type PredictionResult } from '../../shared/api.js';
import { describeEngine, sigmoid } from '../ml/infer/index.js';
import { normalizeBatch } from '../ml/normalize.js';
import { occlusionSaliency, type ForwardFn } from '../ml/saliency.js';
import { canonicalRecord, rounded, type InspectContext } from './inspect-context.js';
import { describeModel, resolveBundle } from './models.js';
import { predictForeign } from './predict-foreign.js';


export const DEFAULT_THRESHOLD = 0.5;

export async function predictRecord(ctx: InspectContext, input: ApiParsedInput<'inspect.predict'>): Promise<PredictionResult> {
  const t0 = performance.now();
  const detail = ctx.record(input.id);
  const known = describeModel(ctx.workspace, input.bundle);
  if (known.info.foreign) return predictForeign(ctx, input, known);
  if (input.saliency && input.saliency.classIndex >= CLASSES.length) throw new ApiError('invalid-input', `saliency.classIndex ${input.saliency.classIndex}: the model has ${CLASSES.length} classes`);
  if (known.info.task !== 'classifier' && known.info.task !== 'probe') throw new ApiError('invalid-input', `${known.info.path} is a ${known.info.task} bundle; predictions need a classifier or probe bundle`);
  const engine = await ctx.models.engineOf(resolveBundle(ctx.workspace, input.bundle), 'classifier');
  const { data, samples, fs } = canonicalRecord(ctx, detail);
  if (samples !== engine.samples) throw new ApiError('invalid-input', `the model takes ${engine.samples} samples per lead, the store holds ${samples}`);
  const k = engine.classes;
  const normalisation = engine.bundle.json.preprocessing.normalisation;
  const forward: ForwardFn = async (x, n) => Float32Array.from(await engine.logits(normalizeBatch(x, n, engine.leads, normalisation).data, n), sigmoid);
  const p = await forward(data, 1);
  const labelled = new Set(detail.labels.map((l) => l.classIndex).filter((i): i is number => i !== null));
  const thresholds = known.thresholds && known.thresholds.length === k ? known.thresholds : null;
  let saliency: PredictionResult['saliency'] = null;
  if (input.saliency) {
    const s0 = performance.now();
    const s = await occlusionSaliency(forward, data, STANDARD_LEADS.length, input.saliency);
    saliency = {
      classIndex: input.saliency.classIndex,
      window: s.window,
      stride: s.stride,
      baseline: s.baseline,
      leads: s.leads.map((l) => rounded(l, 6)),
      forwards: s.forwards,
      ms: +(performance.now() - s0).toFixed(1),
    };
  }
  return {
    id: detail.id,
    center: detail.center,
    model: known.info,
    engine: describeEngine(engine.info),
    thresholdsFrom: thresholds ? 'run' : 'default',
    classes: CLASSES.map((c) => ({
      index: c.index,
      abbreviation: c.abbreviation,
      name: c.name,
      probability: p[c.index],
      threshold: thresholds ? thresholds[c.index] : DEFAULT_THRESHOLD,
      label: labelled.has(c.index),
    })),
    fs,
    leads: STANDARD_LEADS.map((lead, l) => ({ lead, samples: rounded(data.subarray(l * samples, (l + 1) * samples)) })),
    saliency,
    ms: +(performance.now() - t0).toFixed(1),
  };
}
