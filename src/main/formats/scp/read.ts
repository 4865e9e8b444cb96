// SCP-ECG (EN 1064 / ISO 11073-91064, versions 1.x to 3.0) to the common Reading: sections 0-11,
// Huffman (default and section 2 tables), differences, bimodal decimation and reference-beat
// subtraction undone, CRCs checked. The rhythm (section 6) is the record; section 5's reference
// beats become Reading.median.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { FormatError, type ChannelInfo, type MedianBeats, type Reading, type ReadOptions } from '../types.js';
import { ScpBytes } from './bytes.js';
import { HuffmanDecoder, readHuffmanSection } from './huffman.js';
import { readLeadSection, readQrsSection, settleZeroBased } from './leads.js';
import { deriveLimbLeads } from './limb.js';
import { readPatientSection } from './patient.js';
import { looksLikeScp, readFrame } from './sections.js';
import { readStatementSections } from './statements.js';
import { readReferenceBeat, readRhythm, type ScpBlock } from './waveform.js';

/** Protocol versions the standard has published (x10): 1.0-1.3, 2.0, 2.2, 3.0. */
const KNOWN_VERSIONS = new Set([10, 11, 12, 13, 20, 21, 22, 30]);

/** Content test: SCP-ECG whatever the file is called (carts write .scp, .ecg, .SCP, or no extension). */
export function isScpFile(path: string): boolean {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size < 22) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(Math.min(32, info.size));
      readSync(fd, head, 0, head.length, 0);
      return looksLikeScp(head, info.size);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function channel(name: string, unitNv: number, derived?: string): ChannelInfo {
  return { name, units: 'mV', fmt: 'scp', gain: 1e6 / unitNv, baseline: 0, ...(derived ? { derived } : {}) };
}

function toMv(series: ArrayLike<number>, gain: number, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = series[i] / gain;
  return out;
}

function medianBeats(block: ScpBlock, names: readonly string[]): MedianBeats {
  const gain = 1e6 / block.avm;
  const len = Math.min(...block.leads.map((x) => x.length));
  return {
    fs: 1e6 / block.intervalUs,
    sigLen: len,
    channels: names.map((n) => channel(n, block.avm)),
    signals: block.leads.map((x) => toMv(x, gain, 0, len)),
  };
}

/** Reads an SCP-ECG record from bytes already in memory (`name` labels messages and the record). */
export function readScpBytes(buf: Uint8Array, name: string, opts: ReadOptions = {}): Reading {
  const b = new ScpBytes(buf, name);
  const frame = readFrame(b);
  const warnings: string[] = [...frame.warnings];
  if (!KNOWN_VERSIONS.has(frame.protocolVersion)) warnings.push(`SCP-ECG protocol version ${frame.protocolVersion / 10} is not one this reader knows (1.0-3.0); read as 2.x`);
  const s = frame.sections;
  const s3 = s.get(3);
  const s6 = s.get(6);
  // Reference beats alone (section 5 without 6) are a median beat, not a record of the rhythm.
  if (s3 && !s6 && s.get(5)) throw new FormatError('format', `${name}: SCP-ECG record holds only reference beats (section 5), no rhythm data (section 6): nothing to read as a record`);
  if (!s3 || !s6) throw new FormatError('format', `${name}: SCP-ECG record without ${s3 ? '' : 'lead definitions (section 3)'}${!s3 && !s6 ? ' and ' : ''}${s6 ? '' : 'rhythm data (section 6)'}`);
  const header = s.get(1) ? readPatientSection(b, s.get(1)!) : { comments: [] as string[] };
  const s2 = s.get(2);
  const huffman = s2 ? new HuffmanDecoder(readHuffmanSection(b, s2), name) : undefined;
  const leadSection = readLeadSection(b, s3);
  warnings.push(...leadSection.warnings);
  const settled = settleZeroBased(b, leadSection.leads, s6, huffman !== undefined);
  if (settled.warning) warnings.push(settled.warning);
  const leads = settled.leads;
  const qrs = s.get(4) ? readQrsSection(b, s.get(4)!) : undefined;
  const s5 = s.get(5);
  const reference = s5 ? readReferenceBeat(b, s5, leads.length, qrs, huffman) : undefined;
  const subtracted = leadSection.referenceBeatSubtracted && (qrs?.referenceLengthMs ?? 0) > 0;
  const rhythm = readRhythm(b, s6, { leads, qrs, reference, subtracted, huffman });
  warnings.push(...rhythm.warnings);

  // Leads may start at different samples (not simultaneously recorded): place each on one time axis.
  const total = Math.max(...leads.map((l) => l.end));
  const names = leads.map((l) => l.name);
  const series: Float64Array[] = rhythm.block.leads.map((x, i) => {
    const full = new Float64Array(total).fill(NaN);
    const start = leads[i].start - 1;
    for (let k = 0; k < x.length && start + k < total; k++) full[start + k] = x[k];
    return full;
  });
  const unitNv = rhythm.unitNv;
  const channels: ChannelInfo[] = names.map((n) => channel(n, unitNv));
  for (const d of deriveLimbLeads(names, series)) {
    names.push(d.name);
    series.push(d.values);
    channels.push(channel(d.name, unitNv, d.formula));
  }
  const from = Math.max(0, opts.from ?? 0);
  const to = Math.min(total, opts.to ?? total);
  if (to < from) throw new FormatError('range', `${name}: from ${from} is after to ${to}`);
  const gain = 1e6 / unitNv;
  const comments = [`#Format: SCP-ECG ${(frame.protocolVersion / 10).toFixed(1)}${huffman ? ', Huffman' : ''}${rhythm.block.difference ? `, ${rhythm.block.difference === 1 ? 'first' : 'second'} differences` : ''}${subtracted ? ', reference beat subtracted' : ''}${rhythm.block.bimodal ? ', bimodal' : ''}`];
  comments.push(...header.comments, ...readStatementSections(b, s));
  return {
    record: name,
    fs: 1e6 / rhythm.block.intervalUs,
    sigLen: to - from,
    totalLen: total,
    channels,
    signals: series.map((x) => toMv(x, gain, from, to)),
    comments,
    warnings,
    ...(header.date ? { baseDate: header.date } : {}),
    ...(header.time ? { baseTime: header.time } : {}),
    ...(header.patient ? { patient: header.patient } : {}),
    ...(reference ? { median: medianBeats(reference, leads.map((l) => l.name)) } : {}),
  };
}

/** Reads an SCP-ECG file (resting ECGs are small: the whole record is read to check its CRC). */
export async function readScp(path: string, opts: ReadOptions = {}): Promise<Reading> {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new FormatError('missing', `${path}: ${(e as Error).message}`);
  }
  return readScpBytes(buf, basename(path), opts);
}
