// The synthesis model, measured on its signals: heart rate recovered by the R-peak detector for
// every class, AF irregular and regular rhythms regular, bundle-branch blocks wide and normal
// beats narrow, axis deviation and low voltage where labelled, lead relations exact.
import { describe, expect, test } from 'vitest';
import { synthesizeRecord, type SynthRecord } from '../../src/main/demo/synth/record.js';
import { detectRPeaksMulti, heartRate } from '../../src/main/signal/qrs.js';
import { averageBeat, qrsWidthMs, rrIrregularity } from './measure.js';

const NOISE = { baselineMv: 0.12, emgUv: 15, mainsHz: 60 as const, mainsUv: 15 };
/** Each class alone (with sinus rhythm where the class needs one) and in a few combinations. */
const CASES: readonly (readonly string[])[] = [
  ['NSR'], ['SB'], ['STach'], ['SA'], ['Brady'], ['AF'], ['AFL'], ['PR'],
  ['NSR', 'IAVB'], ['SB', 'LPR'], ['NSR', 'RBBB'], ['NSR', 'IRBBB'], ['NSR', 'LBBB'], ['NSR', 'NSIVCB'],
  ['NSR', 'LAD'], ['NSR', 'LAD', 'LAnFB'], ['NSR', 'RAD'], ['NSR', 'LQRSV'], ['NSR', 'LQT'], ['NSR', 'TInv'], ['NSR', 'TAb'],
  ['NSR', 'PAC'], ['NSR', 'PVC'], ['NSR', 'QAb'],
  ['AF', 'RBBB'], ['AF', 'PVC'], ['STach', 'LBBB', 'TInv'], ['SB', 'IAVB', 'RBBB', 'LAD', 'LAnFB'],
];
const PER_CASE = 6;
const FS = [250, 500];

function make(classes: readonly string[], k: number, fs: number): SynthRecord {
  return synthesizeRecord({ seed: 1000 + k * 7919 + fs, patientSeed: 77 + k, fs, samples: fs * 10, classes, noise: NOISE });
}

const records = CASES.flatMap((classes) => FS.flatMap((fs) => Array.from({ length: PER_CASE }, (_, k) => ({ classes, fs, rec: make(classes, k, fs) }))));
const detected = records.map(({ fs, rec }) => ({ peaks: detectRPeaksMulti(rec.leads, fs) }));

describe('synthetic records measured', () => {
  test('the detector recovers every record heart rate within 5 bpm, for every class', () => {
    const byClass = new Map<string, number[]>();
    records.forEach(({ classes, fs, rec }, i) => {
      // Both sides over the record's interior: a beat cut by either end is placed differently by each.
      const inner = (t: number) => t >= 200 && t <= 9800;
      const truthRr = heartRate(rec.truth.beats.filter(inner), 1000).bpm;
      const found = Array.from(detected[i].peaks).filter((p) => inner((p * 1000) / fs));
      const err = Math.abs(heartRate(found, fs).bpm - truthRr);
      for (const c of classes) byClass.set(c, [...(byClass.get(c) ?? []), err]);
      const shown = found.map((p) => Math.round((p * 1000) / fs)).join(',');
      expect(err, `${classes.join('+')} @${fs} Hz: true ${truthRr}, beats ${rec.truth.beats.join(',')} found ${shown}`).toBeLessThan(5);
    });
    const rows = [...byClass].map(([c, e]) => `${c.padEnd(7)} n=${String(e.length).padStart(3)}  MAE ${(e.reduce((a, b) => a + b, 0) / e.length).toFixed(3)} bpm  max ${Math.max(...e).toFixed(2)}`);
    console.log(`heart-rate error per class (detector vs generator)\n${rows.join('\n')}`);
  });

  test('heart rates are in each rhythm class range', () => {
    for (const { classes, rec } of records) {
      if (classes.includes('SB')) expect(rec.truth.hr).toBeLessThan(60);
      if (classes.includes('Brady')) expect(rec.truth.hr).toBeLessThan(60);
      if (classes.includes('STach')) expect(rec.truth.hr).toBeGreaterThan(100);
      if (classes.length === 1 && classes[0] === 'NSR') expect(rec.truth.hr).toBeGreaterThanOrEqual(60);
    }
  });

  test('AF records have irregular RR, regular rhythms do not', () => {
    const irregular = new Set(['AF', 'AFL', 'SA', 'PAC', 'PVC']);
    records.forEach(({ classes }, i) => {
      const { cv, rmssd } = rrIrregularity(detected[i].peaks);
      if (classes.includes('AF')) {
        expect(cv, classes.join('+')).toBeGreaterThan(0.1);
        expect(rmssd, classes.join('+')).toBeGreaterThan(0.12);
      } else if (!classes.some((c) => irregular.has(c))) {
        expect(cv, classes.join('+')).toBeLessThan(0.06);
        expect(rmssd, `${classes.join('+')} ${Array.from(detected[i].peaks).join(',')}`).toBeLessThan(0.06);
      }
    });
  });

  test('bundle-branch blocks have QRS >= 120 ms on the signal, normal conduction < 110 ms', () => {
    const widths: Record<string, number[]> = { wide: [], normal: [] };
    records.forEach(({ classes, fs, rec }, i) => {
      // Fibrillation and flutter waves do not average out over ten seconds of beats: they would widen the measurement.
      if (['PVC', 'PR', 'AFL', 'AF'].some((c) => classes.includes(c))) return;
      const w = qrsWidthMs(rec.leads, fs, detected[i].peaks);
      if (classes.includes('RBBB') || classes.includes('LBBB')) {
        widths.wide.push(w);
        expect(w, `${classes.join('+')} true ${rec.truth.qrsMs}`).toBeGreaterThan(120);
      } else if (!classes.some((c) => ['IRBBB', 'NSIVCB', 'LAnFB', 'QAb'].includes(c))) {
        widths.normal.push(w);
        expect(w, `${classes.join('+')} true ${rec.truth.qrsMs}`).toBeLessThan(110);
      }
    });
    console.log(`measured QRS: BBB ${Math.min(...widths.wide)}-${Math.max(...widths.wide)} ms, normal ${Math.min(...widths.normal)}-${Math.max(...widths.normal)} ms`);
  });

  test('frontal axis from net QRS areas: LAD < -30, RAD > +90, others -30..+90', () => {
    records.forEach(({ classes, fs, rec }, i) => {
      // Flutter waves locked to the beats and ectopic or paced beats would enter the averaged QRS.
      if (['PVC', 'PR', 'LBBB', 'AFL'].some((c) => classes.includes(c))) return;
      const { beat, centre } = averageBeat(rec.leads, fs, detected[i].peaks);
      const w = Math.round(0.07 * fs);
      let lI = 0;
      let aVF = 0;
      for (let k = centre - w; k <= centre + w; k++) {
        lI += beat[0][k];
        aVF += beat[5][k];
      }
      const axis = (Math.atan2(aVF, lI) * 180) / Math.PI;
      if (classes.includes('LAD')) expect(axis, classes.join('+')).toBeLessThan(-30);
      else if (classes.includes('RAD')) expect(axis, classes.join('+')).toBeGreaterThan(90);
      else expect(Math.abs(axis - 30), `${classes.join('+')} axis ${axis}`).toBeLessThan(60);
    });
  });

  test('low QRS voltage: limb-lead QRS amplitudes under 0.5 mV only where labelled', () => {
    records.forEach(({ classes, fs, rec }, i) => {
      if (classes.includes('PVC') || classes.includes('PR')) return;
      const { beat, centre } = averageBeat(rec.leads, fs, detected[i].peaks, 0);
      const w = Math.round(0.08 * fs);
      const p2p = Math.max(...beat.slice(0, 6).map((b) => Math.max(...b.subarray(centre - w, centre + w)) - Math.min(...b.subarray(centre - w, centre + w))));
      if (classes.includes('LQRSV')) expect(p2p).toBeLessThan(0.5);
      else expect(p2p).toBeGreaterThan(0.5);
    });
  });

  test('Einthoven and Goldberger relations hold exactly in the synthesised leads', () => {
    for (const { rec } of records.slice(0, 40)) {
      const [i1, i2, i3, avr, avl, avf] = rec.leads;
      for (let n = 0; n < i1.length; n += 7) {
        expect(i3[n]).toBe(i2[n] - i1[n]);
        expect(avr[n]).toBe(-(i1[n] + i2[n]) / 2);
        expect(avl[n]).toBe(i1[n] - i2[n] / 2);
        expect(avf[n]).toBe(i2[n] - i1[n] / 2);
      }
    }
  });

  test('PR interval, QTc and ectopic counts follow the classes', () => {
    for (const { classes, rec } of records) {
      const t = rec.truth;
      if (classes.includes('IAVB') || classes.includes('LPR')) expect(t.prMs).toBeGreaterThan(200);
      else if (t.prMs !== null) expect(t.prMs).toBeLessThanOrEqual(200);
      if (classes.includes('AF') || classes.includes('AFL') || classes.includes('PR')) expect(t.prMs).toBeNull();
      if (classes.includes('LQT')) expect(t.qtcMs).toBeGreaterThan(460);
      if (classes.includes('PAC')) expect(t.pacCount).toBeGreaterThan(0);
      if (classes.includes('PVC')) expect(t.pvcCount).toBeGreaterThan(0);
      if (!classes.includes('PVC')) expect(t.pvcCount).toBe(0);
    }
  });
});
