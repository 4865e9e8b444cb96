// A 24-hour, 3-lead, 200 Hz ISHNE Holter (104 MB, written sparsely): opening it reads the header
// only (counted by the file source), and a window at hour 20 reads exactly its own samples.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../../src/main/formats/edf/source.js';
import { readIshneFrom } from '../../src/main/formats/ishne/read.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { writeSparseIshne, type IshneSpec, type LeadSource } from './helpers/ishne-writer.js';

const FS = 200;
const TOTAL = 86400 * FS;
const spec: IshneSpec = { leadSpec: [17, 18, 19], resolutionNv: [2500, 2500, 2500], fs: FS, samplesPerLead: TOTAL, varBlock: 'x'.repeat(100), recordDate: [1, 2, 2023], startTime: [9, 0, 0] };
const wave: LeadSource = (k, n) => ((n * 13 + k * 401) % 3001) - 1500;
const AT = 20 * 3600 * FS + 77;

describe('24-hour ISHNE Holter', () => {
  const path = join(tempDir('ishne-holter'), 'day.ecg');
  const size = writeSparseIshne(path, spec, wave, [[0, 1000], [AT, AT + 4000], [TOTAL - 10, TOTAL]]);

  it('opens reading the header only', () => {
    expect(size).toBe(522 + 100 + TOTAL * 6);
    const src = new FileSource(path);
    try {
      const r = readIshneFrom(src, 'day.ecg', { from: 0, to: 0 });
      expect(r.totalLen).toBe(TOTAL);
      expect(r.channels.map((c) => c.name)).toEqual(['ES', 'AS', 'AI']);
      // The magic number, then the fixed and variable header blocks: nothing of the ECG block.
      expect(src.bytesRead).toBe(8 + 522 + 100);
    } finally {
      src.close();
    }
  });

  it('reads a window at hour 20 from exactly its own bytes', () => {
    const src = new FileSource(path);
    try {
      const r = readIshneFrom(src, 'day.ecg', { from: AT, to: AT + 4000 });
      expect(src.bytesRead).toBe(8 + 522 + 100 + 4000 * 6);
      for (const k of [0, 1, 2]) for (const i of [0, 1, 2999, 3999]) expect(r.signals[k][i]).toBeCloseTo((wave(k, AT + i) * 2500) / 1e6, 12);
    } finally {
      src.close();
    }
  });

  it('reads the end through readRecord', async () => {
    const r = await readRecord(path, { from: TOTAL - 10 });
    expect(r.sigLen).toBe(10);
    expect(r.signals[1][9]).toBeCloseTo((wave(1, TOTAL - 1) * 2500) / 1e6, 12);
  });
});
