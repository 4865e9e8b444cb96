// Occlusion saliency (Zeiler & Fergus 2014) for one record and one class: which parts of which
// lead the class probability depends on. Chosen over integrated gradients because it needs only
// the model's forward pass, so it works the same for every inference engine (TF.js today; an ONNX
// Runtime engine can pass its own forward), and its numbers read directly as probability.
//
// For each lead and each window [s, s + window) (s = 0, stride, 2 x stride, ..., plus one window
// ending at the record's end so the tail is covered), the window's samples of that lead alone are
// set to `baseline` mV and the record is scored again. A sample's saliency is the mean, over the
// windows that cover it, of p(class | record) - p(class | occluded record): positive where hiding
// the signal lowers the probability (evidence for the class), negative where it raises it.
// Cost: leads x windows forward passes (12 x 39 for 1000 samples, window 50, stride 25), batched.

/** Probabilities [n x classes], record-major, for n records of leads x samples (mV). */
export type ForwardFn = (records: Float32Array, n: number) => Float32Array | Promise<Float32Array>;

export interface OcclusionOptions {
  readonly classIndex: number;
  /** Window length in samples (default 50: 0.5 s at the canonical 100 Hz). */
  readonly window?: number;
  /** Step between window starts in samples (default window / 2). */
  readonly stride?: number;
  /** Value occluded samples take, mV (default 0: the isoelectric line). */
  readonly baseline?: number;
  /** Records per forward call (default 32). */
  readonly batch?: number;
}

export interface OcclusionSaliency {
  /** Per lead, per sample: mean probability drop of the windows covering the sample. */
  readonly leads: Float32Array[];
  /** The class probability of the unoccluded record. */
  readonly probability: number;
  readonly window: number;
  readonly stride: number;
  readonly baseline: number;
  readonly forwards: number;
}

/** Window starts covering [0, samples): every stride, plus one flush with the end. */
export function windowStarts(samples: number, window: number, stride: number): number[] {
  const w = Math.min(window, samples);
  const starts: number[] = [];
  for (let s = 0; s + w <= samples; s += stride) starts.push(s);
  const last = samples - w;
  if (starts[starts.length - 1] !== last) starts.push(last);
  return starts;
}

export async function occlusionSaliency(forward: ForwardFn, record: Float32Array, leads: number, options: OcclusionOptions): Promise<OcclusionSaliency> {
  const samples = record.length / leads;
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`record has ${record.length} values, not a multiple of ${leads} leads`);
  const window = Math.min(options.window ?? 50, samples);
  const stride = Math.max(1, options.stride ?? Math.max(1, Math.floor(window / 2)));
  const baseline = options.baseline ?? 0;
  const batch = Math.max(1, options.batch ?? 32);
  const c = options.classIndex;
  const first = await forward(record, 1);
  const classes = first.length;
  if (c < 0 || c >= classes) throw new RangeError(`class ${c} outside the model's ${classes} classes`);
  const base = first[c];

  const starts = windowStarts(samples, window, stride);
  const jobs: { lead: number; start: number }[] = [];
  for (let l = 0; l < leads; l++) for (const start of starts) jobs.push({ lead: l, start });

  const sum = Array.from({ length: leads }, () => new Float64Array(samples));
  const cover = Array.from({ length: leads }, () => new Uint16Array(samples));
  const size = record.length;
  for (let i = 0; i < jobs.length; i += batch) {
    const part = jobs.slice(i, i + batch);
    const x = new Float32Array(part.length * size);
    part.forEach((j, r) => {
      x.set(record, r * size);
      const from = r * size + j.lead * samples + j.start;
      x.fill(baseline, from, from + window);
    });
    const p = await forward(x, part.length);
    part.forEach((j, r) => {
      const drop = base - p[r * classes + c];
      const s = sum[j.lead];
      const k = cover[j.lead];
      for (let t = j.start; t < j.start + window; t++) {
        s[t] += drop;
        k[t]++;
      }
    });
  }
  const out = sum.map((s, l) => Float32Array.from(s, (v, t) => (cover[l][t] ? v / cover[l][t] : 0)));
  return { leads: out, probability: base, window, stride, baseline, forwards: jobs.length + 1 };
}
