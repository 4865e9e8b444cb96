// The fused WFDB fast path (decode straight to physical units) against the general path
// (decode, demultiplex, convert) on records written at test time: bit-identical values, NaN where
// invalid, the same checksums, for every format it serves, ranges and unaligned bytes included.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePhysical, decodeSamples, PHYSICAL_FORMATS } from '../../src/main/formats/wfdb/decode.js';
import { formatSpec, type FormatSpec } from '../../src/main/formats/wfdb/formats.js';
import { readHeaderFile } from '../../src/main/formats/wfdb/header-file.js';
import { fusable, groupSignals, openGroup } from '../../src/main/formats/wfdb/signal-file.js';
import { writeRecord, encode, interleave, checksum16, type WSignal } from './helpers/wfdb-writer.js';
import { digitalSamples, FORMAT_BITS } from './helpers/samples.js';

const dir = mkdtempSync(join(tmpdir(), 'openecg-fused-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FRAMES = 777;
const SIGNALS = [
  { gain: 200, baseline: 0 },
  { gain: 1000.5, baseline: -12 },
  { gain: 12.84, baseline: 7 },
];

/** Same values bit for bit, NaN for NaN. */
function sameBits(got: Float64Array, want: ArrayLike<number>): string {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return `sample ${i}: ${got[i]} != ${want[i]}`;
  return 'same';
}

describe.each([...PHYSICAL_FORMATS])('fused path, format %i', (format) => {
  const invalid = -(2 ** (FORMAT_BITS[format] - 1));

  it('gives the general path’s physical values and checksums, whole and in ranges', async () => {
    const name = `fused${format}`;
    const signals: WSignal[] = SIGNALS.map((g, c) => ({ name: `s${c}`, samples: digitalSamples(format, FRAMES, 7 * format + c, c === 1 ? [0, 5, 6, FRAMES - 1] : []), ...g }));
    writeRecord(dir, { name, fs: 500, frames: FRAMES, files: [{ fileName: `${name}.dat`, format, byteOffset: 24 + (format % 3), signals }] });
    const header = readHeaderFile(join(dir, `${name}.hea`));
    const [group] = groupSignals(header.signals, name);
    expect(fusable(group)).toBe(true);
    const open = await openGroup(dir, group);
    try {
      for (const [from, to] of [
        [0, FRAMES],
        [1, 2],
        [3, 500],
        [FRAMES - 1, FRAMES],
        [10, 10],
      ]) {
        const whole = from === 0 && to === FRAMES;
        const fused = open.readPhysical(from, to, whole ? FRAMES : undefined);
        const general = open.read(from, to, whole ? FRAMES : undefined);
        expect(fused).not.toBeNull();
        group.members.forEach((m, k) => {
          const want = Array.from(general.samples[k], (d) => (d - m.spec.baseline) / m.spec.adcGain);
          expect(sameBits(fused!.samples[k], want), `[${from}, ${to}) signal ${k}`).toBe('same');
        });
        if (whole) {
          expect(fused!.checksums).toEqual(general.checksums);
          expect(fused!.checksums).toEqual(signals.map((s) => checksum16(s.samples)));
        }
      }
      const spoilt = open.readPhysical(0, FRAMES)!.samples[1];
      expect([0, 5, 6, FRAMES - 1].map((i) => Number.isNaN(spoilt[i]))).toEqual([true, true, true, true]);
      expect(Array.from(spoilt).filter(Number.isNaN).length).toBe(signals[1].samples.filter((d) => d === invalid).length);
    } finally {
      open.close();
    }
  });

  it('decodes from bytes at any alignment like decodeSamples', () => {
    const f = formatSpec(format) as FormatSpec;
    const file = { fileName: 'x', format, signals: [0, 1].map((c) => ({ name: `s${c}`, samples: digitalSamples(format, 101, 3 + c, [2 + c]) })) };
    const bytes = encode(format, interleave(file, 101));
    const flat = new Int32Array(202);
    decodeSamples(f, bytes, 202, flat);
    // One byte in: a format 16 file read into an odd address takes the byte-wise loop.
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    for (const b of [bytes, shifted]) {
      for (const k of [0, 1]) {
        const out = new Float64Array(101);
        const sum = decodePhysical(f, b, k, 2, out, 3, 0.5);
        const digital = Array.from({ length: 101 }, (_, i) => flat[2 * i + k]);
        expect(sameBits(out, digital.map((d) => (d === invalid ? NaN : (d - 3) / 0.5)))).toBe('same');
        expect((sum << 16) >> 16).toBe(checksum16(digital));
      }
    }
  });
});

describe('fused path eligibility', () => {
  it('leaves multi-sample frames, skew and stateful formats to the general path', async () => {
    const name = 'notfused';
    const samples = digitalSamples(16, 20, 1);
    writeRecord(dir, {
      name,
      fs: 250,
      frames: 10,
      files: [
        { fileName: `${name}.a`, format: 16, signals: [{ name: 'spf2', samples, spf: 2 }] },
        { fileName: `${name}.b`, format: 16, signals: [{ name: 'skew', samples: samples.slice(0, 10), skew: 1 }] },
        { fileName: `${name}.c`, format: 8, signals: [{ name: 'diff', samples: Array(10).fill(3) }] },
        { fileName: `${name}.d`, format: 311, signals: [{ name: 'ok?', samples: digitalSamples(311, 10, 2) }] },
      ],
    });
    const groups = groupSignals(readHeaderFile(join(dir, `${name}.hea`)).signals, name);
    expect(groups.map(fusable)).toEqual([false, false, false, false]);
    const open = await openGroup(dir, groups[0]);
    try {
      expect(open.readPhysical(0, 10)).toBeNull();
    } finally {
      open.close();
    }
  });
});
