// What the clinical writers (DICOM, HL7 aECG, SCP-ECG) take: leads in mV on one time axis, an
// amplitude step, and what the file may say beside the signal (patient, acquisition time,
// diagnosis statements, median beats). One quantisation for all three, so a record written in
// any of them reads back to the same integers.
import { FormatError, type PatientIdentity, type Reading } from '../types.js';
import { statementsOf } from './statements.js';

export interface WritableBeats {
  readonly fs: number;
  /** Lead names, same spelling rules as WritableEcg.leads. */
  readonly leads: readonly string[];
  /** mV. */
  readonly signals: readonly Float64Array[];
  /** Amplitude step in µV (default: the rhythm's). */
  readonly stepUv?: number;
}

export interface WritableEcg {
  readonly fs: number;
  /** Standard lead names ('I', 'II', 'III', 'aVR', ..., 'V6'); others are written as found. */
  readonly leads: readonly string[];
  /** One array per lead, mV, all the same length. */
  readonly signals: readonly Float64Array[];
  /** Amplitude step in µV every lead is quantised to (default: `amplitudeStepUv`). */
  readonly stepUv?: number;
  readonly patient?: PatientIdentity;
  /** Acquisition date and time, 'YYYY-MM-DD' and 'HH:MM:SS'. */
  readonly date?: string;
  readonly time?: string;
  /** Free-text diagnosis statements (the device's interpretation). */
  readonly statements?: readonly string[];
  readonly median?: WritableBeats;
}

export interface WriteResult {
  readonly bytes: Uint8Array;
  /** Samples that could not be written as they were (NaN written as 0, clamped values). */
  readonly warnings: string[];
}

/** 16-bit storage: the largest count magnitude every writer here can hold. */
export const MAX_COUNT = 32767;

/** Largest absolute finite value over the leads. */
function peak(signals: readonly Float64Array[]): number {
  let m = 0;
  for (const s of signals) for (let i = 0; i < s.length; i++) if (Math.abs(s[i]) > m) m = Math.abs(s[i]);
  return m;
}

/**
 * The step (µV) the leads are stored with: the one the source stated (all channels sharing one
 * gain in mV) so a real file converts without loss, else 1 µV; doubled until the record's peak
 * fits 16 bits. Steps are rounded to whole nanovolts (SCP-ECG stores the step in nV).
 */
export function amplitudeStepUv(signals: readonly Float64Array[], sourceStepUv?: number): number {
  let step = sourceStepUv && Number.isFinite(sourceStepUv) && sourceStepUv > 0 ? Math.round(sourceStepUv * 1000) / 1000 : 1;
  if (step <= 0) step = 1;
  const top = peak(signals) * 1000;
  while (top / step > MAX_COUNT) step *= 2;
  return step;
}

/** The common step (µV) of channels that all share one gain in mV, else undefined. */
export function readingStepUv(r: Pick<Reading, 'channels'>): number | undefined {
  const gains = new Set(r.channels.map((c) => (c.units.toLowerCase() === 'mv' && !c.uncalibrated ? c.gain : NaN)));
  if (gains.size !== 1) return undefined;
  const [gain] = [...gains];
  return Number.isFinite(gain) && gain > 0 ? 1000 / gain : undefined;
}

/** mV to counts of `stepUv`, NaN written as 0 and out-of-range values clamped (both reported). */
export function quantizeLeads(leads: readonly string[], signals: readonly Float64Array[], stepUv: number, warnings: string[], what = 'rhythm'): Int16Array[] {
  return signals.map((x, c) => {
    const out = new Int16Array(x.length);
    let invalid = 0;
    let clamped = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v !== v) {
        invalid++;
        continue;
      }
      const k = Math.round((v * 1000) / stepUv);
      if (k > MAX_COUNT || k < -MAX_COUNT) clamped++;
      out[i] = Math.max(-MAX_COUNT, Math.min(MAX_COUNT, k));
    }
    if (invalid) warnings.push(`${what} ${leads[c]}: ${invalid} invalid samples written as 0`);
    if (clamped) warnings.push(`${what} ${leads[c]}: ${clamped} samples beyond ±${MAX_COUNT} steps clamped`);
    return out;
  });
}

/** Checks the shape every writer relies on: as many signals as leads, one length, a rate. */
export function checkWritable(ecg: WritableEcg, format: string): number {
  if (!ecg.leads.length || ecg.leads.length !== ecg.signals.length) {
    throw new FormatError('write', `${format}: ${ecg.signals.length} signals for ${ecg.leads.length} leads`);
  }
  const n = ecg.signals[0].length;
  if (ecg.signals.some((s) => s.length !== n)) throw new FormatError('write', `${format}: leads differ in length`);
  if (!(ecg.fs > 0)) throw new FormatError('write', `${format}: sampling frequency ${ecg.fs}`);
  return n;
}

export interface FromReadingOptions {
  /** Copy the patient identity and the acquisition date and time (default: leave them out). */
  readonly keepPatient?: boolean;
}

/** Whether every finite sample is a whole number of `stepUv`. */
function onGrid(signals: readonly Float64Array[], stepUv: number): boolean {
  for (const s of signals) {
    for (let i = 0; i < s.length; i++) {
      const k = (s[i] * 1000) / stepUv;
      if (Math.abs(k - Math.round(k)) > 1e-6) return false;
    }
  }
  return true;
}

/**
 * The step to write a reading's samples with: the source's step, or half of it when the reader
 * derived Goldberger leads (aVR = -(I + II)/2 lands on half steps), whichever holds every sample;
 * else the finer of the source's step and 1 µV.
 */
export function sourceStepUv(signals: readonly Float64Array[], step: number | undefined): number {
  if (step === undefined) return amplitudeStepUv(signals);
  for (const s of [step, step / 2]) if (onGrid(signals, s)) return amplitudeStepUv(signals, s);
  return amplitudeStepUv(signals, Math.min(step, 1));
}

/** A reading as writer input: derived leads included (they are leads of the record), step from the source. */
export function writableFromReading(r: Reading, opts: FromReadingOptions = {}): WritableEcg {
  const statements = statementsOf(r.comments);
  return {
    fs: r.fs,
    leads: r.channels.map((c) => c.name),
    signals: r.signals,
    stepUv: sourceStepUv(r.signals, readingStepUv(r)),
    ...(statements.length ? { statements } : {}),
    ...(opts.keepPatient && r.patient ? { patient: r.patient } : {}),
    ...(opts.keepPatient && r.baseDate ? { date: r.baseDate } : {}),
    ...(opts.keepPatient && r.baseTime ? { time: r.baseTime } : {}),
    ...(r.median ? { median: { fs: r.median.fs, leads: r.median.channels.map((c) => c.name), signals: r.median.signals, stepUv: sourceStepUv(r.median.signals, readingStepUv(r.median)) } } : {}),
  };
}
