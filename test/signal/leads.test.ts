import { describe, expect, it } from 'vitest';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { identifyLead, mapLeads } from '../../src/main/signal/leads.js';
import { unitScaleToMv } from '../../src/main/signal/units.js';
import { lcgNoise } from './scipy-fixtures.js';

describe('identifyLead', () => {
  it('reads the spellings records use', () => {
    const cases: [string, string][] = [
      ['i', 'I'], ['I', 'I'], ['Lead I', 'I'], ['LEAD_I', 'I'], ['MDC_ECG_LEAD_I', 'I'], ['DI', 'I'], ['D1', 'I'], ['Lead I (Einthoven)', 'I'],
      ['ii', 'II'], ['D2', 'II'], ['MDC_ECG_LEAD_II', 'II'], ['DIII', 'III'], ['iii', 'III'],
      ['avr', 'aVR'], ['AVR', 'aVR'], ['aVR', 'aVR'], ['MDC_ECG_LEAD_AVR', 'aVR'], ['Lead aVL', 'aVL'], ['aVF (Goldberger)', 'aVF'],
      ['V1', 'V1'], ['v6', 'V6'], ['C1', 'V1'], ['c4', 'V4'], ['Lead V3', 'V3'], ['MDC_ECG_LEAD_V5', 'V5'], [' V2 ', 'V2'],
    ];
    for (const [name, lead] of cases) expect(identifyLead(name), name).toEqual({ lead, sign: 1, modified: false });
  });

  it('recognises inverted leads', () => {
    expect(identifyLead('-aVR')).toEqual({ lead: 'aVR', sign: -1, modified: false });
    expect(identifyLead('Lead -aVR')).toEqual({ lead: 'aVR', sign: -1, modified: false });
    expect(identifyLead('\u2212avr')).toEqual({ lead: 'aVR', sign: -1, modified: false });
    expect(identifyLead('aVRneg')).toEqual({ lead: 'aVR', sign: -1, modified: false });
  });

  it('takes MLII as lead II, marked modified', () => {
    expect(identifyLead('MLII')).toEqual({ lead: 'II', sign: 1, modified: true });
    expect(identifyLead('MLIII')).toEqual({ lead: 'III', sign: 1, modified: true });
  });

  it('leaves names without one standard lead unmatched', () => {
    for (const name of ['ECG1', 'ECG 1', 'ECG_2', 'vx', 'vy', 'vz', 'V', 'MCL1', 'ABP', 'PLETH', 'RESP', 'col 0', 'FECG', 'V7', 'X', '']) {
      expect(identifyLead(name), name).toBeNull();
    }
  });
});

describe('mapLeads', () => {
  it('finds every lead whatever the channel order (HL7 aECG stores I, II, V1-V6, III, aVR, aVL, aVF)', () => {
    const map = mapLeads(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'III', 'AVR', 'AVL', 'AVF']);
    expect(map.index).toEqual([0, 1, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7]);
    expect(map.status.every((s) => s === 'present')).toBe(true);
    expect(map.unmatched).toEqual([]);
  });

  it('leaves Frank leads of a 15-lead PTB record unmatched', () => {
    const map = mapLeads(['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'vx', 'vy', 'vz']);
    expect(map.index).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(map.unmatched).toEqual(['vx', 'vy', 'vz']);
  });

  it('derives III, aVR, aVL, aVF from I and II by Einthoven and Goldberger (MUSE stores 8 leads)', () => {
    const map = mapLeads(['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(map.status).toEqual(['present', 'present', 'derived', 'derived', 'derived', 'derived', 'present', 'present', 'present', 'present', 'present', 'present']);
    expect(map.derived[2]).toEqual([{ channel: 0, weight: -1 }, { channel: 1, weight: 1 }]);
    expect(map.derived[3]).toEqual([{ channel: 0, weight: -0.5 }, { channel: 1, weight: -0.5 }]);
    expect(map.derived[4]).toEqual([{ channel: 0, weight: 1 }, { channel: 1, weight: -0.5 }]);
    expect(map.derived[5]).toEqual([{ channel: 0, weight: -0.5 }, { channel: 1, weight: 1 }]);
  });

  it('derives the other limb leads from any pair of them', () => {
    // A heart vector in the frontal plane: I and II from noise, the other four by their definitions.
    const I = lcgNoise(200, 1);
    const II = lcgNoise(200, 2);
    const limb: Record<string, (t: number) => number> = {
      I: (t) => I[t], II: (t) => II[t], III: (t) => II[t] - I[t],
      aVR: (t) => -(I[t] + II[t]) / 2, aVL: (t) => I[t] - II[t] / 2, aVF: (t) => II[t] - I[t] / 2,
    };
    const names = Object.keys(limb);
    for (let a = 0; a < 6; a++) {
      for (let b = a + 1; b < 6; b++) {
        const map = mapLeads([names[a], names[b]]);
        for (const lead of names) {
          const at = STANDARD_LEADS.indexOf(lead as (typeof STANDARD_LEADS)[number]);
          if (lead === names[a] || lead === names[b]) {
            expect(map.status[at]).toBe('present');
            continue;
          }
          expect(map.status[at], `${lead} from ${names[a]}, ${names[b]}`).toBe('derived');
          for (let t = 0; t < 200; t += 17) {
            const value = (map.derived[at] ?? []).reduce((s, term) => s + term.weight * limb[names[term.channel === 0 ? a : b]](t), 0);
            expect(value).toBeCloseTo(limb[lead](t), 12);
          }
        }
        expect(map.status.slice(6).every((s) => s === 'missing')).toBe(true);
      }
    }
  });

  it('folds the sign of an inverted channel into the derivation', () => {
    const map = mapLeads(['I', '-aVR']);
    expect(map.sign[3]).toBe(-1);
    // II = -2 aVR - I, and the channel holds -aVR: II = 2 * channel1 - I
    expect(map.derived[1]).toEqual([{ channel: 0, weight: -1 }, { channel: 1, weight: 2 }]);
  });

  it('cannot derive from one limb lead: the rest are missing', () => {
    const map = mapLeads(['MLII', 'V5']);
    expect(map.status).toEqual(['missing', 'present', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'missing', 'present', 'missing']);
    expect(map.notes.join(' ')).toMatch(/modified limb lead/);
  });

  it('uses the first of two channels naming one lead and skips unusable channels', () => {
    const dup = mapLeads(['II', 'V1', 'ii']);
    expect(dup.index[1]).toBe(0);
    expect(dup.unmatched).toEqual(['ii']);
    const skip = mapLeads(['I', 'II', 'III'], [true, false, true]);
    expect(skip.index.slice(0, 3)).toEqual([0, null, 2]);
    expect(skip.status[1]).toBe('derived');
    expect(skip.derived[1]).toEqual([{ channel: 0, weight: 1 }, { channel: 2, weight: 1 }]);
  });
});

describe('unitScaleToMv', () => {
  it('converts voltages to mV', () => {
    expect(unitScaleToMv('mV')).toBe(1);
    expect(unitScaleToMv('mv')).toBe(1);
    expect(unitScaleToMv('MV')).toBe(1);
    expect(unitScaleToMv('uV')).toBe(1e-3);
    expect(unitScaleToMv('µV')).toBe(1e-3);
    expect(unitScaleToMv('μV')).toBe(1e-3);
    expect(unitScaleToMv('microvolts')).toBe(1e-3);
    expect(unitScaleToMv('V')).toBe(1000);
    expect(unitScaleToMv('nV')).toBe(1e-6);
    expect(unitScaleToMv('')).toBe(1);
  });

  it('says non-voltage channels are no ECG lead', () => {
    for (const units of ['mmHg', 'NU', '%', 'bpm', 'degC', 'mV/s']) expect(unitScaleToMv(units), units).toBeNull();
  });
});
