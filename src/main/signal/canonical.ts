// One record -> the canonical shape: 12 standard leads, mV, target rate, fixed length, lead-major.
import { CANONICAL_DEFAULTS, LEAD_COUNT, STANDARD_LEADS } from '../../shared/leads.js';
import type { Reading } from '../formats/types.js';
import { MAX_BRIDGED_GAP_SECONDS, fillGaps, hasNaN } from './gaps.js';
import { mapLeads, type LeadMap, type LeadStatus, type LeadTerm } from './leads.js';
import { limbLeadsFromIandII, withinSignals } from './limb.js';
import { filterBank, inputSupport, resampleInto, resampleRatio } from './resample.js';
import { unitScaleToMv } from './units.js';
import { WINDOW_RULES, chooseWindow, type WindowRule } from './window.js';

export interface CanonicalSettings {
  /** Output rate in Hz (default 100). */
  readonly rate?: number;
  /** Output samples per lead (default 1000). */
  readonly length?: number;
  /** Which window of a longer record (default 'cleanest', see window.ts). */
  readonly window?: WindowRule;
}

export interface Canonical {
  /** 12 * length samples in mV, lead-major (lead l at l*length ... (l+1)*length-1), STANDARD_LEADS order. */
  readonly data: Float32Array;
  readonly leadStatus: LeadStatus[];
  readonly missingLeads: string[];
  readonly derivedLeads: string[];
  /** Channels that are no standard lead or could not be used (Frank X/Y/Z, pressure, all-NaN). */
  readonly unmatchedChannels: string[];
  /** First source sample of the window. */
  readonly windowStart: number;
  /** Output samples that hold signal; the rest of each lead is zero padding. */
  readonly validLength: number;
  /** NaN source samples inside the window, over the channels used. */
  readonly nanCount: number;
  readonly warnings: string[];
}

// Scratch for the resampled channels, reused across calls: canonicalize runs once per record of a
// million-record import, and allocation would cost more than the arithmetic.
let scratch = new Float64Array(0);

/**
 * Bring a reading to the canonical shape. Channels that are not a voltage are ignored; a channel
 * that is all NaN in the window counts as absent, so its lead is derived if two limb leads remain.
 * NaN gaps up to 50 ms are bridged linearly before filtering; inside longer gaps the output is 0.
 * Resampling is scipy's resample_poly over the whole record (zero padding beyond its ends), of
 * which the window is cut, so a window in the middle of a record has no edge effects.
 * The result's data is `into` when given with 12 * length samples (overwritten), else a new array.
 */
export function canonicalize(reading: Reading, settings: CanonicalSettings = {}, into?: Float32Array): Canonical {
  const { rate, length, rule } = target(settings);

  const warnings: string[] = [];
  const names = reading.channels.map((c) => c.name);
  const n = Math.min(reading.sigLen, ...reading.signals.map((s) => s.length));
  // Not a voltage, or no calibration (ADC units, not mV): no lead can come from such a channel.
  const scale = reading.channels.map((c) => (c.uncalibrated ? null : unitScaleToMv(c.units)));
  const usable = scale.map((s) => s !== null);
  reading.channels.forEach((c, i) => {
    if (scale[i] !== null || !mapLeads([c.name]).index.some((x) => x !== null)) return;
    warnings.push(c.uncalibrated ? `channel '${c.name}' has no calibration (ADC gain 0): ignored` : `channel '${c.name}' is in '${c.units}', not a voltage: ignored`);
  });
  let map = mapLeads(names, usable);
  // `into` (a caller's reused buffer, e.g. the import's) is zeroed: missing leads and padding stay 0.
  const data = into && into.length === LEAD_COUNT * length ? into.fill(0) : new Float32Array(LEAD_COUNT * length);
  if (n <= 0 || !(reading.fs > 0)) {
    warnings.push(n <= 0 ? 'empty record: all leads zero' : `sampling rate ${reading.fs} Hz is unusable: all leads zero`);
    return finish(data, mapLeads(names, names.map(() => false)), 0, 0, 0, warnings);
  }

  const { up, down } = resampleRatio(reading.fs, rate);
  const bank = filterBank(up, down);
  const choice = chooseWindow({ signals: channelsOf(map).map((c) => reading.signals[c]), n, fs: reading.fs, rate, length, up, down, rule });
  const { first, count } = choice;
  if (count < length) warnings.push(paddingWarning(count, length, rate));
  const support = inputSupport(bank, first, count);
  const lo = Math.max(0, support.lo);
  const hi = Math.min(n, support.hi);
  const winLo = choice.start;
  const winHi = Math.min(n, winLo + Math.ceil((count * down) / up));

  // A channel without a single valid sample in the window is absent: derive its lead instead.
  const dead = channelsOf(map).filter((c) => !hasValid(reading.signals[c], winLo, winHi));
  if (dead.length > 0) {
    dead.forEach((c) => (usable[c] = false));
    warnings.push(`no valid samples in ${dead.map((c) => `'${names[c]}'`).join(', ')}: treated as absent`);
    map = mapLeads(names, usable);
  }

  // Limb leads the cart computed from I and II are rebuilt from them after resampling (limb.ts).
  const lsb = reading.channels.map((c) => (c.gain > 0 ? 1 / c.gain : Number.NaN));
  const rebuilt = limbLeadsFromIandII(map, withinSignals(reading.signals), scale, lsb, lo, hi);
  const used = channelsOf(map, rebuilt);
  if (scratch.length < used.length * count) scratch = new Float64Array(Math.max(used.length * count, 2 * scratch.length));
  const rowOf = new Map<number, number>();
  let nanCount = 0;
  const maxGap = Math.round(MAX_BRIDGED_GAP_SECONDS * reading.fs);
  used.forEach((c, slot) => {
    rowOf.set(c, slot * count);
    const x = reading.signals[c];
    const k = scale[c] as number;
    if (!hasNaN(x, lo, hi)) {
      resampleInto(x, 0, bank, first, count, scratch, slot * count, k);
      return;
    }
    const segment = x.slice(lo, hi);
    for (let i = Math.max(winLo, lo); i < winHi; i++) if (x[i] !== x[i]) nanCount++;
    const gaps = fillGaps(segment, maxGap);
    resampleInto(segment, lo, bank, first, count, scratch, slot * count, k);
    for (const [gs, ge] of gaps.longGaps) {
      // Output j sits at source time (first+j)*down/up; zero those inside the gap.
      const jFrom = Math.max(0, Math.ceil(((gs + lo) * up) / down) - first);
      const jTo = Math.min(count, Math.ceil(((ge + lo) * up) / down) - first);
      for (let j = jFrom; j < jTo; j++) scratch[slot * count + j] = 0;
    }
  });
  if (nanCount > 0) warnings.push(`${nanCount} invalid (NaN) samples in the window: gaps up to ${MAX_BRIDGED_GAP_SECONDS * 1000} ms bridged, longer ones zeroed`);

  assembleLeads(data, length, count, map, rebuilt, rowOf, scratch);
  return finish(data, map, winLo, count, nanCount, warnings);
}

/**
 * The 12 leads into `data` (lead-major, `length` per lead, first `count` written) from the
 * resampled channels in `rows` (channel c at rowOf.get(c)): recorded leads times their sign,
 * rebuilt and derived limb leads as the sum of their terms; missing leads are left as they are.
 */
export function assembleLeads(data: Float32Array, length: number, count: number, map: LeadMap, rebuilt: ReadonlyMap<number, readonly LeadTerm[]>, rowOf: ReadonlyMap<number, number>, rows: Float64Array): void {
  for (let lead = 0; lead < LEAD_COUNT; lead++) {
    const out = lead * length;
    const c = map.index[lead];
    if (c !== null && !rebuilt.has(lead)) {
      const row = rowOf.get(c) as number;
      const s = map.sign[lead];
      for (let j = 0; j < count; j++) data[out + j] = s * rows[row + j];
      continue;
    }
    const terms = rebuilt.get(lead) ?? map.derived[lead];
    if (!terms) continue;
    const [t0, t1] = terms;
    const r0 = rowOf.get(t0.channel) as number;
    if (t1 === undefined) {
      for (let j = 0; j < count; j++) data[out + j] = t0.weight * rows[r0 + j];
    } else {
      const r1 = rowOf.get(t1.channel) as number;
      for (let j = 0; j < count; j++) data[out + j] = t0.weight * rows[r0 + j] + t1.weight * rows[r1 + j];
    }
  }
}

/** The settings with their defaults, checked. */
export function target(settings: CanonicalSettings): { rate: number; length: number; rule: WindowRule } {
  const rate = settings.rate ?? CANONICAL_DEFAULTS.rate;
  const length = settings.length ?? CANONICAL_DEFAULTS.length;
  const rule = settings.window ?? 'cleanest';
  if (!(rate > 0) || !Number.isInteger(length) || length < 1) throw new RangeError(`bad canonical settings: rate ${rate} Hz, length ${length}`);
  if (!WINDOW_RULES.includes(rule)) throw new RangeError(`unknown window rule '${rule}'`);
  return { rate, length, rule };
}

export function paddingWarning(count: number, length: number, rate: number): string {
  return `record gives ${count} of ${length} samples at ${rate} Hz: zero-padded at the end`;
}

/** Source channels the mapped leads read (present ones and the terms of derived ones), ascending. */
export function channelsOf(map: LeadMap, rebuilt: ReadonlyMap<number, readonly LeadTerm[]> = new Map()): number[] {
  const set = new Set<number>();
  map.index.forEach((c, lead) => c !== null && !rebuilt.has(lead) && set.add(c));
  for (const terms of [...map.derived, ...rebuilt.values()]) terms?.forEach((t) => set.add(t.channel));
  return [...set].sort((a, b) => a - b);
}

function hasValid(x: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (x[i] === x[i]) return true;
  return false;
}

export function finish(data: Float32Array, map: LeadMap, windowStart: number, validLength: number, nanCount: number, warnings: string[]): Canonical {
  const missingLeads = STANDARD_LEADS.filter((_, i) => map.status[i] === 'missing');
  const derivedLeads = STANDARD_LEADS.filter((_, i) => map.status[i] === 'derived');
  if (missingLeads.length > 0) warnings.push(`missing leads zero-filled: ${missingLeads.join(', ')}`);
  return {
    data,
    leadStatus: map.status,
    missingLeads,
    derivedLeads,
    unmatchedChannels: map.unmatched,
    windowStart,
    validLength,
    nanCount,
    warnings: [...map.notes, ...warnings],
  };
}
