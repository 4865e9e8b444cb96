// Test-only writer of small DICOM ECG waveform files (explicit VR little endian, part 10), so the
// reader meets groups, sample kinds and broken files the shared example does not have.
export interface WChannel {
  readonly code: string;
  readonly meaning: string;
  readonly sensitivity?: number;
  readonly units?: string;
  readonly correction?: number;
  readonly baseline?: number;
  readonly sampleSkew?: number;
}

export interface WGroup {
  readonly label: string;
  readonly fs: number;
  readonly interpretation: 'SS' | 'US' | 'SB' | 'UB';
  readonly channels: readonly WChannel[];
  /** samples[c][i]. */
  readonly samples: readonly (readonly number[])[];
  /** Bytes to drop from the end of WaveformData (a wrong length). */
  readonly dropBytes?: number;
}

const LONG_VR = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function element(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const v = value.length % 2 ? Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]) : value;
  const head = Buffer.alloc(LONG_VR.has(vr) ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(elem, 2);
  head.write(vr, 4, 'latin1');
  if (LONG_VR.has(vr)) head.writeUInt32LE(v.length, 8);
  else head.writeUInt16LE(v.length, 6);
  return Buffer.concat([head, v]);
}

const s = (g: number, e: number, vr: string, text: string): Buffer => element(g, e, vr, Buffer.from(text, 'latin1'));
const u16 = (g: number, e: number, n: number): Buffer => element(g, e, 'US', Buffer.from(Uint16Array.of(n).buffer));
const u32 = (g: number, e: number, n: number): Buffer => element(g, e, 'UL', Buffer.from(Uint32Array.of(n).buffer));

function sequence(g: number, e: number, itemsBody: readonly Buffer[]): Buffer {
  const body = Buffer.concat(
    itemsBody.map((b) => {
      const h = Buffer.alloc(8);
      h.writeUInt16LE(0xfffe, 0);
      h.writeUInt16LE(0xe000, 2);
      h.writeUInt32LE(b.length, 4);
      return Buffer.concat([h, b]);
    }),
  );
  return element(g, e, 'SQ', body);
}

const codeItem = (value: string, scheme: string, meaning: string): Buffer => Buffer.concat([s(0x0008, 0x0100, 'SH', value), s(0x0008, 0x0102, 'SH', scheme), s(0x0008, 0x0104, 'LO', meaning)]);

function groupItem(g: WGroup): Buffer {
  const n = g.samples[0]?.length ?? 0;
  const nch = g.channels.length;
  const bytes = g.interpretation === 'SS' || g.interpretation === 'US' ? 2 : 1;
  const data = Buffer.alloc(n * nch * bytes);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nch; c++) {
      const k = i * nch + c;
      const v = g.samples[c][i];
      if (g.interpretation === 'SS') data.writeInt16LE(v, 2 * k);
      else if (g.interpretation === 'US') data.writeUInt16LE(v, 2 * k);
      else if (g.interpretation === 'SB') data.writeInt8(v, k);
      else data.writeUInt8(v, k);
    }
  }
  const defs = g.channels.map((ch) =>
    Buffer.concat([
      sequence(0x003a, 0x0208, [codeItem(ch.code, 'SCPECG', ch.meaning)]),
      ...(ch.sensitivity !== undefined ? [s(0x003a, 0x0210, 'DS', String(ch.sensitivity)), sequence(0x003a, 0x0211, [codeItem(ch.units ?? 'uV', 'UCUM', ch.units ?? 'uV')])] : []),
      s(0x003a, 0x0212, 'DS', String(ch.correction ?? 1)),
      s(0x003a, 0x0213, 'DS', String(ch.baseline ?? 0)),
      s(0x003a, 0x0215, 'DS', String(ch.sampleSkew ?? 0)),
      u16(0x003a, 0x021a, bytes * 8),
    ]),
  );
  return Buffer.concat([
    s(0x003a, 0x0004, 'CS', 'ORIGINAL'),
    u16(0x003a, 0x0005, nch),
    u32(0x003a, 0x0010, n),
    s(0x003a, 0x001a, 'DS', String(g.fs)),
    s(0x003a, 0x0020, 'SH', g.label),
    sequence(0x003a, 0x0200, defs),
    u16(0x5400, 0x1004, bytes * 8),
    s(0x5400, 0x1006, 'CS', g.interpretation),
    element(0x5400, 0x1010, bytes === 2 ? 'OW' : 'OB', data.subarray(0, data.length - (g.dropBytes ?? 0))),
  ]);
}

export interface WDicom {
  readonly groups: readonly WGroup[];
  readonly patientName?: string;
  readonly patientId?: string;
  readonly birthDate?: string;
  readonly sopClass?: string;
}

/** A part-10 file: preamble, 'DICM', meta group, then the data set in explicit VR little endian. */
export function dicomBytes(d: WDicom): Buffer {
  const sop = d.sopClass ?? '1.2.840.10008.5.1.4.1.1.9.1.1';
  const metaBody = Buffer.concat([s(0x0002, 0x0002, 'UI', sop), s(0x0002, 0x0003, 'UI', '1.2.3.4'), s(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1')]);
  const meta = Buffer.concat([u32(0x0002, 0x0000, metaBody.length), metaBody]);
  const body = Buffer.concat([
    s(0x0008, 0x0016, 'UI', sop),
    s(0x0008, 0x002a, 'DT', '20240102030405'),
    s(0x0010, 0x0010, 'PN', d.patientName ?? ''),
    s(0x0010, 0x0020, 'LO', d.patientId ?? ''),
    s(0x0010, 0x0030, 'DA', d.birthDate ?? ''),
    ...(d.groups.length ? [sequence(0x5400, 0x0100, d.groups.map(groupItem))] : []),
  ]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, body]);
}
