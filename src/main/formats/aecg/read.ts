// An HL7 aECG file as a Reading: the rhythm series' first sequence set is the record, a derived
// (representative / median beat) series goes to `median`, annotations become comments and the
// trial subject goes to `patient`.
import { basename } from 'node:path';
import { LEAD_NUMBERS, leadKey, leadOfCode, standardLeadName } from '../clinical/leads.js';
import { STANDARD_LEADS } from '../../../shared/leads.js';
import { sampleRange } from '../clinical/range.js';
import { FormatError, type ChannelInfo, type MedianBeats, type Reading, type ReadOptions } from '../types.js';
import { parseAecg, type AecgSeries, type Quantity } from './parse.js';

const UNITS_PER_MV: Readonly<Record<string, number>> = { uV: 1000, mV: 1, V: 1e-3, nV: 1e6 };
const SECONDS: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6 };

const KNOWN = new Set([...STANDARD_LEADS, 'V7', 'V8', 'V9', 'V3R', 'V4R', 'V5R', 'V6R', 'X', 'Y', 'Z'].map(leadKey));

/** MDC's numeric lead codes are 2^17 plus the EN 1064 lead number (131073 = MDC_ECG_LEAD_I). */
const MDC_LEAD_BASE = 131072;

/** The lead a sequence code names: MDC names, numeric MDC codes, vendor spellings ('LEAD_I', 'I'). */
function leadName(code: string): string {
  const numeric = /^\d{6}$/.test(code.trim()) ? LEAD_NUMBERS[Number(code) - MDC_LEAD_BASE] : undefined;
  return numeric ?? leadOfCode(code) ?? standardLeadName(code);
}

interface Decoded {
  readonly fs: number;
  readonly count: number;
  readonly head?: string;
  readonly channels: ChannelInfo[];
  readonly signals: Float64Array[];
  readonly warnings: string[];
}

/** Physical signals of a series' first sequence set that holds leads. */
function decodeSeries(path: string, s: AecgSeries): Decoded {
  const where = `${path}: ${s.code || 'series'}`;
  const set = s.sets.find((seqs) => seqs.some((q) => q.type === 'SLIST_PQ'));
  if (!set) throw new FormatError('no-waveform', `${where}: no sequence set with SLIST_PQ leads`);
  const time = set.find((q) => q.type === 'GLIST_TS' || q.type === 'GLIST_PQ');
  const inc = time?.increment;
  const warnings: string[] = [];
  let perSecond = inc ? SECONDS[inc.unit] : undefined;
  // An increment without a unit: seconds when that gives an ECG's rate (50 Hz to 20 kHz); otherwise it is anyone's guess.
  if (inc && !inc.unit && inc.value > 0 && 1 / inc.value >= 50 && 1 / inc.value <= 20000) {
    perSecond = 1;
    warnings.push(`${s.code || 'series'}: time increment ${inc.value} has no unit: read as seconds (${Number((1 / inc.value).toPrecision(12))} Hz)`);
  }
  if (!inc || perSecond === undefined || !(inc.value > 0)) {
    throw new FormatError('aecg', `${where}: no time sequence with a usable increment (GLIST_TS or GLIST_PQ in s or ms${inc ? `; found ${inc.value}${inc.unit ? ` ${inc.unit}` : ' without a unit'}` : ''})`);
  }
  if (s.sets.length > 1) warnings.push(`${s.code || 'series'}: ${s.sets.length - 1} more sequence set(s) not read`);
  const leads = set.filter((q) => q.type === 'SLIST_PQ');
  const others = set.filter((q) => q !== time && q.type !== 'SLIST_PQ');
  if (others.length) warnings.push(`${s.code || 'series'}: sequences of type ${[...new Set(others.map((q) => q.type))].join(', ')} not read`);
  const count = leads[0].count;
  const bad = leads.find((q) => q.count !== count);
  if (bad) throw new FormatError('length', `${where}: lead ${bad.code} has ${bad.count} samples, ${leads[0].code} has ${count}`);
  const channels: ChannelInfo[] = [];
  const signals: Float64Array[] = [];
  const noOrigin: string[] = [];
  const unknown: string[] = [];
  for (const q of leads) {
    const scale: Quantity | undefined = q.scale;
    if (!scale || !(scale.value !== 0)) throw new FormatError('aecg', `${where}: lead ${q.code} has no scale`);
    // Origin is required by the schema but carts leave it out when it is 0.
    if (!q.origin) noOrigin.push(q.code);
    const origin: Quantity = q.origin ?? { value: 0, unit: scale.unit };
    const name = leadName(q.code);
    if (!KNOWN.has(leadKey(name))) unknown.push(q.code);
    const scalePerMv = UNITS_PER_MV[scale.unit];
    const originPerMv = UNITS_PER_MV[origin.unit];
    const volts = scalePerMv !== undefined && originPerMv !== undefined;
    if (!volts) warnings.push(`lead ${q.code}: units '${scale.unit}' kept as written`);
    const digits = q.digits ?? new Float64Array(0);
    const sig = new Float64Array(digits.length);
    const sDiv = volts ? scalePerMv : 1;
    const oMv = volts ? origin.value / originPerMv : origin.value;
    // Digit x scale in its unit, then to mV, plus the origin in mV (the reference readers' order).
    for (let k = 0; k < digits.length; k++) sig[k] = (digits[k] * scale.value) / sDiv + oMv;
    channels.push({ name, units: volts ? 'mV' : scale.unit, fmt: 'aecg-slist-pq', gain: sDiv / scale.value, baseline: (-oMv * sDiv) / scale.value });
    signals.push(sig);
  }
  const list = (codes: string[]) => (codes.length === leads.length ? 'every lead' : codes.join(', '));
  if (noOrigin.length) warnings.push(`${s.code || 'series'}: no origin for ${list(noOrigin)}: 0 assumed`);
  if (unknown.length) warnings.push(`${s.code || 'series'}: lead code${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `'${c}'`).join(', ')} name no lead this reader knows: kept as written`);
  return { fs: 1 / (inc.value * perSecond), count, ...(time?.head ? { head: time.head } : {}), channels, signals, warnings };
}

function isoDateTime(ts: string | undefined): { date?: string; time?: string } {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2}(?:\.\d+)?)?/.exec(ts ?? '');
  if (!m) return {};
  return { date: `${m[1]}-${m[2]}-${m[3]}`, ...(m[4] ? { time: `${m[4]}:${m[5] ?? '00'}:${m[6] ?? '00'}` } : {}) };
}

export async function readAecg(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const doc = await parseAecg(path, opts.from ?? 0, opts.to ?? Infinity);
  const rhythm = doc.series.find((s) => !s.derived && /rhythm/i.test(s.code)) ?? doc.series.find((s) => !s.derived);
  if (!rhythm) throw new FormatError('no-waveform', `${path}: aECG without a rhythm series`);
  const rec = decodeSeries(path, rhythm);
  const { from, to } = sampleRange(rec.count, opts, path);
  const derived = doc.series.find((s) => s.derived && /representative|median/i.test(s.code)) ?? doc.series.find((s) => s.derived);
  let median: MedianBeats | undefined;
  const warnings = [...rec.warnings];
  if (derived) {
    try {
      const m = decodeSeries(path, derived);
      median = { fs: m.fs, sigLen: m.count, channels: m.channels, signals: m.signals };
    } catch (err) {
      // The record stands without its median beats.
      if (!(err instanceof FormatError)) throw err;
      warnings.push(`derived series not read: ${err.message}`);
    }
  }
  const when = isoDateTime(rec.head);
  return {
    record: basename(path),
    fs: rec.fs,
    sigLen: to - from,
    totalLen: rec.count,
    channels: rec.channels,
    signals: rec.signals,
    comments: [
      'Format: HL7 aECG',
      ...(doc.measurements.length ? [`Measurements: ${doc.measurements.join(', ')}`] : []),
      ...doc.statements.map((s) => `Statement: ${s}`),
      ...(doc.beats ? [`Beats annotated: ${doc.beats}`] : []),
    ],
    warnings,
    ...(when.time ? { baseTime: when.time } : {}),
    ...(when.date ? { baseDate: when.date } : {}),
    patient: doc.patient,
    ...(median ? { median } : {}),
  };
}
