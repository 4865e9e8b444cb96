// The R-peak detector on real records: MIT-BIH 100 (30 min, about 2273 beats) and the CinC
// challenge samples of seven centers; plus heartRate on known peaks and a clean sine-free case.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readRecord } from '../../src/main/formats/index.js';
import { detectRPeaks, detectRPeaksMulti, heartRate } from '../../src/main/signal/qrs.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));

describe('R-peak detector', () => {
  test('MIT-BIH record 100: about 2273 beats in 30 minutes, on MLII and on both leads', async () => {
    const r = await readRecord(join(SAMPLES, 'wfdb', '100'));
    expect(r.fs).toBe(360);
    const single = detectRPeaks(r.signals[0], r.fs);
    const multi = detectRPeaksMulti(r.signals, r.fs);
    console.log(`MIT-BIH 100: ${single.length} beats on MLII, ${multi.length} on both leads`);
    expect(Math.abs(single.length - 2273)).toBeLessThanOrEqual(30);
    expect(Math.abs(multi.length - 2273)).toBeLessThanOrEqual(30);
    const { bpm, rr } = heartRate(multi, r.fs);
    expect(bpm).toBeGreaterThan(70);
    expect(bpm).toBeLessThan(80);
    // No RR shorter than the 200 ms refractory period.
    expect(Math.min(...rr)).toBeGreaterThanOrEqual(200);
  });

  test('CinC records of every center: R peaks found, heart rate plausible and agreeing across leads', async () => {
    // The records' own labels: sinus bradycardia and sinus tachycardia bound the rate we must find.
    const labels = new Map<string, string[]>();
    const [head, ...lines] = readFileSync(join(SAMPLES, 'reference-cinc', 'labels.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    for (const line of lines) {
      const f = line.split(',');
      labels.set(f[cols.indexOf('record')], f[cols.indexOf('dx')].split(';'));
    }
    let checked = 0;
    const rows: string[] = [];
    for (const center of readdirSync(join(SAMPLES, 'cinc')).filter((d) => !d.includes('.'))) {
      for (const file of readdirSync(join(SAMPLES, 'cinc', center)).filter((f) => f.endsWith('.hea'))) {
        const r = await readRecord(join(SAMPLES, 'cinc', center, file));
        const seconds = r.sigLen / r.fs;
        const multi = detectRPeaksMulti(r.signals, r.fs);
        const { bpm, rr } = heartRate(multi, r.fs);
        rows.push(`${center}/${file.replace('.hea', '')} ${seconds}s ${multi.length} beats ${bpm.toFixed(1)} bpm`);
        expect(multi.length, file).toBeGreaterThanOrEqual(Math.floor((seconds * 30) / 60));
        expect(bpm, file).toBeGreaterThan(30);
        expect(bpm, file).toBeLessThan(200);
        expect(Math.min(...rr), file).toBeGreaterThanOrEqual(200);
        const dx = labels.get(file.replace('.hea', '')) ?? [];
        if (dx.includes('426177001')) expect(bpm, `${file} labelled SB`).toBeLessThan(62);
        if (dx.includes('427084000')) expect(bpm, `${file} labelled STach`).toBeGreaterThan(98);
        if (dx.includes('426177001') || dx.includes('427084000')) checked++;
        // Lead II alone agrees with the multi-lead rate on most records; allow the odd noisy lead.
        const single = heartRate(detectRPeaks(r.signals[1], r.fs), r.fs).bpm;
        if (Math.abs(single - bpm) > 10) rows.push(`  lead II alone: ${single.toFixed(1)} bpm`);
      }
    }
    console.log(rows.join('\n'));
    expect(rows.length).toBeGreaterThanOrEqual(52);
    expect(checked).toBeGreaterThan(3);
  });

  test('heartRate: RR intervals in ms and the mean rate; NaN without two peaks', () => {
    const { bpm, rr } = heartRate(Int32Array.from([100, 600, 1100, 1700]), 500);
    expect(Array.from(rr)).toEqual([1000, 1000, 1200]);
    expect(bpm).toBeCloseTo(60000 / (3200 / 3), 9);
    expect(Number.isNaN(heartRate([5], 500).bpm)).toBe(true);
  });

  test('flat, empty or too short signals give no peaks', () => {
    expect(detectRPeaks(new Float64Array(5000), 500).length).toBe(0);
    expect(detectRPeaks(new Float64Array(10), 500).length).toBe(0);
    expect(detectRPeaksMulti([new Float64Array(5000), new Float64Array(5000)], 500).length).toBe(0);
  });
});
