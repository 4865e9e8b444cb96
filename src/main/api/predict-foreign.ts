// `inspect.predict` for a foreign bundle (ONNX + model card): the record is read again from its
// source file (ml/foreign/source.ts), brought to the card's input spec and scored; the answer lists
// the card's outputs under their own names (with our class where the card maps one, and the
// record's label where the catalog knows it), and the 12 leads at the model's rate and length, in
// mV, as the model's window holds them before its filter and normalisation, so the viewer draws
// what was scored. Occlusion saliency runs at the model's rate on its input tensor: the window and
// stride are given in 100 Hz samples (as for our models) and scaled to the rate; occluded samples
// take `baseline` in the model's input units (after its filter and normalisation: 0 is a lead's
// mean under a z-score). Leads the model does not take get zero saliency.
import { STANDARD_LEADS, type StandardLead } from '../../shared/leads.js';
import { ApiError, type ApiParsedInput, type PredictionResult } from '../../shared/api.js';
import { SourceReader } from '../ml/foreign/source.js';
import { occlusionSaliency, type ForwardFn } from '../ml/saliency.js';
import { canonicalize } from '../signal/canonical.js';
import { prepareModelInput, type ModelInput } from '../signal/model-input.js';
import { rounded, type InspectContext } from './inspect-context.js';
import { resolveBundle, type KnownModel } from './models.js';

const DEFAULT_THRESHOLD = 0.5;

/** [leads, samples] from [samples, leads] (n records, record-major), or back. */
function transpose(x: Float32Array, n: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  const size = rows * cols;
  for (let r = 0; r < n; r++) for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[r * size + j * rows + i] = x[r * size + i * cols + j];
  return out;
}

export async function predictForeign(ctx: InspectContext, input: ApiParsedInput<'inspect.predict'>, known: KnownModel): Promise<PredictionResult> {
  const t0 = performance.now();
  const detail = ctx.record(input.id);
  const session = await ctx.models.foreign(resolveBundle(ctx.workspace, input.bundle));
  const { card, mapping } = session;
  const spec = card.input;
  const k = card.output.classes.length;
  if (input.saliency && input.saliency.classIndex >= k) throw new ApiError('invalid-input', `saliency.classIndex ${input.saliency.classIndex}: the model has ${k} outputs`);
  let reading;
  let prepared: ModelInput;
  try {
    reading = await new SourceReader(ctx.workspace, ctx.catalog()).read(detail);
    prepared = prepareModelInput(reading, spec);
  } catch (err) {
    // Reader messages may name the file; a site record's path may carry a patient's name.
    const site = detail.sourcePath.startsWith('site:');
    throw new ApiError('invalid-input', `record ${detail.record} cannot be brought to ${card.name}'s input: ${site ? 'its file cannot be read or does not fit' : (err as Error).message.split('\n')[0]}`);
  }
  const nlc = spec.layout === 'NLC';
  const leadCount = spec.leads.length;
  // Lead-major [leads, samples] for the occlusion; the forward puts each record back in the card's layout.
  const lm = nlc ? transpose(prepared.data, 1, spec.samples, leadCount) : prepared.data;
  const forward: ForwardFn = (x, n) => session.run(nlc ? transpose(x, n, leadCount, spec.samples) : x, n);
  const p = await forward(lm, 1);
  const labelled = new Set(detail.labels.map((l) => l.code));
  const ours = new Set(detail.labels.map((l) => l.classIndex).filter((i): i is number => i !== null));
  // A code the catalog holds somewhere: a record without it is known not to carry it.
  const anywhere = ctx.catalog().db.prepare('SELECT 1 FROM labels WHERE code = ? LIMIT 1').pluck();
  const thresholds = card.output.thresholds ?? null;
  let saliency: PredictionResult['saliency'] = null;
  if (input.saliency) {
    const s0 = performance.now();
    const scale = spec.rate / 100;
    const window = Math.max(2, Math.round(input.saliency.window * scale));
    const stride = Math.max(1, Math.round(input.saliency.stride * scale));
    const s = await occlusionSaliency(forward, lm, leadCount, { classIndex: input.saliency.classIndex, window, stride, baseline: input.saliency.baseline });
    const zeros = new Array<number>(spec.samples).fill(0);
    saliency = {
      classIndex: input.saliency.classIndex,
      window: s.window,
      stride: s.stride,
      baseline: s.baseline,
      leads: STANDARD_LEADS.map((lead) => {
        const i = spec.leads.indexOf(lead);
        return i < 0 ? zeros : rounded(s.leads[i], 6);
      }),
      forwards: s.forwards,
      ms: +(performance.now() - s0).toFixed(1),
    };
  }
  // The 12 leads of the model's window at its rate (the same canonicalize call prepareModelInput makes).
  const shown = canonicalize(reading, { rate: spec.rate, length: spec.samples, window: 'cleanest' });
  return {
    id: detail.id,
    center: detail.center,
    model: known.info,
    engine: `${session.info.engine} (${session.info.provider}${session.info.threads ? `, ${session.info.threads} threads` : ''})`,
    thresholdsFrom: thresholds ? 'card' : 'default',
    classes: mapping.map((m, i) => ({
      index: i,
      abbreviation: m.name,
      name: m.abbreviation ? `${m.name} (our ${m.abbreviation})` : m.snomed ? `${m.name} (SNOMED-CT ${m.snomed})` : m.name,
      probability: p[i],
      threshold: thresholds ? thresholds[i] : DEFAULT_THRESHOLD,
      label: m.classIndex !== null ? ours.has(m.classIndex) : m.snomed !== null && anywhere.get(m.snomed) !== undefined ? labelled.has(m.snomed) : null,
      mapped: m.abbreviation,
      snomed: m.snomed,
    })),
    foreign: {
      name: card.name,
      version: card.version,
      activation: card.output.activation,
      rate: spec.rate,
      samples: spec.samples,
      leads: [...spec.leads],
      windowStart: prepared.windowStart,
      paddedSamples: prepared.paddedSamples,
      warnings: [...prepared.warnings],
    },
    fs: spec.rate,
    leads: STANDARD_LEADS.map((lead: StandardLead, l) => ({ lead, samples: rounded(shown.data.subarray(l * spec.samples, (l + 1) * spec.samples)) })),
    saliency,
    ms: +(performance.now() - t0).toFixed(1),
  };
}
