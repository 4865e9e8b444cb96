// An SCP-ECG record (EN 1064 / ISO 11073-91064, protocol 2.0 by default, or 3.0 with the same
// fields), the inverse of read.ts: section 0 pointers to sections 0-11, section 1 patient and
// acquisition tags (2, 14, 25 and 26 always, as the standard requires), section 2 when Huffman
// coding with the default table, section 3 lead definitions, section 6 rhythm data (plain 16-bit
// or Huffman, with 0, 1 or 2 differences) and section 8 statements; record and section CRCs.
import { LEAD_NUMBERS, standardLeadName } from '../clinical/leads.js';
import { amplitudeStepUv, checkWritable, quantizeLeads, type WritableEcg, type WriteResult } from '../clinical/write-record.js';
import { FormatError, type PatientIdentity } from '../types.js';
import { crcCcitt } from './crc.js';
import { DEFAULT_TABLE } from './huffman.js';
import { leadName } from './leads.js';
import { differences, fitsInt16, huffmanEncode } from './write-huffman.js';

export interface ScpWriteOptions {
  /** 'huffman' (default table, the default) or 'plain' 16-bit samples. */
  readonly encoding?: 'huffman' | 'plain';
  /** Difference order (default 2, as carts write); lowered per record when a difference would not fit 16 bits. */
  readonly difference?: 0 | 1 | 2;
  /** Protocol version x10: 20 (default) or 30. */
  readonly version?: 20 | 30;
  readonly manufacturer?: string;
  /** At most 5 characters (section 1 tag 14 model field). */
  readonly model?: string;
}

/** Little-endian byte builder: small fields collected in an array, large blocks kept as chunks. */
class Out {
  private readonly chunks: Uint8Array[] = [];
  private small: number[] = [];
  u8(v: number): this {
    this.small.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(Math.floor(v / 0x10000));
  }
  raw(b: ArrayLike<number>): this {
    if (b instanceof Uint8Array && b.length > 64) {
      this.flush();
      this.chunks.push(b);
    } else for (let i = 0; i < b.length; i++) this.small.push(b[i]);
    return this;
  }
  private flush(): void {
    if (this.small.length) this.chunks.push(Uint8Array.from(this.small));
    this.small = [];
  }
  get bytes(): Uint8Array {
    this.flush();
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

const CODE_OF = new Map<string, number>();
for (let code = 0; code < 100; code++) {
  const name = leadName(code);
  if (!name.startsWith('lead ') && !CODE_OF.has(name)) CODE_OF.set(name, code);
}
for (const [n, name] of Object.entries(LEAD_NUMBERS)) if (!CODE_OF.has(name)) CODE_OF.set(name, Number(n));

/** EN 1064 lead code of a lead name (0 = unspecified). */
export function scpLeadCode(name: string): number {
  return CODE_OF.get(standardLeadName(name)) ?? 0;
}

const latin1 = (s: string): number[] => [...Buffer.from(s, 'latin1'), 0];

function ymd(date: string): [number, number, number] | undefined {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(date);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Splits 'Last, First' (our readers' spelling) or 'Last^First' into the tag 0 and tag 1 fields. */
function nameParts(name: string): { last: string; first?: string } {
  const parts = name.split(/\^|,\s*/).map((x) => x.trim()).filter(Boolean);
  return parts.length > 1 ? { last: parts[0], first: parts.slice(1).join(' ') } : { last: name.trim() };
}

function section1(ecg: WritableEcg, opts: ScpWriteOptions, version: number): Uint8Array {
  const o = new Out();
  const tag = (t: number, body: ArrayLike<number>) => o.u8(t).u16(body.length).raw(body);
  const p: PatientIdentity = ecg.patient ?? {};
  if (p.name) {
    const { last, first } = nameParts(p.name);
    tag(0, latin1(last));
    if (first) tag(1, latin1(first));
  }
  tag(2, latin1(p.id ?? ''));
  const birth = p.birthDate ? ymd(p.birthDate) : undefined;
  if (birth) tag(5, new Out().u16(birth[0]).u8(birth[1]).u8(birth[2]).bytes);
  if (p.age !== undefined) tag(4, new Out().u16(Math.floor(p.age)).u8(1).bytes);
  if (p.sex) tag(8, [p.sex === 'M' ? 1 : p.sex === 'F' ? 2 : p.sex === 'unknown' ? 0 : 9]);
  // Tag 14, acquiring device: institution, department, device id, type 0 (cart), manufacturer 0
  // (unknown: the trade name string says it), model (6 bytes), protocol revision, compatibility level 0xD0
  // (category I), language 0 (ASCII), capabilities, mains 0 (unspecified), 16 reserved bytes,
  // then the NUL-terminated strings the reader splits.
  const model = Buffer.alloc(6);
  model.write((opts.model ?? '').slice(0, 5), 'latin1');
  const device = new Out().u16(0).u16(0).u16(0).u8(0).u8(0).raw(model).u8(version).u8(0xd0).u8(0).u8(0).u8(0);
  device.raw(new Array<number>(16).fill(0));
  const program = latin1('openecg');
  device.u8(program.length).raw(program).raw(latin1('')).raw(latin1('')).raw(latin1('openecg')).raw(latin1(opts.manufacturer ?? ''));
  tag(14, device.bytes);
  const acquired = (ecg.date && ymd(ecg.date)) || [1900, 1, 1];
  tag(25, new Out().u16(acquired[0]).u8(acquired[1]).u8(acquired[2]).bytes);
  const t = /^(\d{1,2}):(\d{2}):(\d{2})/.exec(ecg.time ?? '');
  tag(26, t ? [Number(t[1]), Number(t[2]), Number(t[3])] : [0, 0, 0]);
  o.u8(255).u16(0);
  return o.bytes;
}

function section8(statements: readonly string[], date: [number, number, number]): Uint8Array {
  const o = new Out().u8(0).u16(date[0]).u8(date[1]).u8(date[2]).u8(0).u8(0).u8(0).u8(statements.length);
  statements.forEach((s, i) => {
    const text = latin1(s);
    o.u8(i + 1).u16(text.length).raw(text);
  });
  return o.bytes;
}

/** A section: 16-byte ID header (CRC, id, length, versions, reserved or 'SCPECG'), body, even length. */
function section(id: number, body: Uint8Array, version: number): Uint8Array {
  const pad = body.length % 2;
  const length = 16 + body.length + pad;
  const o = new Out().u16(0).u16(id).u32(length).u8(version).u8(version);
  o.raw(id === 0 ? [...Buffer.from('SCPECG', 'latin1')] : [0, 0, 0, 0, 0, 0]).raw(body);
  if (pad) o.u8(0);
  const bytes = o.bytes;
  const crc = crcCcitt(bytes.subarray(2));
  bytes[0] = crc & 0xff;
  bytes[1] = crc >> 8;
  return bytes;
}

/** Section 6 body; the difference order actually used is the highest ≤ `wanted` whose values fit 16 bits. */
function rhythmSection(counts: readonly Int16Array[], avm: number, intervalUs: number, wanted: 0 | 1 | 2, huffman: boolean): Uint8Array {
  let order: 0 | 1 | 2 = wanted;
  let diffs = counts.map((x) => differences(x, order));
  while (order > 0 && !diffs.every(fitsInt16)) {
    order = (order - 1) as 0 | 1;
    diffs = counts.map((x) => differences(x, order));
  }
  const data = diffs.map((d) => {
    if (huffman) return huffmanEncode(d, DEFAULT_TABLE);
    const b = Buffer.alloc(2 * d.length);
    d.forEach((v, i) => b.writeInt16LE(v, 2 * i));
    return new Uint8Array(b);
  });
  const tooLong = data.findIndex((d) => d.length > 0xffff);
  if (tooLong >= 0) {
    throw new FormatError('write', `SCP-ECG: lead ${tooLong + 1} needs ${data[tooLong].length} bytes, section 6 stores at most 65535 per lead (record too long for SCP-ECG)`);
  }
  const o = new Out().u16(avm).u16(intervalUs).u8(order).u8(0);
  for (const d of data) o.u16(d.length);
  for (const d of data) o.raw(d);
  return o.bytes;
}

/** Encodes `ecg` as an SCP-ECG record. */
export function writeScp(ecg: WritableEcg, opts: ScpWriteOptions = {}): WriteResult {
  const n = checkWritable(ecg, 'SCP-ECG');
  const version = opts.version ?? 20;
  const intervalUs = 1e6 / ecg.fs;
  if (!Number.isInteger(intervalUs) || intervalUs > 0xffff) {
    throw new FormatError('write', `SCP-ECG stores the sample interval in whole microseconds (at most 65535): ${ecg.fs} Hz gives ${intervalUs} us`);
  }
  if (ecg.leads.length > 255) throw new FormatError('write', `SCP-ECG: ${ecg.leads.length} leads, section 3 holds at most 255`);
  const warnings: string[] = [];
  // The amplitude unit is a whole number of nanovolts: the step is rounded to one.
  let avm = Math.round((ecg.stepUv ?? amplitudeStepUv(ecg.signals)) * 1000);
  if (avm < 1 || avm > 0xffff) {
    warnings.push(`amplitude step ${avm} nV outside SCP-ECG's 1..65535 nV: ${Math.min(0xffff, Math.max(1, avm))} nV used`);
    avm = Math.min(0xffff, Math.max(1, avm));
  }
  const counts = quantizeLeads(ecg.leads, ecg.signals, avm / 1000, warnings);
  const huffman = (opts.encoding ?? 'huffman') === 'huffman';
  const bodies = new Map<number, Uint8Array>();
  bodies.set(1, section1(ecg, opts, version));
  if (huffman) bodies.set(2, new Out().u16(19999).bytes);
  const s3 = new Out().u8(ecg.leads.length).u8(4 | (Math.min(31, ecg.leads.length) << 3));
  for (const name of ecg.leads) s3.u32(1).u32(n).u8(scpLeadCode(name));
  bodies.set(3, s3.bytes);
  bodies.set(6, rhythmSection(counts, avm, intervalUs, opts.difference ?? 2, huffman));
  if (ecg.statements?.length) bodies.set(8, section8(ecg.statements, (ecg.date && ymd(ecg.date)) || [1900, 1, 1]));

  // Section 0 points at sections 0-11 (absent ones with length 0 and index 0), then any other.
  const ids = [...new Set([...Array(12).keys(), ...bodies.keys()])].sort((a, b) => a - b);
  const built = new Map<number, Uint8Array>();
  for (const id of ids) {
    const body = bodies.get(id);
    if (body) built.set(id, section(id, body, version));
  }
  const s0Length = 16 + 10 * ids.length;
  const pointers = new Out();
  let at = 6 + s0Length;
  for (const id of ids) {
    if (id === 0) {
      pointers.u16(0).u32(s0Length).u32(7);
      continue;
    }
    const s = built.get(id);
    pointers.u16(id).u32(s ? s.length : 0).u32(s ? at + 1 : 0);
    if (s) at += s.length;
  }
  const parts = [section(0, pointers.bytes, version), ...ids.flatMap((id) => (built.has(id) ? [built.get(id)!] : []))];
  const total = 6 + parts.reduce((a, p) => a + p.length, 0);
  const bytes = new Uint8Array(total);
  let p = 6;
  for (const part of parts) {
    bytes.set(part, p);
    p += part.length;
  }
  bytes[2] = total & 0xff;
  bytes[3] = (total >> 8) & 0xff;
  bytes[4] = (total >> 16) & 0xff;
  bytes[5] = (total >>> 24) & 0xff;
  const crc = crcCcitt(bytes.subarray(2));
  bytes[0] = crc & 0xff;
  bytes[1] = crc >> 8;
  return { bytes, warnings };
}
