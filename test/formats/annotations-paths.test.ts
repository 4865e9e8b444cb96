// WFDB annotation files written here for every code path of the reader: SKIP (long and backward
// jumps), NUM/SUB/CHN changes, AUX of odd and even length, AHA format, time resolution, custom
// symbols, the first and last sample, truncated and corrupt files, windows, chunk boundaries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError, readAnnotations, type WfdbAnnotation } from '../../src/main/formats/index.js';
import { AhaDecoder, MitDecoder, type RawAnnotation } from '../../src/main/formats/wfdb/annotation-decode.js';
import { encodeAhaAnnotations, encodeMitAnnotations, writeAnnotations, type AnnotationToWrite } from '../../src/main/formats/wfdb/annotation-write.js';

const dir = mkdtempSync(join(tmpdir(), 'openecg-ann-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let serial = 0;
/** A record of `frames` frames at `fs` (no signals: annotations need only the header). */
function record(fs = 360, frames = 1000): string {
  const name = `r${++serial}`;
  writeFileSync(join(dir, `${name}.hea`), `${name} 0 ${fs} ${frames}\n`);
  return join(dir, name);
}

const full = (a: AnnotationToWrite): WfdbAnnotation => ({ sample: a.sample, symbol: a.symbol ?? '', subtype: a.subtype ?? 0, chan: a.chan ?? 0, num: a.num ?? 0, aux: a.aux ?? '' });

async function roundTrip(anns: AnnotationToWrite[], expected = anns.map(full)) {
  const rec = record();
  writeAnnotations(`${rec}.tst`, anns);
  const r = await readAnnotations(rec, 'tst');
  expect(r.annotations).toEqual(expected);
  expect(r.total).toBe(expected.length);
  return r;
}

async function failure(bytes: Uint8Array | number[]): Promise<FormatError> {
  const rec = record();
  writeFileSync(`${rec}.bad`, Uint8Array.from(bytes));
  const err = await readAnnotations(rec, 'bad').then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  expect((err as Error).message).not.toContain('\n');
  expect((err as Error).message).toContain(`${rec}.bad`);
  return err as FormatError;
}

describe('MIT format', () => {
  it('reads SKIPs: jumps over 1,023 frames, over 2^16, over 2^31 (several SKIPs) and backward', async () => {
    const anns = [0, 1023, 1024, 1024 + 70_000, 5_000_000, 3_000_000_000, 7_000_000_000, 6_999_999_000, 7_000_000_001].map((sample) => ({ sample, symbol: 'N' }));
    const rec = record();
    const bytes = encodeMitAnnotations(anns);
    // 1023 fits the word; 1024 onwards (and the backward step) need a SKIP word + 32-bit interval.
    const skips = [...Array(bytes.length >> 1).keys()].filter((i) => bytes[2 * i + 1] >> 2 === 59).length;
    expect(skips).toBeGreaterThanOrEqual(6);
    writeFileSync(`${rec}.skp`, bytes);
    const r = await readAnnotations(rec, 'skp');
    expect(r.annotations.map((a) => a.sample)).toEqual(anns.map((a) => a.sample));
  });

  it('keeps chan and num until changed, resets subtype and aux per annotation (signed num and subtype)', async () => {
    await roundTrip(
      [
        { sample: 10, symbol: 'N' },
        { sample: 20, symbol: 'V', subtype: 3, chan: 2, num: -5 },
        { sample: 30, symbol: 'N', chan: 2, num: -5 },
        { sample: 30, symbol: 'p', chan: 7, num: 127 },
        { sample: 40, symbol: '~', subtype: -1, chan: 255, num: -128 },
        { sample: 50, symbol: 'N', chan: 0, num: 0 },
      ],
    );
  });

  it('reads aux notes of odd, even, empty and maximal length (pad byte after odd ones)', async () => {
    const long = 'x'.repeat(254) + 'y';
    await roundTrip([
      { sample: 5, symbol: '+', aux: '(AFIB' },
      { sample: 6, symbol: '+', aux: '(N' },
      { sample: 7, symbol: 'N' },
      { sample: 8, symbol: '"', aux: 'a note with spaces, é' },
      { sample: 9, symbol: '"', aux: long },
      { sample: 10, symbol: 'N', aux: 'z' },
    ]);
  });

  it('an annotation at frame 0 and one at the last frame', async () => {
    const rec = record(500, 5000);
    writeAnnotations(`${rec}.ends`, [
      { sample: 0, symbol: 'N' },
      { sample: 0, symbol: '"', aux: 'not a definition' },
      { sample: 4999, symbol: 'N' },
    ]);
    const r = await readAnnotations(rec, 'ends');
    expect(r.annotations.map((a) => [a.sample, a.symbol, a.aux])).toEqual([[0, 'N', ''], [0, '"', 'not a definition'], [4999, 'N', '']]);
    expect((await readAnnotations(rec, 'ends', { from: 4999, to: 5000 })).annotations.map((a) => a.sample)).toEqual([4999]);
    expect((await readAnnotations(rec, 'ends', { from: 0, to: 1 })).annotations).toHaveLength(2);
  });

  it('every code 1-49 reads with wfdb-python symbols; codes without one read as "" with a warning', async () => {
    const anns = [...Array(49).keys()].map((i) => ({ sample: 10 * (i + 1), code: i + 1 }));
    const rec = record();
    writeAnnotations(`${rec}.all`, anns);
    const r = await readAnnotations(rec, 'all');
    // prettier-ignore
    expect(r.annotations.map((a) => a.symbol)).toEqual([
      'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', '*', 'D', '"', '=', 'p',
      'B', '^', 't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', ')', 'r', '', '', '', '', '', '', '', '',
    ]);
    expect(r.annotations[14].symbol).toBe('');
    expect(r.annotations[16].symbol).toBe('');
    expect(r.warnings.some((w) => w.includes('code 15'))).toBe(true);
    expect(r.warnings.some((w) => w.includes('code 49'))).toBe(true);
  });

  it('uses the symbols a file defines, and drops the definition notes', async () => {
    const rec = record();
    writeAnnotations(`${rec}.def`, [{ sample: 3, code: 42 }, { sample: 4, symbol: 'N' }], { symbols: new Map([[42, 'Z']]) });
    const r = await readAnnotations(rec, 'def');
    expect(r.annotations.map((a) => [a.sample, a.symbol])).toEqual([[3, 'Z'], [4, 'N']]);
    expect(r.warnings).toEqual([]);
  });

  it('rescales a file written at another time resolution to the record frames', async () => {
    const rec = record(250, 10_000);
    writeAnnotations(`${rec}.hr`, [{ sample: 1000, symbol: 'N' }, { sample: 1002, symbol: 'N' }, { sample: 39_998, symbol: 'V' }], { timeResolution: 1000 });
    const r = await readAnnotations(rec, 'hr');
    expect(r.annotations.map((a) => a.sample)).toEqual([250, 251, 10_000]); // 250.5 rounds up, as the WFDB library
    expect(r.fs).toBe(250);
    expect(r.warnings.join()).toContain('rescaled');
    const same = record(1000, 10_000);
    writeAnnotations(`${same}.hr`, [{ sample: 1002, symbol: 'N' }], { timeResolution: 1000 });
    expect((await readAnnotations(same, 'hr')).annotations.map((a) => a.sample)).toEqual([1002]);
  });

  it('a window equals filtering the whole file', async () => {
    let t = 0;
    const syms = ['N', 'N', 'N', 'V', 'A', '+', 'p', 't', '(', ')'];
    const anns = [...Array(5000).keys()].map((i) => {
      t += (i * 7919) % 1500; // some gaps need SKIPs
      return { sample: t, symbol: syms[i % syms.length], aux: i % 37 === 0 ? '(AFIB' : '', chan: i % 3 };
    });
    const rec = record();
    writeAnnotations(`${rec}.win`, anns);
    const whole = (await readAnnotations(rec, 'win')).annotations;
    expect(whole).toHaveLength(5000);
    for (const [from, to] of [[0, 1], [0, 100_000], [123_456, 2_000_000], [t, t + 1], [t + 1, t + 10], [500_000, 500_000]]) {
      const r = await readAnnotations(rec, 'win', { from, to });
      expect(r.total).toBe(5000);
      expect(r.annotations).toEqual(whole.filter((a) => a.sample >= from && a.sample < to));
    }
  });

  it('decodes the same whatever the chunk boundaries (SKIP and AUX split across chunks)', async () => {
    const anns = [...Array(15_000).keys()].map((i) => ({ sample: i * 2000, symbol: i % 2 ? 'N' : '+', aux: i % 2 ? '' : `(R${i % 7}`, num: i % 5 }));
    const bytes = encodeMitAnnotations(anns);
    expect(bytes.length).toBeGreaterThan(2 * 65536); // read in several 64 KiB chunks
    const rec = record();
    writeFileSync(`${rec}.big`, bytes);
    const read = (await readAnnotations(rec, 'big')).annotations;
    const decode = (step: number): RawAnnotation[] => {
      const out: RawAnnotation[] = [];
      const d = new MitDecoder('x', (a) => out.push(a));
      for (let i = 0; i < 6_000; i += step) d.push(bytes.subarray(i, Math.min(i + step, 6_000)));
      for (let i = 6_000; i < bytes.length; i += 4099) d.push(bytes.subarray(i, i + 4099));
      d.end();
      return out;
    };
    const expected = anns.map(full);
    expect(read).toEqual(expected);
    for (const step of [1, 3, 7]) expect(decode(step).map((a) => ({ sample: a.time, symbol: a.code === 1 ? 'N' : '+', subtype: a.subtype, chan: a.chan, num: a.num, aux: a.aux }))).toEqual(expected);
  });
});

describe('AHA format', () => {
  it('reads 16-byte entries: letters, MIT codes, subtypes, aux, time; the 0xFF padding ends it', async () => {
    const anns = [
      { sample: 0, symbol: 'N' },
      { sample: 300, symbol: 'V' },
      { sample: 70_000, symbol: 'L' },
      { sample: 70_100, symbol: 'F', aux: 'abcdef' },
      { sample: 80_000, symbol: '~', subtype: -1 },
      { sample: 90_000, symbol: '[' },
      { sample: 95_000, symbol: ']' },
      { sample: 99_999, symbol: '"', aux: 'odd' },
    ];
    const rec = record(250, 100_000);
    writeAnnotations(`${rec}.aha`, anns, { format: 'aha' });
    const r = await readAnnotations(rec, 'aha');
    expect(r.format).toBe('aha');
    expect(r.annotations).toEqual(anns.map(full));
  });

  it('a letter-only entry (no MIT code byte) maps through the AHA table', async () => {
    const entry = (letter: string, t: number, n: number) => [0, letter.charCodeAt(0), 0, 0, t & 0xff, t >> 8, n, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const bytes = [...entry('N', 10, 1), ...entry('E', 20, 2), ...entry('R', 30, 3), ...entry('U', 40, 4), ...entry('P', 50, 5), ...Array(1024 - 80).fill(0xff)];
    const rec = record();
    writeFileSync(`${rec}.aha`, Uint8Array.from(bytes));
    const r = await readAnnotations(rec, 'aha');
    expect(r.annotations.map((a) => [a.sample, a.symbol, a.subtype])).toEqual([[10, 'N', 0], [20, 'E', 0], [30, 'r', 0], [40, '~', -1], [50, '/', 0]]);
  });
});

describe('bad files', () => {
  const good = encodeMitAnnotations([{ sample: 2000, symbol: 'N' }, { sample: 2010, symbol: '+', aux: '(AFIB' }]);

  it('truncated: in a SKIP, in an aux note, in half a word, empty', async () => {
    expect((await failure(good.subarray(0, 4))).code).toBe('truncated'); // SKIP word + half its interval
    expect((await failure(good.subarray(0, good.length - 4))).message).toMatch(/truncated annotation file: it ends in an aux note/);
    expect((await failure(good.subarray(0, 9))).message).toMatch(/half a word/);
    expect((await failure([])).message).toMatch(/empty annotation file/);
    const aha = new Uint8Array(40);
    aha.set([0, 0x4e, 0, 0, 1, 0, 1, 0]);
    expect((await failure(aha)).message).toMatch(/truncated AHA annotation file/);
  });

  it('no end marker is read with a warning', async () => {
    const rec = record();
    writeFileSync(`${rec}.cut`, good.subarray(0, good.length - 2));
    const r = await readAnnotations(rec, 'cut');
    expect(r.annotations.map((a) => a.aux)).toEqual(['', '(AFIB']);
    expect(r.warnings.join()).toMatch(/no end marker/);
  });

  it('corrupt: a code 50-58 word, a time before the record start, an AHA entry out of step', async () => {
    expect((await failure([0x05, 55 << 2, 0, 0])).message).toMatch(/corrupt annotation file: code 55 at byte 0/);
    expect((await failure([0, 59 << 2, 0xff, 0xff, 0xf0, 0xff, 0x05, 0x04, 0, 0])).message).toMatch(/before the record start/);
    const aha = new Uint8Array(32);
    aha.set([0, 0x4e, 0, 0, 1, 0, 1, 0]);
    aha.set([7, 0x4e], 16);
    expect((await failure(aha)).message).toMatch(/corrupt AHA annotation file: entry at byte 16/);
  });

  it('names missing files and records', async () => {
    const rec = record();
    await expect(readAnnotations(rec, 'nope')).rejects.toThrow(/no such annotation file \(annotator 'nope' of record r\d+\)/);
    await expect(readAnnotations(rec, '../x')).rejects.toThrow(/not an annotator name/);
    writeFileSync(join(dir, 'orphan.atr'), good);
    await expect(readAnnotations(join(dir, 'orphan'), 'atr')).rejects.toThrow(/no header .*orphan\.hea/);
    expect((await readAnnotations(join(dir, 'orphan'), 'atr', { fs: 128 })).fs).toBe(128);
  });

  it('damaged bytes (flipped, cut) only ever fail as a FormatError', () => {
    const anns = [...Array(300).keys()].map((i) => ({ sample: i * 997, symbol: i % 3 ? 'N' : '+', aux: i % 3 ? '' : '(AB', chan: i % 2, subtype: i % 4 }));
    let x = 7;
    const rand = (n: number) => {
      x = (x * 48_271) % 2_147_483_647;
      return x % n;
    };
    for (const [bytes, Decoder] of [[encodeMitAnnotations(anns), MitDecoder], [encodeAhaAnnotations(anns), AhaDecoder]] as const) {
      let failures = 0;
      for (let k = 0; k < 300; k++) {
        const b = bytes.slice(0, bytes.length - rand(40));
        for (let f = 0; f < 1 + rand(8); f++) b[rand(b.length)] = rand(256);
        try {
          const d = new Decoder('fuzz', () => undefined);
          const cut = rand(b.length);
          d.push(b.subarray(0, cut));
          d.push(b.subarray(cut));
          d.end();
        } catch (err) {
          expect(err).toBeInstanceOf(FormatError);
          failures++;
        }
      }
      expect(failures).toBeGreaterThan(0);
    }
  });
});
