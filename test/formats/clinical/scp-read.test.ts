// SCP-ECG: the shared cart file agrees with its independent reference (libbiosig), and files
// written here at test time exercise what that file does not: plain data, first differences,
// custom Huffman tables with table switches, reference-beat subtraction, bimodal decimation,
// limb leads derived from I and II, and broken files that must fail with a clear FormatError.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, readRecord } from '../../../src/main/formats/index.js';
import { DEFAULT_TABLE, type HuffmanCode } from '../../../src/main/formats/scp/huffman.js';
import { isScpFile, readScp } from '../../../src/main/formats/scp/read.js';
import { fixRecordCrc, writeScp, type ScpSpec } from './scp-writer.js';

const SHARED = fileURLToPath(new URL('../../../../shared/ecg-samples/', import.meta.url));
const FILE = join(SHARED, 'clinical/scp-ecg/ecgtoolkit_Example.scp');
const REF = JSON.parse(readFileSync(join(SHARED, 'reference-clinical/ecgtoolkit_Example.scp.json'), 'utf8')) as {
  fs: number; sig_len: number; sig_name: string[]; head: number[][]; stats: { sum: number[]; min: number[]; max: number[] };
};
const dir = mkdtempSync(join(tmpdir(), 'openecg-scp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function failure(path: string): Promise<FormatError> {
  try {
    await readScp(path);
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error(`${path} read without error`);
}

/** A deterministic ECG-like integer series: slow wave plus a spike every 250 samples. */
function wave(n: number, seed: number, amp = 200): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((i + seed * 37) / 40) + (i % 250 < 6 ? 900 - 150 * (i % 250) : 0) + seed) + 0); // + 0: no -0 from Math.round
}

describe('SCP-ECG shared file', () => {
  it('agrees with the reference reading lead by lead', async () => {
    const r = await readRecord(FILE);
    expect(r.fs).toBe(REF.fs);
    expect(r.sigLen).toBe(REF.sig_len);
    REF.sig_name.forEach((lead, c) => {
      const i = r.channels.findIndex((ch) => ch.name.toLowerCase() === lead.toLowerCase());
      expect(i, lead).toBeGreaterThanOrEqual(0);
      const sig = r.signals[i];
      REF.head[c].forEach((v, k) => expect(Math.abs(sig[k] - v), `${lead}[${k}]`).toBeLessThanOrEqual(2e-6));
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of sig) {
        sum += v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect(sum).toBeCloseTo(REF.stats.sum[c], 6);
      expect(lo).toBeCloseTo(REF.stats.min[c], 9);
      expect(hi).toBeCloseTo(REF.stats.max[c], 9);
    });
    expect(r.channels[0]).toMatchObject({ units: 'mV', gain: 400, baseline: 0 });
  });

  it('keeps patient identity out of comments, and reads date, statements and the reference beat', async () => {
    const r = await readScp(FILE);
    expect(r.patient).toEqual({ id: 'SBJ-123', name: 'Clark', birthDate: '1953-05-08', sex: 'M', age: undefined });
    const text = r.comments.join('\n');
    for (const secret of ['SBJ-123', 'Clark', '1953']) expect(text).not.toContain(secret);
    expect(r.baseDate).toBe('2002-11-22');
    expect(r.baseTime).toBe('09:10:00');
    expect(text).toContain('Huffman, second differences');
    expect(text).toMatch(/#Measurements: .*QRS 434-554 ms/);
    expect(r.median?.fs).toBe(500);
    expect(r.median?.sigLen).toBe(599);
    expect(r.median?.channels.map((c) => c.name)).toEqual(r.channels.slice(0, 12).map((c) => c.name));
    expect(r.warnings).toEqual([]);
  });

  it('reads a window with from/to', async () => {
    const all = await readScp(FILE);
    const part = await readScp(FILE, { from: 1000, to: 1500 });
    expect(part.sigLen).toBe(500);
    expect(part.totalLen).toBe(5000);
    expect(Array.from(part.signals[3])).toEqual(Array.from(all.signals[3].subarray(1000, 1500)));
  });

  it('is detected by content, whatever the file is called', async () => {
    const path = put('cart-export.dat', readFileSync(FILE));
    expect(isScpFile(path)).toBe(true);
    expect((await readRecord(path)).channels.length).toBe(12);
    expect(isScpFile(join(SHARED, 'clinical/philips/129DYPRG.XML'))).toBe(false);
  });
});

describe('SCP-ECG written at test time', () => {
  const n = 1200;
  const eight = [1, 2, 3, 4, 5, 6, 7, 8].map((code, i) => ({ code, samples: wave(n, i + 1) }));

  it('reads plain 16-bit data and derives III, aVR, aVL, aVF from I and II', async () => {
    const spec: ScpSpec = { leads: eight, avm: 5000, patient: { lastName: 'Doe', firstName: 'Jane', id: 'P-77', birth: [1960, 2, 3], sex: 2 }, date: [2024, 5, 6], time: [7, 8, 9] };
    const r = await readScp(put('plain.scp', writeScp(spec, DEFAULT_TABLE)));
    expect(r.fs).toBe(500);
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'aVR', 'aVL', 'aVF']);
    expect(Array.from(r.signals[2])).toEqual(eight[2].samples.map((v) => v / 200)); // 5 uV per unit = 200 per mV
    const [I, II] = [eight[0].samples, eight[1].samples];
    expect(r.channels[8].derived).toBe('II - I');
    expect(r.signals[8][100]).toBeCloseTo((II[100] - I[100]) / 200, 12);
    expect(r.signals[9][100]).toBeCloseTo(-(I[100] + II[100]) / 2 / 200, 12);
    expect(r.signals[10][100]).toBeCloseTo((I[100] - II[100] / 2) / 200, 12);
    expect(r.signals[11][100]).toBeCloseTo((II[100] - I[100] / 2) / 200, 12);
    expect(r.patient).toEqual({ id: 'P-77', name: 'Doe, Jane', birthDate: '1960-02-03', sex: 'F', age: undefined });
    expect(r.comments.join('\n')).not.toMatch(/Doe|Jane|P-77|1960/);
    expect([r.baseDate, r.baseTime]).toEqual(['2024-05-06', '07:08:09']);
  });

  it('reads the default Huffman table with first differences exactly', async () => {
    const r = await readScp(put('huff1.scp', writeScp({ leads: eight, huffman: 'default', difference: 1, avm: 2500 }, DEFAULT_TABLE)));
    eight.forEach((l, i) => expect(Array.from(r.signals[i])).toEqual(l.samples.map((v) => v / 400)));
  });

  it('reads custom Huffman tables that switch between each other', async () => {
    const code = (bits: string) => [...bits].reduce((c, b, k) => c | (Number(b) << k), 0);
    // Table 1 codes small steps and switches to table 2 for anything else; table 2 has a 16-bit escape and switches back.
    const t1: HuffmanCode[] = [
      { prefixBits: 1, totalBits: 1, mode: 1, baseValue: 0, baseCode: code('0') },
      { prefixBits: 2, totalBits: 2, mode: 1, baseValue: 1, baseCode: code('10') },
      { prefixBits: 3, totalBits: 3, mode: 1, baseValue: -1, baseCode: code('110') },
      { prefixBits: 4, totalBits: 7, mode: 1, baseValue: 0, baseCode: code('1110') },
      { prefixBits: 4, totalBits: 4, mode: 0, baseValue: 2, baseCode: code('1111') },
    ];
    const t2: HuffmanCode[] = [
      { prefixBits: 1, totalBits: 17, mode: 1, baseValue: 0, baseCode: code('0') },
      { prefixBits: 1, totalBits: 1, mode: 0, baseValue: 1, baseCode: code('1') },
    ];
    const leads = eight.slice(0, 3);
    const r = await readScp(put('custom.scp', writeScp({ leads, huffman: [t1, t2], difference: 2 }, DEFAULT_TABLE)));
    leads.forEach((l, i) => expect(Array.from(r.signals[i])).toEqual(l.samples.map((v) => v / 200)));
    expect(r.comments[0]).toContain('Huffman, second differences');
  });

  it('adds the reference beat back into every type-0 subtraction zone', async () => {
    const beatLen = 300; // 600 ms at 500 Hz
    const beats = eight.map((_, i) => Array.from({ length: beatLen }, (_, k) => Math.round(800 * Math.exp(-(((k - 150) / 12) ** 2)) + i)));
    const qrs = [
      { type: 0, start: 200, fiducial: 250, end: 320 },
      { type: 1, start: 500, fiducial: 550, end: 620 }, // not type 0: left as stored
      { type: 0, start: 900, fiducial: 950, end: 1020 },
    ];
    const spec: ScpSpec = { leads: eight, huffman: 'default', difference: 2, reference: { beats, lengthMs: 600, fiducial: 150, qrs, subtract: true } };
    const r = await readScp(put('refbeat.scp', writeScp(spec, DEFAULT_TABLE)));
    eight.forEach((l, i) => expect(Array.from(r.signals[i]), `lead ${i}`).toEqual(l.samples.map((v) => v / 200)));
    expect(r.comments[0]).toContain('reference beat subtracted');
    expect(r.median?.sigLen).toBe(beatLen);
    expect(Array.from(r.median!.signals[1])).toEqual(beats[1].map((v) => v / 200));
  });

  it('undoes bimodal decimation: protected zones exact, the rest interpolated at the full rate', async () => {
    const zones: [number, number][] = [[201, 260], [701, 760]];
    // Flat outside the zones (what decimation keeps exactly), a QRS-like burst inside them.
    const leads = eight.slice(0, 2).map((l, i) => ({ code: l.code, samples: Array.from({ length: n }, (_, k) => (k + 1 >= 201 && k + 1 <= 260) || (k + 1 >= 701 && k + 1 <= 760) ? 500 * Math.sin(k) | 0 : 40 + i) }));
    const beats = leads.map(() => new Array(100).fill(0));
    const spec: ScpSpec = { leads, reference: { beats, lengthMs: 200, fiducial: 50, qrs: [{ type: 0, start: 201, fiducial: 230, end: 260 }, { type: 0, start: 701, fiducial: 730, end: 760 }], subtract: false }, bimodal: { factor: 4, zones } };
    const r = await readScp(put('bimodal.scp', writeScp(spec, DEFAULT_TABLE)));
    expect(r.fs).toBe(500);
    expect(r.sigLen).toBe(n);
    leads.forEach((l, i) => expect(Array.from(r.signals[i])).toEqual(l.samples.map((v) => v / 200)));
    expect(r.comments[0]).toContain('bimodal');
  });

  it('reads the interpretive statements of section 8 as comments', async () => {
    const r = await readScp(put('stmt.scp', writeScp({ leads: eight.slice(0, 2), statements: ['Sinus rhythm', 'Normal ECG'] }, DEFAULT_TABLE)));
    expect(r.comments).toContain('#Statement (confirmed): Sinus rhythm');
    expect(r.comments).toContain('#Statement (confirmed): Normal ECG');
  });
});

describe('SCP-ECG broken files', () => {
  const good = () => writeScp({ leads: [1, 2].map((code, i) => ({ code, samples: wave(500, i) })), huffman: 'default', difference: 2 }, DEFAULT_TABLE);

  it('truncated: the record length says more than the file holds', async () => {
    const b = good();
    const err = await failure(put('cut.scp', b.subarray(0, b.length - 100)));
    expect(err.code).toBe('truncated');
    expect(err.message).toMatch(/record length says \d+ bytes, the file has \d+/);
  });

  it('bad record CRC', async () => {
    const b = good();
    b[b.length - 3] ^= 0x55;
    const err = await failure(put('crc.scp', b));
    expect(err.code).toBe('crc');
    expect(err.message).toContain('record CRC mismatch');
  });

  it('bad section CRC with no record CRC to vouch for the bytes (0xFFFF)', async () => {
    // A wrong section CRC under a matching record CRC is read with a warning (deviations-scp.test.ts).
    const b = good();
    b[b.length - 3] ^= 0x55; // inside section 6's lead data
    b[0] = 0xff;
    b[1] = 0xff;
    const err = await failure(put('seccrc.scp', b));
    expect(err.code).toBe('crc');
    expect(err.message).toContain('section 6 CRC mismatch');
  });

  it('unknown compression (difference encoding 3)', async () => {
    const b = writeScp({ leads: [{ code: 1, samples: wave(100, 1) }], difference: 0 }, DEFAULT_TABLE);
    // Section 6 header byte 4 (after its 16-byte ID header) is the difference encoding; re-sign the section and the record.
    const s6 = findSection(b, 6);
    b[s6 + 16 + 4] = 3;
    const len = b[s6 + 4] | (b[s6 + 5] << 8);
    const { crc } = await import('./scp-writer.js');
    const c = crc(b.subarray(s6 + 2, s6 + len));
    b[s6] = c & 0xff;
    b[s6 + 1] = c >> 8;
    fixRecordCrc(b);
    const err = await failure(put('diff3.scp', b));
    expect(err.code).toBe('compression');
    expect(err.message).toContain('difference encoding 3');
  });

  it('lead data shorter than section 3 says', async () => {
    const b = writeScp({ leads: [{ code: 1, samples: wave(100, 1) }] }, DEFAULT_TABLE);
    // Section 3's end sample of lead 1 (bytes 6..9 of its entry) from 100 to 150.
    const s3 = findSection(b, 3);
    b[s3 + 16 + 2 + 4] = 150;
    const len = b[s3 + 4] | (b[s3 + 5] << 8);
    const { crc } = await import('./scp-writer.js');
    const c = crc(b.subarray(s3 + 2, s3 + len));
    b[s3] = c & 0xff;
    b[s3 + 1] = c >> 8;
    fixRecordCrc(b);
    const err = await failure(put('short.scp', b));
    expect(err.code).toBe('truncated');
    expect(err.message).toContain('holds 100 samples, 150 expected');
  });

  it('a file that is not SCP-ECG is not claimed by the SCP reader', async () => {
    const path = put('noise.bin', Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));
    expect(isScpFile(path)).toBe(false);
    const err = await failure(path);
    expect(err.code).toBe('format');
    expect(err.message).toContain('not an SCP-ECG record');
  });
});

/** Offset of section `id`'s ID header, from section 0's pointer table. */
function findSection(b: Uint8Array, id: number): number {
  for (let p = 6 + 16; p < 6 + 16 + 120; p += 10) {
    if ((b[p] | (b[p + 1] << 8)) === id) return (b[p + 6] | (b[p + 7] << 8)) - 1;
  }
  throw new Error(`no section ${id}`);
}
