// `inspect.reconstruct`: one record through an MAE bundle with a chosen mask: the record, the
// decoder's prediction, which patches were hidden, and the error per lead and per patch. Works for
// any record in the store, whether or not its center was in the model's pre-training pool (the
// answer says which, from the run's step record or the bundle's data snapshot).
import { STANDARD_LEADS } from '../../shared/leads.js';
import { ApiError, type ApiParsedInput, type ReconstructionResult } from '../../shared/api.js';
import { describeEngine, reconstructRecord as reconstructOn } from '../ml/infer/index.js';
import { canonicalRecord, rounded, type InspectContext } from './inspect-context.js';
import { describeModel, resolveBundle } from './models.js';

export async function reconstructRecord(ctx: InspectContext, input: ApiParsedInput<'inspect.reconstruct'>): Promise<ReconstructionResult> {
  const t0 = performance.now();
  const detail = ctx.record(input.id);
  const known = describeModel(ctx.workspace, input.bundle);
  if (known.info.task !== 'pretrain-mae') throw new ApiError('invalid-input', `${known.info.path} is a ${known.info.task} bundle; a reconstruction needs an MAE (pretrain-mae) bundle`);
  const engine = await ctx.models.engineOf(resolveBundle(ctx.workspace, input.bundle), 'mae');
  const { data, samples, fs } = canonicalRecord(ctx, detail);
  if (samples !== engine.samples) throw new ApiError('invalid-input', `the model takes ${engine.samples} samples per lead, the store holds ${samples}`);
  const own = engine.bundle.json.method?.maskRatio;
  const maskRatio = input.maskRatio ?? (typeof own === 'number' ? own : 0.75);
  const r = await reconstructOn(engine, data, { maskRatio, seed: input.seed, normalisation: engine.bundle.json.preprocessing.normalisation });
  const P = r.patchSamples;
  const patches = r.mask.length;
  const patchSum = new Float64Array(patches);
  let hiddenSum = 0;
  let hiddenCount = 0;
  const leads = STANDARD_LEADS.map((lead, l) => {
    const original = data.subarray(l * samples, (l + 1) * samples);
    const rec = r.reconstruction.subarray(l * samples, (l + 1) * samples);
    let sum = 0;
    let n = 0;
    for (let t = 0; t < samples; t++) {
      const e = (rec[t] - original[t]) ** 2;
      const p = Math.min(patches - 1, Math.floor(t / P));
      patchSum[p] += e;
      if (r.mask[p]) {
        sum += e;
        n++;
      }
    }
    hiddenSum += sum;
    hiddenCount += n;
    return { lead, original: rounded(original), reconstruction: rounded(rec), mse: n ? sum / n : null };
  });
  const center = detail.center;
  return {
    id: detail.id,
    center,
    model: known.info,
    engine: describeEngine(engine.info),
    centerInPool: known.info.pool ? known.info.pool.includes(center) : null,
    fs,
    maskRatio,
    seed: input.seed,
    patchSamples: P,
    mask: Array.from(r.mask, (m) => (m ? 1 : 0)),
    leads,
    patchMse: Array.from(patchSum, (s) => s / (P * STANDARD_LEADS.length)),
    maskedMse: hiddenCount ? hiddenSum / hiddenCount : null,
    ms: +(performance.now() - t0).toFixed(1),
  };
}
