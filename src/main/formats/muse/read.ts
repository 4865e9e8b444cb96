// A GE MUSE RestingECG file as a Reading: the Rhythm waveform is the record (III, aVR, aVL, aVF
// derived where only I and II are stored), the Median waveform goes to `median`.
import { basename } from 'node:path';
import { deriveLimbLeads, standardLeadName, standardOrder, type LeadSet } from '../clinical/leads.js';
import { sampleRange } from '../clinical/range.js';
import { FormatError, type MedianBeats, type Reading, type ReadOptions } from '../types.js';
import { parseMuse, type MuseWaveform } from './parse.js';

interface Built extends LeadSet {
  readonly length: number;
  readonly derived: string[];
  readonly warnings: string[];
}

/** Physical signals of one waveform over [from, to), with the limb leads it lacks derived. */
function build(wave: MuseWaveform, from: number, to: number): Built {
  const warnings: string[] = [];
  const set: LeadSet = { channels: [], signals: [] };
  const counts: Record<string, Int16Array> = {};
  for (const lead of wave.leads) {
    const name = standardLeadName(lead.id);
    const n = Math.max(0, Math.min(to, lead.counts.length) - from);
    if (lead.counts.length < to) warnings.push(`${wave.type} lead ${name}: ${lead.counts.length} samples, shorter than the others (padded with invalid samples)`);
    if (lead.leadOff) warnings.push(`${wave.type} lead ${name}: the device flagged the lead off`);
    const sig = new Float64Array(to - from).fill(NaN);
    // Counts x units per bit, then to mV: the order the MUSE reference readings use.
    const { unitsPerBit, unitsPerMv } = lead;
    for (let k = 0; k < n; k++) sig[k] = (lead.counts[from + k] * unitsPerBit) / unitsPerMv;
    set.channels.push({ name, units: 'mV', fmt: 'muse-int16', gain: 1 / lead.mvPerCount, baseline: 0 });
    set.signals.push(sig);
    if (name === 'I' || name === 'II') counts[name] = lead.counts.subarray(from, to);
  }
  const i = wave.leads.find((l) => standardLeadName(l.id) === 'I');
  const ii = wave.leads.find((l) => standardLeadName(l.id) === 'II');
  let derived: string[] = [];
  if (i && ii && counts.I && counts.II && i.mvPerCount === ii.mvPerCount && counts.I.length === to - from && counts.II.length === to - from) {
    derived = deriveLimbLeads(set, { I: counts.I, II: counts.II }, (c) => (c * i.unitsPerBit) / i.unitsPerMv);
  }
  if (derived.length) warnings.push(`${wave.type}: derived ${derived.join(', ')} from I and II (not stored in the file)`);
  const ordered = standardOrder(set);
  return { ...ordered, length: to - from, derived, warnings };
}

/** MUSE writes MM-DD-YYYY; other spellings pass through. */
function isoDate(d: string): string {
  const m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(d);
  return m ? `${m[3]}-${m[1]}-${m[2]}` : d;
}

function findWave(waves: readonly MuseWaveform[], type: string): MuseWaveform | undefined {
  return waves.find((w) => w.type.toLowerCase() === type && w.leads.length > 0);
}

export async function readMuse(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const doc = await parseMuse(path);
  const rhythm = findWave(doc.waveforms, 'rhythm');
  if (!rhythm) throw new FormatError('no-waveform', `${path}: MUSE file without a Rhythm waveform (found: ${doc.waveforms.map((w) => w.type).join(', ') || 'none'})`);
  const total = Math.max(...rhythm.leads.map((l) => l.counts.length));
  const { from, to } = sampleRange(total, opts, path);
  const rec = build(rhythm, from, to);
  const medianWave = findWave(doc.waveforms, 'median');
  let median: MedianBeats | undefined;
  if (medianWave) {
    const m = build(medianWave, 0, Math.max(...medianWave.leads.map((l) => l.counts.length)));
    median = { fs: medianWave.fs, sigLen: m.length, channels: m.channels, signals: m.signals };
  }
  const comments = [
    `Format: GE MUSE RestingECG XML${doc.version ? ` (MUSE ${doc.version})` : ''}`,
    ...(doc.measurements.length ? [`Measurements: ${doc.measurements.join(', ')}`] : []),
    ...doc.diagnosis.map((s) => `Diagnosis: ${s}`),
    ...doc.originalDiagnosis.map((s) => `Original diagnosis: ${s}`),
  ];
  return {
    record: basename(path),
    fs: rhythm.fs,
    sigLen: rec.length,
    totalLen: total,
    channels: rec.channels,
    signals: rec.signals,
    comments,
    warnings: [...doc.warnings, ...rec.warnings],
    ...(doc.acquisitionTime ? { baseTime: doc.acquisitionTime } : {}),
    ...(doc.acquisitionDate ? { baseDate: isoDate(doc.acquisitionDate) } : {}),
    patient: doc.patient,
    ...(median ? { median } : {}),
  };
}
