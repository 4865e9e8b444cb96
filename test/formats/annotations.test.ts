// WFDB annotations: MIT-BIH record 100's reference annotations read field by field as
// wfdb-python's rdann reads them (../shared/ecg-samples/annotation-reference/100.atr.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findAnnotators, looksLikeAnnotations, readAnnotations } from '../../src/main/formats/index.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));

interface Reference {
  record: string;
  annotator: string;
  fs: number;
  count: number;
  sample: number[];
  symbol: string[];
  subtype: number[];
  chan: number[];
  num: number[];
  aux_note: string[];
}

describe('100.atr against wfdb-python rdann', () => {
  const ref = JSON.parse(readFileSync(`${SAMPLES}annotation-reference/100.atr.json`, 'utf8')) as Reference;

  it('reads 2,274 annotations equal field by field', async () => {
    const r = await readAnnotations(`${SAMPLES}wfdb/100`, 'atr');
    expect(ref.count).toBe(2274);
    expect(r).toMatchObject({ record: '100', annotator: 'atr', fs: ref.fs, total: ref.count, format: 'mit', warnings: [] });
    expect(r.annotations.map((a) => a.sample)).toEqual(ref.sample);
    expect(r.annotations.map((a) => a.symbol)).toEqual(ref.symbol);
    expect(r.annotations.map((a) => a.subtype)).toEqual(ref.subtype);
    expect(r.annotations.map((a) => a.chan)).toEqual(ref.chan);
    expect(r.annotations.map((a) => a.num)).toEqual(ref.num);
    expect(r.annotations.map((a) => a.aux)).toEqual(ref.aux_note);
  });

  it('accepts the header path or a signal file as the record', async () => {
    expect((await readAnnotations(`${SAMPLES}wfdb/100.dat`, 'atr')).total).toBe(2274);
    const r = await readAnnotations(`${SAMPLES}wfdb/100.hea`, 'atr', { from: 1000, to: 3000 });
    const whole = ref.sample.filter((s) => s >= 1000 && s < 3000);
    expect(r.total).toBe(2274);
    expect(r.annotations.map((a) => a.sample)).toEqual(whole);
  });

  it('finds atr as the only annotator of 100, and the probe rejects its signal file', async () => {
    expect(await findAnnotators(`${SAMPLES}wfdb/100`)).toEqual(['atr']);
    expect(looksLikeAnnotations(readFileSync(`${SAMPLES}wfdb/100.atr`))).toBe(true);
    expect(looksLikeAnnotations(readFileSync(`${SAMPLES}wfdb/100.dat`).subarray(0, 65536), false)).toBe(false);
    expect(looksLikeAnnotations(readFileSync(`${SAMPLES}wfdb/100.hea`))).toBe(false);
  });
});
