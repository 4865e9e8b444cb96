// EDF and EDF+ (continuous and discontinuous) to the common Reading. The header is read first;
// then only the data records a [from, to) window covers, by offset, so a 24-hour Holter opens
// without reading its samples. Signals are exposed at the rate of the ECG leads (the reading
// has one rate); signals at other rates are named in a warning. EDF+D gaps are NaN.
import { basename } from 'node:path';
import { sampleRange } from '../clinical/range.js';
import { standardOrder } from '../clinical/leads.js';
import { FormatError, type ChannelInfo, type RecordAnnotation, type Reading, type ReadOptions } from '../types.js';
import { annotationsOf, parseTals } from './annotations.js';
import { readEdfHeader, type EdfHeader, type EdfSignal } from './header.js';
import { patientOfField, startOf } from './identity.js';
import { deriveMissingLimbLeads, isEcgLabel, leadOfLabel } from './leads.js';
import { checkReadSize, CHUNK_BYTES, FileSource, type ByteSource } from './source.js';
import { contiguousTimeline, discontinuousTimeline, type Timeline } from './timeline.js';

interface Selection {
  readonly signals: readonly EdfSignal[];
  readonly spr: number;
  readonly warnings: string[];
}

const rateOf = (h: EdfHeader, s: EdfSignal): number => s.samplesPerRecord / h.recordDuration;

/** The signals the reading exposes: those at the ECG leads' rate (or the commonest rate without ECG). */
function selectSignals(h: EdfHeader, where: string): Selection {
  const data = h.signals.filter((s) => !s.annotations);
  if (!data.length) throw new FormatError('no-signal', `${where}: EDF file holds only annotations, no signal`);
  const ecg = data.filter((s) => isEcgLabel(s.label));
  const warnings: string[] = [];
  let spr: number;
  if (ecg.length) {
    const rates = new Set(ecg.map((s) => s.samplesPerRecord));
    if (rates.size > 1) {
      const list = ecg.map((s) => `${s.label} ${rateOf(h, s)} Hz`).join(', ');
      throw new FormatError('mixed-rates', `${where}: the ECG leads are sampled at different rates (${list}); a reading has one rate, so resample the file or split it by rate first`);
    }
    spr = ecg[0].samplesPerRecord;
  } else {
    const counts = new Map<number, number>();
    for (const s of data) counts.set(s.samplesPerRecord, (counts.get(s.samplesPerRecord) ?? 0) + 1);
    spr = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
    warnings.push('no signal is labelled as an ECG lead');
  }
  const chosen = data.filter((s) => s.samplesPerRecord === spr);
  const others = data.filter((s) => s.samplesPerRecord !== spr);
  if (others.length) warnings.push(`signals at other rates not read: ${others.map((s) => `${s.label} (${rateOf(h, s)} Hz)`).join(', ')}`);
  return { signals: chosen, spr, warnings };
}

interface Calibration {
  readonly channel: ChannelInfo;
  /** physical = (digital - dmin) * scale + pmin */
  readonly scale: number;
  readonly dmin: number;
  readonly pmin: number;
}

function calibrate(s: EdfSignal, warnings: string[]): Calibration {
  const name = leadOfLabel(s.label) ?? s.label;
  const ok = s.digitalMax > s.digitalMin && s.physicalMax !== s.physicalMin;
  if (!ok) warnings.push(`signal '${s.label}' has no usable calibration (digital ${s.digitalMin}..${s.digitalMax}, physical ${s.physicalMin}..${s.physicalMax}): digital values given`);
  const scale = ok ? (s.physicalMax - s.physicalMin) / (s.digitalMax - s.digitalMin) : 1;
  const dmin = ok ? s.digitalMin : 0;
  const pmin = ok ? s.physicalMin : 0;
  // ChannelInfo's physical = (adc - baseline) / gain, the same line written the WFDB way.
  const gain = 1 / scale;
  return {
    channel: { name, units: s.units, fmt: 'edf', gain, baseline: dmin - pmin * gain, ...(ok ? {} : { uncalibrated: true }) },
    scale,
    dmin,
    pmin,
  };
}

/** Decodes the data records that overlap [from, to) into `out`, and collects their annotations. */
function readWindow(src: ByteSource, where: string, h: EdfHeader, sel: Selection, cal: readonly Calibration[], t: Timeline, from: number, to: number, out: Float64Array[]): { annotations: RecordAnnotation[]; problems: number; onsetWarnings: number } {
  const annotationSignal = h.signals.find((s) => s.annotations);
  const annotations: RecordAnnotation[] = [];
  let problems = 0;
  let onsetWarnings = 0;
  const spr = sel.spr;
  const wanted: number[] = [];
  for (let k = 0; k < h.records; k++) if (t.starts[k] < to && t.starts[k] + spr > from) wanted.push(k);
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / h.recordBytes));
  for (let w = 0; w < wanted.length; ) {
    // One read spans consecutive records (all of them for EDF and EDF+C windows).
    let last = w;
    while (last + 1 < wanted.length && wanted[last + 1] === wanted[last] + 1 && last + 1 - w < perChunk) last++;
    const first = wanted[w];
    const count = last - w + 1;
    const buf = src.read(h.headerBytes + first * h.recordBytes, count * h.recordBytes);
    if (buf.length < count * h.recordBytes) throw new FormatError('truncated', `${where}: data record ${first + count} is cut short`);
    for (let r = 0; r < count; r++) {
      const k = first + r;
      const base = r * h.recordBytes;
      const start = t.starts[k];
      const lo = Math.max(from, start);
      const hi = Math.min(to, start + spr);
      sel.signals.forEach((s, c) => {
        const { scale, dmin, pmin } = cal[c];
        const dst = out[c];
        let p = base + s.offset + (lo - start) * 2;
        for (let n = lo; n < hi; n++, p += 2) {
          const d = ((buf[p] | (buf[p + 1] << 8)) << 16) >> 16;
          dst[n - from] = (d - dmin) * scale + pmin;
        }
      });
      if (annotationSignal) {
        const at = base + annotationSignal.offset;
        const tals = parseTals(buf.subarray(at, at + annotationSignal.samplesPerRecord * 2));
        problems += tals.problems.length;
        // An EDF+C record whose time-keeping onset is not where continuity puts it: say so.
        if (h.variant === 'EDF+C' && tals.start !== undefined && Math.abs(tals.start - k * h.recordDuration) > 1e-6 * Math.max(1, k * h.recordDuration)) onsetWarnings++;
        annotations.push(...annotationsOf(tals.tals));
      }
    }
    w = last + 1;
  }
  return { annotations, problems, onsetWarnings };
}

/** Reads an EDF / EDF+ file through `src` (`name` labels the record and messages). */
export function readEdfFrom(src: ByteSource, name: string, opts: ReadOptions = {}): Reading {
  const h = readEdfHeader(src, name);
  if (h.records < 1) throw new FormatError('records', `${name}: EDF file without a complete data record`);
  const sel = selectSignals(h, name);
  const warnings = [...h.warnings, ...sel.warnings];
  const fs = sel.spr / h.recordDuration;
  const annotationSignal = h.signals.find((s) => s.annotations);
  const t = h.variant === 'EDF+D' && annotationSignal ? discontinuousTimeline(src, h, annotationSignal, sel.spr, name) : contiguousTimeline(h, sel.spr);
  warnings.push(...t.warnings);
  const { from, to } = sampleRange(t.totalLen, opts, name);
  checkReadSize(to - from, sel.signals.length, fs, name);
  const cal = sel.signals.map((s) => calibrate(s, warnings));
  const signals = sel.signals.map(() => new Float64Array(to - from).fill(h.variant === 'EDF+D' ? NaN : 0));
  const got = readWindow(src, name, h, sel, cal, t, from, to, signals);
  if (got.problems) warnings.push(`${got.problems} malformed annotation lists (TALs) skipped`);
  if (got.onsetWarnings) warnings.push(`${got.onsetWarnings} EDF+C data records have a start time that breaks continuity; read as continuous`);

  const channels = cal.map((c) => c.channel);
  const derived = deriveMissingLimbLeads(channels, signals);
  if (derived.length) warnings.push(`leads ${derived.join(', ')} derived from I and II (not stored in the file)`);
  const ordered = standardOrder({ channels, signals });
  const start = startOf(h.startDate, h.startTime, h.recordingField, h.variant !== 'EDF');
  warnings.push(...start.warnings);
  const patient = patientOfField(h.patientField, h.variant !== 'EDF');
  const prefilters = sel.signals.filter((s) => s.prefilter).map((s) => `${leadOfLabel(s.label) ?? s.label} ${s.prefilter}`);
  return {
    record: name,
    fs,
    sigLen: to - from,
    totalLen: t.totalLen,
    channels: ordered.channels,
    signals: ordered.signals,
    comments: [
      `Format: ${h.variant}, ${h.records} data records of ${h.recordDuration} s, ${h.signals.length} signals`,
      ...(start.equipment ? [`Device: ${start.equipment}`] : []),
      ...(prefilters.length ? [`Prefiltering: ${prefilters.join('; ')}`] : []),
      ...(annotationSignal ? [`Annotations: ${got.annotations.length} in the data records read`] : []),
    ],
    warnings,
    ...(start.date ? { baseDate: start.date } : {}),
    ...(start.time ? { baseTime: start.time } : {}),
    ...(patient ? { patient } : {}),
    ...(annotationSignal ? { annotations: got.annotations } : {}),
  };
}

/** Reads an EDF or EDF+ file: header first, then only the data records [from, to) needs. */
export async function readEdf(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const src = new FileSource(path);
  try {
    return readEdfFrom(src, basename(path), opts);
  } finally {
    src.close();
  }
}
