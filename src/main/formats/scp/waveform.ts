// Sections 5 (reference beat) and 6 (rhythm): per-lead byte lengths, Huffman or plain 16-bit
// data, first or second differences, then -- as EN 1064 describes -- bimodal decimation undone
// outside the protected zones and the reference beat added back inside each subtraction zone.
import { FormatError } from '../types.js';
import type { ScpBytes } from './bytes.js';
import type { HuffmanDecoder } from './huffman.js';
import type { ScpLead, ScpQrsSection } from './leads.js';
import type { ScpSection } from './sections.js';

export interface ScpBlock {
  /** Amplitude value multiplier: nanovolts per unit. */
  readonly avm: number;
  /** Sample interval in microseconds. */
  readonly intervalUs: number;
  /** 0 none, 1 first differences, 2 second differences. */
  readonly difference: number;
  /** Section 6 only: bimodal compression used. */
  readonly bimodal: boolean;
  /** One integer series per lead, in `avm` units, differences already undone. */
  readonly leads: Int32Array[];
}

interface BlockLayout {
  readonly avm: number;
  readonly intervalUs: number;
  readonly difference: number;
  readonly flag: number;
  readonly lengths: number[];
  readonly dataStart: number;
}

function layout(b: ScpBytes, s: ScpSection, nLeads: number): BlockLayout {
  const avm = b.u16(s.data, `section ${s.id} header`);
  const intervalUs = b.u16(s.data + 2, `section ${s.id} header`);
  const difference = b.u8(s.data + 4, `section ${s.id} header`);
  const flag = b.u8(s.data + 5, `section ${s.id} header`);
  if (avm === 0 || intervalUs === 0) throw new FormatError('format', `${b.name}: section ${s.id} gives amplitude ${avm} nV and sample interval ${intervalUs} us`);
  if (difference > 2) throw new FormatError('compression', `${b.name}: section ${s.id} uses difference encoding ${difference}, which SCP-ECG does not define (0, 1 or 2)`);
  const lengths: number[] = [];
  for (let i = 0; i < nLeads; i++) lengths.push(b.u16(s.data + 6 + 2 * i, `section ${s.id} lead lengths`));
  const dataStart = s.data + 6 + 2 * nLeads;
  const total = lengths.reduce((a, x) => a + x, 0);
  if (dataStart + total > s.end) {
    throw new FormatError('truncated', `${b.name}: section ${s.id} lead data (${total} bytes) runs ${dataStart + total - s.end} bytes past the section`);
  }
  return { avm, intervalUs, difference, flag, lengths, dataStart };
}

function undoDifferences(x: Int32Array, order: number): void {
  if (order === 1) for (let i = 1; i < x.length; i++) x[i] += x[i - 1];
  else if (order === 2) for (let i = 2; i < x.length; i++) x[i] += 2 * x[i - 1] - x[i - 2];
}

function decodeLeads(b: ScpBytes, s: ScpSection, l: BlockLayout, counts: readonly number[], huffman: HuffmanDecoder | undefined): Int32Array[] {
  const out: Int32Array[] = [];
  let p = l.dataStart;
  counts.forEach((count, i) => {
    const bytes = b.buf.subarray(p, p + l.lengths[i]);
    p += l.lengths[i];
    let x: Int32Array;
    if (huffman) {
      x = huffman.decode(bytes, count);
    } else {
      x = new Int32Array(Math.min(count, bytes.length >> 1));
      for (let k = 0; k < x.length; k++) x[k] = ((bytes[2 * k] | (bytes[2 * k + 1] << 8)) << 16) >> 16;
    }
    if (x.length < count) {
      throw new FormatError('truncated', `${b.name}: section ${s.id} lead ${i + 1} holds ${x.length} samples, ${count} expected`);
    }
    undoDifferences(x, l.difference);
    out.push(x);
  });
  return out;
}

/** Section 5: the reference (median) beat of every lead, `samples` long. */
export function readReferenceBeat(b: ScpBytes, s: ScpSection, nLeads: number, qrs: ScpQrsSection | undefined, huffman: HuffmanDecoder | undefined): ScpBlock {
  const l = layout(b, s, nLeads);
  let samples: number;
  if (qrs && qrs.referenceLengthMs > 0) samples = Math.round((qrs.referenceLengthMs * 1000) / l.intervalUs);
  else if (!huffman) samples = Math.min(...l.lengths) >> 1;
  else throw new FormatError('format', `${b.name}: Huffman-coded section 5 without a reference beat length in section 4`);
  const leads = decodeLeads(b, s, l, new Array<number>(nLeads).fill(samples), huffman);
  return { avm: l.avm, intervalUs: l.intervalUs, difference: l.difference, bimodal: false, leads };
}

/** Full-rate runs outside the protected zones, 1-based inclusive, within 1..n. */
function unprotectedRuns(zones: readonly (readonly [number, number])[], n: number): [number, number][] {
  const sorted = [...zones].filter(([a, z]) => z >= a).sort((x, y) => x[0] - y[0]);
  const runs: [number, number][] = [];
  let next = 1;
  for (const [a, z] of sorted) {
    if (a > next) runs.push([next, Math.min(a - 1, n)]);
    next = Math.max(next, z + 1);
  }
  if (next <= n) runs.push([next, n]);
  return runs.filter(([a, z]) => a <= z);
}

/** Stored samples per lead under bimodal compression: full rate in protected zones, one per `dec` elsewhere. */
function bimodalCount(zones: readonly (readonly [number, number])[], n: number, dec: number): number {
  const runs = unprotectedRuns(zones, n);
  const outside = runs.reduce((a, [x, z]) => a + (z - x + 1), 0);
  return n - outside + runs.reduce((a, [x, z]) => a + Math.ceil((z - x + 1) / dec), 0);
}

/**
 * Undoes bimodal decimation: each stored sample outside a protected zone stands for a block of
 * `dec` samples; it is placed at the block centre and the samples between centres are linearly
 * interpolated (the standard leaves the interpolation filter to the reader; this is SCP-AV's choice
 * without its optional smoothing).
 */
function expandBimodal(stored: Int32Array, zones: readonly (readonly [number, number])[], n: number, dec: number): Int32Array {
  const out = new Int32Array(n);
  const runs = unprotectedRuns(zones, n);
  let src = 0;
  let t = 1;
  const copyUntil = (last: number) => {
    for (; t <= last; t++) out[t - 1] = stored[src++];
  };
  for (const [a, z] of runs) {
    copyUntil(a - 1);
    const len = z - a + 1;
    const m = Math.ceil(len / dec);
    const centre = (k: number) => a + k * dec + (Math.min(dec, len - k * dec) - 1) / 2;
    let k = 0;
    for (let j = a; j <= z; j++) {
      while (k < m - 1 && centre(k + 1) <= j) k++;
      const c0 = centre(k);
      if (j <= c0 || k === m - 1) out[j - 1] = stored[src + k];
      else {
        const w = (j - c0) / (centre(k + 1) - c0);
        out[j - 1] = Math.round(stored[src + k] + (stored[src + k + 1] - stored[src + k]) * w);
      }
    }
    src += m;
    t = z + 1;
  }
  copyUntil(n);
  return out;
}

export interface RhythmContext {
  readonly leads: readonly ScpLead[];
  readonly qrs?: ScpQrsSection;
  readonly reference?: ScpBlock;
  readonly subtracted: boolean;
  readonly huffman?: HuffmanDecoder;
}

/** Section 6, returned at the reference-beat rate when bimodal, with the reference beat added back. */
export function readRhythm(b: ScpBytes, s: ScpSection, ctx: RhythmContext): { block: ScpBlock; unitNv: number; warnings: string[] } {
  const l = layout(b, s, ctx.leads.length);
  const warnings: string[] = [];
  // EN 1064 gives AVM in nanovolts; a value this small spans less than an ECG (some devices
  // may mean microvolts). Nothing in the file says which, so it is read as the standard says.
  if (l.avm < 100) warnings.push(`section 6 amplitude unit ${l.avm} nV gives a 16-bit full scale of only ±${((32767 * l.avm) / 1e6).toPrecision(2)} mV (a device writing microvolts?): read as nanovolts, as EN 1064 says`);
  const bimodal = l.flag === 1;
  const counts = ctx.leads.map((x) => x.end - x.start + 1);
  let dec = 1;
  if (bimodal) {
    if (!ctx.reference || !ctx.qrs || ctx.qrs.protectedZones.length === 0) {
      throw new FormatError('compression', `${b.name}: bimodal compression without the section 4 protected zones and section 5 sample rate it needs`);
    }
    dec = Math.round(l.intervalUs / ctx.reference.intervalUs);
    if (dec < 1 || dec * ctx.reference.intervalUs !== l.intervalUs) {
      throw new FormatError('compression', `${b.name}: bimodal rhythm interval ${l.intervalUs} us is not a multiple of the reference beat's ${ctx.reference.intervalUs} us`);
    }
  }
  const zones = ctx.qrs?.protectedZones ?? [];
  const stored = decodeLeads(b, s, l, bimodal ? counts.map((n) => bimodalCount(zones, n, dec)) : counts, ctx.huffman);
  let leads = bimodal ? stored.map((x, i) => expandBimodal(x, zones, counts[i], dec)) : stored;
  let unitNv = l.avm;
  if (ctx.subtracted) {
    const ref = ctx.reference;
    const qrs = ctx.qrs;
    if (!ref || !qrs) throw new FormatError('format', `${b.name}: section 3 says the reference beat was subtracted but section ${ref ? 4 : 5} is missing`);
    if (!bimodal && ref.intervalUs !== l.intervalUs) warnings.push(`reference beat sampled every ${ref.intervalUs} us, rhythm every ${l.intervalUs} us: added sample by sample`);
    // Residual and reference have their own amplitude units; work in their common divisor so the sum stays an integer.
    const g = gcd(l.avm, ref.avm);
    const kr = l.avm / g;
    const kb = ref.avm / g;
    unitNv = g;
    leads = leads.map((res, i) => {
      const out = new Int32Array(res.length);
      for (let j = 0; j < res.length; j++) out[j] = res[j] * kr;
      const beat = ref.leads[i];
      for (const q of qrs.qrs) {
        if (q.type !== 0) continue;
        for (let j = Math.max(1, q.start); j <= Math.min(q.end, res.length); j++) {
          const k = j - q.fiducial + qrs.referenceFiducial;
          if (k >= 1 && k <= beat.length) out[j - 1] += beat[k - 1] * kb;
        }
      }
      return out;
    });
  }
  const intervalUs = bimodal ? l.intervalUs / dec : l.intervalUs;
  return { block: { avm: l.avm, intervalUs, difference: l.difference, bimodal, leads }, unitNv, warnings };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
