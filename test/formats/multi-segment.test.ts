// Multi-segment records: the shared fixed-layout 041s, and a variable-layout record written
// here with a layout header, a null segment and segments holding different signals and gains.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import { writeRecord } from './helpers/wfdb-writer.js';
import { digitalSamples } from './helpers/samples.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openecg-wfdb-multi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!(Object.is(a[i], b[i]) || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) return false;
  return true;
}

describe('fixed layout (041s)', () => {
  const path = `${SAMPLES}wfdb/multi-segment/041s/041s`;

  it('segments join end to end; ranges across the boundary are slices of the whole', async () => {
    const whole = await readRecord(path);
    expect(whole.sigLen).toBe(2000);
    const seg2 = await readRecord(`${SAMPLES}wfdb/multi-segment/041s/041s02`);
    expect(same(whole.signals[3].subarray(1000), seg2.signals[3])).toBe(true);
    for (const [from, to] of [[990, 1010], [0, 1000], [1000, 2000], [1999, 2000]]) {
      const part = await readRecord(path, { from, to });
      part.signals.forEach((s, c) => expect(same(s, whole.signals[c].subarray(from, to)), `[${from}, ${to}) channel ${c}`).toBe(true));
    }
  });
});

describe('variable layout', () => {
  const a = digitalSamples(16, 100, 1);
  const b = digitalSamples(16, 100, 2);
  const c = digitalSamples(212, 80, 3);
  writeFileSync(join(dir, 'rec_layout.hea'), 'rec_layout 3 250 0\n~ 0 100/mV 16 0 0 0 0 A\n~ 0 200/mV 16 0 0 0 0 B\n~ 0 300/uV 12 0 0 0 0 C\n');
  writeRecord(dir, { name: 'seg1', fs: 250, frames: 100, files: [{ fileName: 'seg1.dat', format: 16, signals: [{ name: 'B', samples: b, gain: 50 }, { name: 'A', samples: a, gain: 400, baseline: 3 }] }] });
  writeRecord(dir, { name: 'seg3', fs: 250, frames: 80, files: [{ fileName: 'seg3.dat', format: 212, signals: [{ name: 'C', samples: c, gain: 7 }] }] });
  writeFileSync(join(dir, 'rec.hea'), 'rec/4 3 250 230\nrec_layout 0\nseg1 100\n~ 50\nseg3 80\n# made for the test\n');
  const nan = (n: number) => Array<number>(n).fill(NaN);

  it('signals come from the layout header, each segment converted with its own gain, gaps NaN', async () => {
    const r = await readRecord(join(dir, 'rec'));
    expect(r.sigLen).toBe(230);
    expect(r.channels.map((ch) => `${ch.name} ${ch.units} ${ch.gain}`)).toEqual(['A mV 100', 'B mV 200', 'C uV 300']);
    expect(r.comments).toEqual(['made for the test']);
    expect(same(r.signals[0], [...a.map((d) => (d - 3) / 400), ...nan(130)])).toBe(true);
    expect(same(r.signals[1], [...b.map((d) => d / 50), ...nan(130)])).toBe(true);
    const cPhys = c.map((d) => (d === -2048 ? NaN : d / 7));
    expect(same(r.signals[2], [...nan(150), ...cPhys])).toBe(true);
  });

  it('ranges are slices of the whole, inside the null segment too', async () => {
    const whole = await readRecord(join(dir, 'rec'));
    for (const [from, to] of [[90, 160], [100, 150], [120, 130], [149, 151], [229, 230]]) {
      const part = await readRecord(join(dir, 'rec'), { from, to });
      expect(part.sigLen).toBe(to - from);
      part.signals.forEach((s, ch) => expect(same(s, whole.signals[ch].subarray(from, to)), `[${from}, ${to}) channel ${ch}`).toBe(true));
    }
  });
});
