// record.annotations on a real workspace: annotators from the catalog, marks on the window's own
// axis for the raw and the canonical view (checked against the R peaks record.signals finds in
// the same window), waves on their leads, rhythm bands, and clear errors.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, parseOutput } from '../../src/shared/api.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { readAnnotations } from '../../src/main/formats/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { LUDB_ANNOTATORS, PEAKS, V_AT, WFDB_SAMPLES, writeAnnotatedFolders } from '../datasets/annotation-fixtures.js';
import { CALIPER_RECORD, tempDir, writePulseRecord } from './fixtures.js';

let root: string;
let api: WorkstationApi;
let catalog: Catalog;
const ids: Record<string, number> = {};

beforeAll(async () => {
  root = tempDir('api-ann');
  const workspace = join(root, 'ws');
  const { mitdb, ludb } = writeAnnotatedFolders(join(root, 'data'));
  const plain = join(root, 'plain');
  writePulseRecord(plain, CALIPER_RECORD);
  for (const folder of [mitdb, ludb, plain]) await runImport({ folder, workspace, dataset: 'wfdb', workers: 0 });
  catalog = Catalog.open(workspace, { readonly: true });
  for (const r of catalog.queryRecords({}).rows) ids[r.record] = r.id;
  api = createWorkstationApi({ workspace });
}, 60_000);
afterAll(() => {
  api?.close();
  catalog?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Nearest distance from each of `xs` to any of `ys`. */
const nearest = (xs: readonly number[], ys: readonly number[]) => xs.map((x) => Math.min(...ys.map((y) => Math.abs(x - y))));

describe('record.annotations', () => {
  it('raw view: the window of record.signals, t = sample/fs - from/fs, the rhythm in force as a band', async () => {
    const from = 360 * 20;
    const a = await api.call('record.annotations', { id: ids['100'], from, to: from + 3600 });
    expect(() => parseOutput('record.annotations', a)).not.toThrow();
    expect(a.annotators).toEqual([expect.objectContaining({ name: 'atr', count: 2274, detector: false, lead: null, kinds: ['beat', 'rhythm'] })]);
    expect(a.start).toBe(20);
    expect(a.seconds).toBe(10);
    const ref = (await readAnnotations(`${WFDB_SAMPLES}100`, 'atr')).annotations.filter((x) => x.sample >= from && x.sample < from + 3600);
    expect(a.annotations.map((m) => m.sample)).toEqual(ref.map((x) => x.sample));
    for (const m of a.annotations) expect(m.t).toBeCloseTo(m.sample / 360 - 20, 12);
    expect(a.annotations.every((m) => m.kind === 'beat')).toBe(true);
    // '(N' was noted at sample 18 and is still in force 20 s later.
    expect(a.rhythms).toEqual([{ annotator: 'atr', rhythm: '(N', meaning: 'normal sinus rhythm', t0: 0, t1: 10 }]);
    // The beats are where the signal's own R peaks are (within 40 ms: two fiducial points of one QRS).
    const s = await api.call('record.signals', { id: ids['100'], from, to: from + 3600 });
    const beats = a.annotations.map((m) => m.t * s.fs);
    expect(Math.max(...nearest(s.rhythm.rPeaks, beats))).toBeLessThan(0.04 * s.fs);
  });

  it('canonical view: placed from the window start the import kept, on the 100 Hz axis the store row is drawn on', async () => {
    const a = await api.call('record.annotations', { id: ids['100'], source: 'canonical' });
    const stored = catalog.recordAnnotations(ids['100'])!;
    expect(a.start).toBeCloseTo(stored.windowStart! / 360, 12);
    expect(a.seconds).toBe(10);
    for (const m of a.annotations) expect(m.t).toBeCloseTo(m.sample / 360 - stored.windowStart! / 360, 12);
    const s = await api.call('record.signals', { id: ids['100'], source: 'canonical' });
    const beats = a.annotations.map((m) => m.t * s.fs);
    expect(s.rhythm.rPeaks.length).toBeGreaterThan(8);
    expect(Math.max(...nearest(s.rhythm.rPeaks, beats))).toBeLessThan(0.04 * s.fs);
  });

  it('LUDB-style files: waves on their own lead, onsets and offsets take the wave they enclose; beats and the rhythm note from atr', async () => {
    const a = await api.call('record.annotations', { id: ids['1'] });
    expect(a.annotators.map((x) => x.name)).toEqual(['atr', ...LUDB_ANNOTATORS].sort());
    expect(a.annotators.find((x) => x.name === 'v1')).toMatchObject({ lead: 'V1', kinds: ['wave'], codes: ['270492004'] });
    const v1 = a.annotations.filter((m) => m.annotator === 'v1');
    expect(v1).toHaveLength(108);
    expect(v1.every((m) => m.lead === 'V1' && m.kind === 'wave')).toBe(true);
    const q = PEAKS[2];
    const around = v1.filter((m) => m.sample >= q - 150 && m.sample <= q + 170).map((m) => [m.sample - q, m.symbol, m.wave, m.part]);
    expect(around).toEqual([
      [-150, '(', 'P', 'onset'],
      [-125, 'p', 'P', 'peak'],
      [-100, ')', 'P', 'offset'],
      [-20, '(', 'QRS', 'onset'],
      [0, 'N', 'QRS', 'peak'],
      [20, ')', 'QRS', 'offset'],
      [60, '(', 'T', 'onset'],
      [100, 't', 'T', 'peak'],
      [166, ')', 'T', 'offset'],
    ]);
    const beats = a.annotations.filter((m) => m.annotator === 'atr');
    expect(beats.map((m) => [m.sample, m.symbol, m.kind])).toEqual(PEAKS.map((p) => [p, p === V_AT ? 'V' : 'N', 'beat']));
    expect(a.rhythms).toEqual([{ annotator: 'atr', rhythm: '(N', meaning: 'normal sinus rhythm', t0: 0, t1: 10 }]);
    // Asking for some annotators reads only those.
    const only = await api.call('record.annotations', { id: ids['1'], annotators: ['ii'] });
    expect(new Set(only.annotations.map((m) => m.lead))).toEqual(new Set(['II']));
    expect(only.rhythms).toEqual([]);
  });

  it('a record without annotation files: no annotators, nothing read', async () => {
    const a = await api.call('record.annotations', { id: ids[CALIPER_RECORD.name] });
    expect(a).toMatchObject({ annotators: [], annotations: [], rhythms: [] });
  });

  it('refuses unknown annotators, bad names and over-long windows with one clear line', async () => {
    const fail = (input: unknown) => api.call('record.annotations', input).then(() => null, (e: unknown) => e as ApiError);
    expect(await fail({ id: ids['100'], annotators: ['qrs'] })).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no annotator qrs \(it has: atr\)/) });
    expect(await fail({ id: ids['100'], annotators: ['../x'] })).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/annotator/) });
    expect(await fail({ id: ids['100'], from: 0, to: 360 * 121 })).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/120 s/) });
    expect(await fail({ id: 999999 })).toMatchObject({ code: 'not-found', message: expect.stringMatching(/999999/) });
  });
});
