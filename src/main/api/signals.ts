// `record.signals`: one record's twelve leads for the viewer, raw (its own file, own rate, a window)
// or canonical (the store row), in mV, filtered on request, with the R peaks of the window.
import { LEAD_COUNT, STANDARD_LEADS } from '../../shared/leads.js';
import { ApiError, MAX_WINDOW_SECONDS, type ApiParsedInput, type Signals } from '../../shared/api.js';
import type { RecordDetail } from '../catalog/index.js';
import { readRecord } from '../formats/index.js';
import { applyFilters, planFilters, type FilterPlan } from '../signal/filters.js';
import { mapLeads, type LeadStatus } from '../signal/leads.js';
import { detectRPeaksMulti, heartRate } from '../signal/qrs.js';
import type { ShardStore } from '../signal/store.js';
import { unitScaleToMv } from '../signal/units.js';

/** What a window shows when the caller names no end: the standard 10 s of a 12-lead report. */
export const DEFAULT_WINDOW_SECONDS = 10;

type Input = ApiParsedInput<'record.signals'>;

interface Leads {
  readonly data: Float64Array[];
  readonly status: LeadStatus[];
}

export async function rawSignals(detail: RecordDetail, input: Input): Promise<Signals> {
  const fs = detail.fs;
  const total = detail.sigLen;
  const from = Math.min(input.from ?? 0, Math.max(0, total - 1));
  const wanted = input.to ?? from + Math.round(DEFAULT_WINDOW_SECONDS * fs);
  const to = Math.min(wanted, total);
  if (wanted - from > MAX_WINDOW_SECONDS * fs) {
    throw new ApiError('invalid-input', `record.signals: a window holds at most ${MAX_WINDOW_SECONDS} s (${MAX_WINDOW_SECONDS * fs} samples at ${fs} Hz); read long records in windows`);
  }
  const plan = planFilters(fs, input.filters);
  // Read a run-in on both sides so the filters settle before the window starts.
  const lo = Math.max(0, from - plan.settle);
  const hi = Math.min(total, to + plan.settle);
  const reading = await readRecord(detail.sourcePath, { from: lo, to: hi });
  const scale = reading.channels.map((c) => unitScaleToMv(c.units));
  const map = mapLeads(
    reading.channels.map((c) => c.name),
    scale.map((s) => s !== null),
  );
  const n = Math.min(reading.sigLen, ...reading.signals.map((s) => s.length));
  const channel = (c: number) => {
    const k = scale[c] as number;
    const x = reading.signals[c];
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = x[i] * k;
    return out;
  };
  const data: Float64Array[] = [];
  for (let lead = 0; lead < LEAD_COUNT; lead++) {
    const c = map.index[lead];
    const terms = map.derived[lead];
    const out = new Float64Array(n);
    if (c !== null) {
      const x = channel(c);
      for (let i = 0; i < n; i++) out[i] = map.sign[lead] * x[i];
    } else if (terms) {
      for (const t of terms) {
        const x = channel(t.channel);
        for (let i = 0; i < n; i++) out[i] += t.weight * x[i];
      }
    } else out.fill(Number.NaN);
    data.push(out);
  }
  const notes = [...map.notes, ...reading.warnings];
  const cut = { start: from - lo, length: Math.min(to, lo + n) - from };
  return finish(detail.id, 'raw', fs, from, from + cut.length, total, { data, status: map.status }, plan, cut, notes);
}

export function canonicalSignals(detail: RecordDetail, store: ShardStore, input: Input): Signals {
  if (detail.shard === null || detail.offset === null) throw new ApiError('not-found', `record ${detail.id} has no canonical signal in the store`);
  const row = store.read(detail.shard, detail.offset);
  const length = store.length;
  const missing = new Set(detail.missingLeads);
  const status: LeadStatus[] = STANDARD_LEADS.map((l) => (missing.has(l) ? 'missing' : 'present'));
  const data = STANDARD_LEADS.map((_, lead) => {
    const out = Float64Array.from(row.subarray(lead * length, (lead + 1) * length));
    // Zero-filled leads are absent, not flat: show no trace rather than a line at 0 mV.
    if (status[lead] === 'missing') out.fill(Number.NaN);
    return out;
  });
  const from = Math.min(input.from ?? 0, length - 1);
  const to = Math.min(input.to ?? length, length);
  const plan = planFilters(store.rate, input.filters);
  const notes = [`canonical store: ${store.rate} Hz, ${length} samples, the window chosen at import`];
  if (detail.paddedS > 0) notes.push(`the record is shorter than the window: its last ${detail.paddedS.toFixed(2)} s are zero padding`);
  return finish(detail.id, 'canonical', store.rate, from, to, length, { data, status }, plan, { start: from, length: to - from }, notes);
}

function finish(
  id: number,
  source: 'raw' | 'canonical',
  fs: number,
  from: number,
  to: number,
  totalLen: number,
  leads: Leads,
  plan: FilterPlan,
  cut: { start: number; length: number },
  notes: string[],
): Signals {
  const shown = leads.data.map((x) => x.subarray(cut.start, cut.start + cut.length));
  // Beats are found on the unfiltered window: the detector has its own band-pass.
  const usable = shown.filter((_, lead) => leads.status[lead] !== 'missing');
  const peaks = detectRPeaksMulti(usable, fs);
  const { bpm, rr } = heartRate(peaks, fs);
  const traces = leads.data.map((x, lead) => {
    const filtered = plan.sections.length > 0 && leads.status[lead] !== 'missing' ? applyFilters(x, plan) : x;
    return {
      lead: STANDARD_LEADS[lead],
      status: leads.status[lead],
      samples: toJson(filtered.subarray(cut.start, cut.start + cut.length)),
    };
  });
  return {
    id,
    source,
    fs,
    from,
    to,
    totalLen,
    leads: traces,
    filters: plan.applied,
    notes: [...notes, ...plan.notes],
    rhythm: { rPeaks: Array.from(peaks), bpm: Number.isFinite(bpm) ? bpm : null, rrMs: Array.from(rr) },
  };
}

/** mV rounded to 0.1 uV (far below any ECG's resolution, and it halves the JSON); NaN -> null. */
function toJson(x: Float64Array): (number | null)[] {
  const out = new Array<number | null>(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
  }
  return out;
}
