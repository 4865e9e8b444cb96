// ISHNE Holter files to the common Reading: int16 samples interleaved lead by lead after the
// header, each lead scaled by its amplitude resolution (nV per count) to mV. Only the header
// and the bytes of the asked [from, to) window are read, so a 24-hour file opens at once.
import { basename } from 'node:path';
import { sampleRange } from '../clinical/range.js';
import { standardOrder } from '../clinical/leads.js';
import { deriveMissingLimbLeads } from '../edf/leads.js';
import { checkReadSize, CHUNK_BYTES, FileSource, type ByteSource } from '../edf/source.js';
import { FormatError, type ChannelInfo, type PatientIdentity, type Reading, type ReadOptions } from '../types.js';
import { readIshneHeader, type IshneDate, type IshneHeader } from './header.js';
import { LEAD_QUALITY, leadName, PACEMAKER } from './leads.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function isoDate(d: IshneDate): string | undefined {
  if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31) return undefined;
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function patientOf(h: IshneHeader): PatientIdentity | undefined {
  const name = [h.lastName, h.firstName].filter(Boolean).join(', ');
  const birthDate = isoDate(h.birthDate);
  const sex = h.sex === 1 ? 'M' : h.sex === 2 ? 'F' : undefined;
  const p: PatientIdentity = { ...(h.id ? { id: h.id } : {}), ...(name ? { name } : {}), ...(birthDate ? { birthDate } : {}), ...(sex ? { sex } : {}) };
  return Object.keys(p).length ? p : undefined;
}

/** Samples per lead the data block holds, checked against the header's count. */
function samplesPerLead(h: IshneHeader, size: number, where: string, warnings: string[]): number {
  const frame = 2 * h.leads;
  const data = size - h.ecgOffset;
  const declared = h.samplesPerLead;
  if (declared < 1) throw new FormatError('records', `${where}: ISHNE header declares ${declared} samples per lead`);
  if (declared * frame === data) return declared;
  // Some writers give the total over all leads instead of per lead (the standard's wording is loose).
  if (h.leads > 1 && declared * 2 === data && declared % h.leads === 0) {
    warnings.push(`ECG size ${declared} counts samples over all leads, not per lead; read as ${declared / h.leads} per lead`);
    return declared / h.leads;
  }
  if (declared * frame > data) {
    throw new FormatError('truncated', `${where}: ISHNE data cut short: ${h.leads} leads x ${declared} samples need ${declared * frame} bytes after the header, the file has ${data}`);
  }
  warnings.push(`${data - declared * frame} bytes after the ${declared} declared samples per lead ignored`);
  return declared;
}

/** Reads an ISHNE file through `src` (`name` labels the record and messages). */
export function readIshneFrom(src: ByteSource, name: string, opts: ReadOptions = {}): Reading {
  const h = readIshneHeader(src, name);
  const warnings = [...h.warnings];
  const total = samplesPerLead(h, src.size, name, warnings);
  const { from, to } = sampleRange(total, opts, name);
  const nl = h.leads;
  checkReadSize(to - from, nl, h.fs, name);
  const channels: ChannelInfo[] = [];
  const scale: number[] = [];
  for (let k = 0; k < nl; k++) {
    const res = h.resolutionNv[k];
    const ok = res > 0;
    if (!ok) warnings.push(`lead ${k + 1} has amplitude resolution ${res} nV: counts given, not mV`);
    scale.push(ok ? res / 1e6 : 1);
    channels.push({ name: leadName(h.leadSpec[k], k), units: 'mV', fmt: 'ishne', gain: ok ? 1e6 / res : 1, baseline: 0, ...(ok ? {} : { uncalibrated: true }) });
  }
  const signals = channels.map(() => new Float64Array(to - from));
  const frame = 2 * nl;
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / frame));
  for (let n = from; n < to; ) {
    const count = Math.min(perChunk, to - n);
    const buf = src.read(h.ecgOffset + n * frame, count * frame);
    if (buf.length < count * frame) throw new FormatError('truncated', `${name}: ISHNE data cut short at sample ${n + Math.floor(buf.length / frame)}`);
    for (let k = 0; k < nl; k++) {
      const dst = signals[k];
      const s = scale[k];
      for (let i = 0, p = 2 * k; i < count; i++, p += frame) dst[n - from + i] = (((buf[p] | (buf[p + 1] << 8)) << 16) >> 16) * s;
    }
    n += count;
  }
  const derived = deriveMissingLimbLeads(channels, signals);
  if (derived.length) warnings.push(`leads ${derived.join(', ')} derived from I and II (not stored in the file)`);
  const ordered = standardOrder({ channels, signals });
  const quality = h.leadQuality.slice(0, nl).map((q, k) => (q > 1 ? `${channels[k].name} ${LEAD_QUALITY[q] ?? `code ${q}`}` : '')).filter(Boolean);
  const date = isoDate(h.recordDate);
  const { hour, minute, second } = h.startTime;
  const timeOk = hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 61;
  const patient = patientOf(h);
  return {
    record: name,
    fs: h.fs,
    sigLen: to - from,
    totalLen: total,
    channels: ordered.channels,
    signals: ordered.signals,
    comments: [
      `Format: ISHNE 1.0 Holter, file version ${h.fileVersion}, ${nl} leads`,
      ...(h.recorderType ? [`Recorder: ${h.recorderType}`] : []),
      ...(PACEMAKER[h.pacemaker] ? [`Pacemaker: ${PACEMAKER[h.pacemaker]}`] : []),
      ...(quality.length ? [`Lead quality: ${quality.join('; ')}`] : []),
    ],
    warnings,
    ...(date ? { baseDate: date } : {}),
    ...(timeOk ? { baseTime: `${pad(hour)}:${pad(minute)}:${pad(second)}` } : {}),
    ...(patient ? { patient } : {}),
  };
}

/** Reads an ISHNE Holter file: header first, then only the samples [from, to) needs. */
export async function readIshne(path: string, opts: ReadOptions = {}): Promise<Reading> {
  const src = new FileSource(path);
  try {
    return readIshneFrom(src, basename(path), opts);
  } finally {
    src.close();
  }
}
