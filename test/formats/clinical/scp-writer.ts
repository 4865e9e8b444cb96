// A small SCP-ECG writer for tests: sections 0-6 (and 8), plain or Huffman-coded data (default
// table or custom tables with table switches), differences, reference-beat subtraction and
// bimodal decimation, with correct CRCs. Built from the standard's layout, independently of
// the reader's modules (only the CRC is re-derived here too).
import type { HuffmanCode } from '../../../src/main/formats/scp/huffman.js';

export function crc(bytes: Uint8Array): number {
  let c = 0xffff;
  for (const x of bytes) {
    c ^= x << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}

class Out {
  bytes: number[] = [];
  u8(v: number) { this.bytes.push(v & 0xff); return this; }
  u16(v: number) { return this.u8(v).u8(v >> 8); }
  u32(v: number) { return this.u16(v & 0xffff).u16(Math.floor(v / 0x10000)); }
  raw(b: ArrayLike<number>) { for (let i = 0; i < b.length; i++) this.bytes.push(b[i]); return this; }
}

class Bits {
  bytes: number[] = [];
  n = 0;
  bit(b: number) {
    if ((this.n & 7) === 0) this.bytes.push(0);
    if (b) this.bytes[this.bytes.length - 1] |= 0x80 >> (this.n & 7);
    this.n++;
  }
}

/** Huffman-codes `values`, starting in table 1, switching tables where the current one has no code. */
export function huffmanEncode(values: ArrayLike<number>, tables: readonly (readonly HuffmanCode[])[]): number[] {
  const w = new Bits();
  let t = 0;
  const emit = (r: HuffmanCode, v?: number) => {
    for (let k = 0; k < r.prefixBits; k++) w.bit((r.baseCode >>> k) & 1);
    const extra = r.totalBits - r.prefixBits;
    if (extra && v !== undefined) for (let k = extra - 1; k >= 0; k--) w.bit(Math.floor((v < 0 ? v + 2 ** extra : v) / 2 ** k) % 2);
  };
  const rowFor = (table: readonly HuffmanCode[], v: number) =>
    table.find((r) => r.mode === 1 && r.totalBits === r.prefixBits && r.baseValue === v) ??
    table.find((r) => r.mode === 1 && r.totalBits > r.prefixBits && v >= -(2 ** (r.totalBits - r.prefixBits - 1)) && v < 2 ** (r.totalBits - r.prefixBits - 1));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let r = rowFor(tables[t], v);
    if (!r) {
      const target = tables.findIndex((tb) => rowFor(tb, v));
      const sw = tables[t].find((x) => x.mode === 0 && x.baseValue === target + 1);
      if (target < 0 || !sw) throw new Error(`no code for ${v}`);
      emit(sw);
      t = target;
      r = rowFor(tables[t], v)!;
    }
    emit(r, v);
  }
  return w.bytes;
}

export interface ScpSpec {
  leads: { code: number; samples: ArrayLike<number> }[];
  /** Sample interval in us (2000 = 500 Hz). */
  intervalUs?: number;
  avm?: number;
  difference?: 0 | 1 | 2;
  /** undefined: no section 2 (plain int16); 'default': table 19999; or custom tables. */
  huffman?: 'default' | (readonly HuffmanCode[])[];
  patient?: { lastName?: string; firstName?: string; id?: string; birth?: [number, number, number]; sex?: number };
  date?: [number, number, number];
  time?: [number, number, number];
  /** Reference beat (section 5) per lead, and the QRS table of section 4. */
  reference?: { beats: ArrayLike<number>[]; avm?: number; lengthMs: number; fiducial: number; qrs: { type: number; start: number; fiducial: number; end: number }[]; subtract: boolean };
  /** Bimodal: decimation factor and protected zones (1-based inclusive); samples are full-rate values. */
  bimodal?: { factor: number; zones: [number, number][] };
  statements?: string[];
  protocol?: number;
}

function section(id: number, body: number[], version: number): number[] {
  const o = new Out().u16(0).u16(id).u32(16 + body.length).u8(version).u8(version);
  o.raw(id === 0 ? [...Buffer.from('SCPECG')] : [0, 0, 0, 0, 0, 0]).raw(body);
  const c = crc(Uint8Array.from(o.bytes.slice(2)));
  o.bytes[0] = c & 0xff;
  o.bytes[1] = c >> 8;
  return o.bytes;
}

function differences(x: number[], order: number): number[] {
  if (order === 1) return x.map((v, i) => (i === 0 ? v : v - x[i - 1]));
  if (order === 2) return x.map((v, i) => (i < 2 ? v : v - 2 * x[i - 1] + x[i - 2]));
  return x;
}

function leadData(series: number[][], spec: ScpSpec, tables: (readonly HuffmanCode[])[] | undefined, order: number): { lengths: number[]; data: number[] } {
  const lengths: number[] = [];
  const data: number[] = [];
  for (const s of series) {
    const d = differences(s, order);
    const bytes = tables ? huffmanEncode(d, tables) : d.flatMap((v) => [v & 0xff, (v >> 8) & 0xff]);
    lengths.push(bytes.length);
    data.push(...bytes);
  }
  return { lengths, data };
}

/** Decimates outside the protected zones: each block of `factor` samples becomes its first value. */
function decimate(x: number[], zones: [number, number][], factor: number): number[] {
  const out: number[] = [];
  const inZone = (j: number) => zones.some(([a, z]) => j >= a && j <= z);
  let j = 1;
  while (j <= x.length) {
    if (inZone(j)) { out.push(x[j - 1]); j++; continue; }
    let end = j;
    while (end + 1 <= x.length && !inZone(end + 1)) end++;
    for (let k = j; k <= end; k += factor) out.push(x[k - 1]);
    j = end + 1;
  }
  return out;
}

export function writeScp(spec: ScpSpec, defaultTable: readonly HuffmanCode[]): Uint8Array {
  const version = spec.protocol ?? 20;
  const n = spec.leads[0].samples.length;
  const interval = spec.intervalUs ?? 2000;
  const order = spec.difference ?? 0;
  const tables = spec.huffman === 'default' ? [defaultTable] : spec.huffman;
  const sections = new Map<number, number[]>();

  const s1 = new Out();
  const tag = (t: number, body: number[]) => s1.u8(t).u16(body.length).raw(body);
  const str = (s: string) => [...Buffer.from(s, 'latin1'), 0];
  const p = spec.patient ?? {};
  if (p.lastName) tag(0, str(p.lastName));
  if (p.firstName) tag(1, str(p.firstName));
  if (p.id) tag(2, str(p.id));
  if (p.birth) tag(5, new Out().u16(p.birth[0]).u8(p.birth[1]).u8(p.birth[2]).bytes);
  if (p.sex !== undefined) tag(8, [p.sex]);
  if (spec.date) tag(25, new Out().u16(spec.date[0]).u8(spec.date[1]).u8(spec.date[2]).bytes);
  if (spec.time) tag(26, spec.time);
  s1.u8(255).u16(0);
  sections.set(1, s1.bytes);

  if (spec.huffman === 'default') sections.set(2, new Out().u16(19999).bytes);
  else if (tables) {
    const o = new Out().u16(tables.length);
    for (const tb of tables) {
      o.u16(tb.length);
      for (const r of tb) o.u8(r.prefixBits).u8(r.totalBits).u8(r.mode).u16(r.baseValue).u32(r.baseCode);
    }
    sections.set(2, o.bytes);
  }
  const ref = spec.reference;
  const s3 = new Out().u8(spec.leads.length).u8((ref?.subtract ? 1 : 0) | 4 | (spec.leads.length << 3));
  for (const l of spec.leads) s3.u32(1).u32(n).u8(l.code);
  sections.set(3, s3.bytes);

  let rhythm = spec.leads.map((l) => Array.from(l.samples));
  if (ref) {
    const s4 = new Out().u16(ref.lengthMs).u16(ref.fiducial).u16(ref.qrs.length);
    for (const q of ref.qrs) s4.u16(q.type).u32(q.start).u32(q.fiducial).u32(q.end);
    for (const [a, z] of spec.bimodal?.zones ?? ref.qrs.map((q) => [q.start, q.end])) s4.u32(a).u32(z);
    sections.set(4, s4.bytes);
    const beats = ref.beats.map((b) => Array.from(b));
    const { lengths, data } = leadData(beats, spec, tables, order);
    sections.set(5, new Out().u16(ref.avm ?? spec.avm ?? 5000).u16(interval).u8(order).u8(0).raw(lengths.flatMap((x) => [x & 0xff, x >> 8])).raw(data).bytes);
    if (ref.subtract) {
      // Residual = signal - reference beat inside each type-0 subtraction zone (same amplitude unit assumed).
      rhythm = rhythm.map((x, i) => {
        const r = x.slice();
        for (const q of ref.qrs) {
          if (q.type !== 0) continue;
          for (let j = q.start; j <= q.end; j++) {
            const k = j - q.fiducial + ref.fiducial;
            if (k >= 1 && k <= beats[i].length) r[j - 1] -= beats[i][k - 1];
          }
        }
        return r;
      });
    }
  }
  const bimodal = spec.bimodal;
  if (bimodal) rhythm = rhythm.map((x) => decimate(x, bimodal.zones, bimodal.factor));
  const { lengths, data } = leadData(rhythm, spec, tables, order);
  sections.set(6, new Out().u16(spec.avm ?? 5000).u16(bimodal ? interval * bimodal.factor : interval).u8(order).u8(bimodal ? 1 : 0).raw(lengths.flatMap((x) => [x & 0xff, x >> 8])).raw(data).bytes);
  if (spec.statements) {
    const o = new Out().u8(1).u16(2024).u8(1).u8(2).u8(10).u8(0).u8(0).u8(spec.statements.length);
    spec.statements.forEach((s, i) => o.u8(i + 1).u16(s.length + 1).raw(str(s)));
    sections.set(8, o.bytes);
  }

  const ids = [...Array(12).keys()].slice(1);
  const built = new Map<number, number[]>();
  for (const id of ids) if (sections.has(id)) built.set(id, section(id, sections.get(id)!, version));
  const s0len = 16 + 10 * 12;
  let at = 6 + s0len;
  const pointers = new Out().u16(0).u32(s0len).u32(7);
  for (const id of ids) {
    const s = built.get(id);
    pointers.u16(id).u32(s ? s.length : 0).u32(s ? at + 1 : 0);
    if (s) at += s.length;
  }
  const all = [...section(0, pointers.bytes, version), ...[...built.values()].flat()];
  const rec = new Out().u16(0).u32(6 + all.length).raw(all).bytes;
  const c = crc(Uint8Array.from(rec.slice(2)));
  rec[0] = c & 0xff;
  rec[1] = c >> 8;
  return Uint8Array.from(rec);
}

/** Recomputes the record CRC after a test changed bytes on purpose. */
export function fixRecordCrc(b: Uint8Array): void {
  const c = crc(b.subarray(2));
  b[0] = c & 0xff;
  b[1] = c >> 8;
}
