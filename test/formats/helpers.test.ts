// The helpers that replaced repeated code: age at acquisition, WFDB quantisation and the limb
// leads from I and II (each checked against the formula it stands for).
import { describe, expect, it } from 'vitest';
import { LIMB_FROM_I_II, limbFromIandII } from '../../src/shared/leads.js';
import { ageOnDates } from '../../src/main/formats/clinical/dates.js';
import { readWfdb } from '../../src/main/formats/index.js';
import { encodeFormat16, headerText, quantizeCounted } from '../../src/main/formats/wfdb/write.js';
import { deriveLimbLeads as scpLimb } from '../../src/main/formats/scp/limb.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../temp.js';

describe('age at acquisition', () => {
  it('counts whole years in every date form the files write', () => {
    expect(ageOnDates('19530508', '2002-11-22')).toBe(49);
    expect(ageOnDates('1953-05-08', '2003-05-07')).toBe(49); // the day before the birthday
    expect(ageOnDates('05-08-1953', '2003-05-08')).toBe(50); // MUSE MM-DD-YYYY
    expect(ageOnDates('08.05.1953', '20030508')).toBe(50);
    expect(ageOnDates('2010-01-01', '2009-12-31')).toBeNull(); // born after the exam
    expect(ageOnDates(undefined, '2009-12-31')).toBeNull();
    expect(ageOnDates('1800-01-01', '2009-12-31')).toBeNull(); // implausible
  });
});

describe('WFDB quantisation', () => {
  it('rounds at the gain, clamps and counts, writes NaN as the invalid marker, and reads back', async () => {
    const x = Float64Array.from([0, 0.0014, -0.0016, Number.NaN, 40, -40, 1.2345]);
    const { adc, clamped, invalid } = quantizeCounted([x], 1000, 0, 16);
    expect(Array.from(adc[0])).toEqual([0, 1, -2, -32768, 32767, -32767, 1235]);
    expect({ clamped, invalid }).toEqual({ clamped: 2, invalid: 1 });
    expect(Array.from(quantizeCounted([x], 1000, 5, 12).adc[0])).toEqual([5, 6, 3, -2048, 2047, -2047, 1240]);
    const dir = tempDir('wfdb-write');
    writeFileSync(join(dir, 'q.dat'), encodeFormat16(adc));
    writeFileSync(join(dir, 'q.hea'), headerText({ record: 'q', fs: 500, samples: x.length, fileName: 'q.dat', fmt: '16', gainField: '1000/mV', adcRes: 16, adcZero: 0, leadNames: ['I'], adc, comments: [] }));
    const back = await readWfdb(join(dir, 'q'));
    expect(Number.isNaN(back.signals[0][3])).toBe(true);
    expect(Array.from(back.signals[0]).filter((_, i) => i !== 3)).toEqual([0, 0.001, -0.002, 32.767, -32.767, 1.235]);
  });
});

describe('limb leads from I and II', () => {
  it('equal the written formulas bit for bit', () => {
    const formulas: Record<string, (i: number, ii: number) => number> = { III: (i, ii) => ii - i, aVR: (i, ii) => -(i + ii) / 2, aVL: (i, ii) => i - ii / 2, aVF: (i, ii) => ii - i / 2 };
    let s = 7;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 10;
    for (let k = 0; k < 2000; k++) {
      const i = rnd();
      const ii = rnd();
      for (const limb of LIMB_FROM_I_II) expect(Object.is(limbFromIandII(limb, i, ii), formulas[limb.lead](i, ii))).toBe(true);
    }
  });

  it('are what an SCP reader adds when only I and II are stored', () => {
    const added = scpLimb(['I', 'II', 'V1'], [[10, 3], [4, -7], [0, 0]]);
    expect(added.map((d) => [d.name, d.formula, Array.from(d.values)])).toEqual([
      ['III', 'II - I', [-6, -10]],
      ['aVR', '-(I + II)/2', [-7, 2]],
      ['aVL', 'I - II/2', [8, 6.5]],
      ['aVF', 'II - I/2', [-1, -8.5]],
    ]);
  });
});
