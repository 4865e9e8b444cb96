// The Workstation API on a real workspace: every input validated, results match the catalog, the
// store and the record files, windows and filters behave, and results satisfy the shared schemas.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, ApiError, parseOutput } from '../../src/shared/api.js';
import { STANDARD_LEADS } from '../../src/shared/leads.js';
import { createWorkstationApi, type WorkstationApi } from '../../src/main/api/index.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { readRecord } from '../../src/main/formats/index.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { CALIPER_RECORD, GAIN, makeWorkspace, pulseSamples, tempDir } from './fixtures.js';

let root: string;
let workspace: string;
let api: WorkstationApi;
let catalog: Catalog;

beforeAll(async () => {
  root = tempDir('api');
  ({ workspace } = await makeWorkspace(root));
  api = createWorkstationApi({ workspace });
  catalog = Catalog.open(workspace, { readonly: true });
});
afterAll(() => {
  api?.close();
  catalog?.close();
  rmSync(root, { recursive: true, force: true });
});

const idOf = (name: string) => catalog.queryRecords({ text: name }).rows.find((r) => r.record === name)!.id;

async function rejects(p: Promise<unknown>, code: string, word: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).code).toBe(code);
  expect((err as ApiError).message).toMatch(word);
}

describe('input validation', () => {
  it('refuses malformed input for every method, naming the field', async () => {
    await rejects(api.call('record.get', { id: 'A0001' }), 'invalid-input', /id/);
    await rejects(api.call('record.get', { id: 1, extra: true }), 'invalid-input', /extra/);
    await rejects(api.call('record.get', {}), 'invalid-input', /id/);
    await rejects(api.call('catalog.query', { filter: { ageMin: 80, ageMax: 20 } }), 'invalid-input', /ageMin/);
    await rejects(api.call('catalog.query', { filter: { classes: ['NOPE'] } }), 'invalid-input', /class/);
    await rejects(api.call('catalog.query', { page: { limit: 5000 } }), 'invalid-input', /limit/);
    await rejects(api.call('catalog.query', { page: { after: 3, offset: 2 } }), 'invalid-input', /either/);
    await rejects(api.call('record.signals', { id: 1, filters: { notch: 55 } }), 'invalid-input', /notch/);
    await rejects(api.call('record.signals', { id: 1, from: 500, to: 100 }), 'invalid-input', /greater/);
    await rejects(api.call('system.info', { sneaky: 1 }), 'invalid-input', /sneaky/);
    await rejects(api.callByName('fs.readFile', { path: '/etc/passwd' }), 'unknown-method', /fs\.readFile/);
  });

  it('says not-found for ids the catalog does not hold', async () => {
    await rejects(api.call('record.get', { id: 999999 }), 'not-found', /999999/);
    await rejects(api.call('record.signals', { id: 999999 }), 'not-found', /999999/);
  });

  it('refuses a window longer than the limit', async () => {
    await rejects(api.call('record.signals', { id: idOf('A0001'), from: 0, to: 500 * 121 }), 'invalid-input', /120 s/);
  });
});

describe('catalog methods', () => {
  it('summary equals the catalog summary and satisfies its schema', async () => {
    const s = await api.call('catalog.summary', {});
    expect(s).toEqual(catalog.summary());
    expect(s.records).toBe(53); // 52 CinC samples + the generated record
    expect(s.per_center.generated).toBe(1);
    expect(() => parseOutput('catalog.summary', s)).not.toThrow();
  });

  it('pages through a filter by keyset to the same rows as the catalog', async () => {
    const filter = { centers: ['CPSC'], sex: 'F' as const };
    const all = catalog.queryRecords(filter, { limit: 1000 }).rows.map((r) => r.id);
    expect(all.length).toBeGreaterThan(1);
    const seen: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await api.call('catalog.query', { filter, page: after === undefined ? { limit: 2 } : { limit: 2, after } });
      expect(() => parseOutput('catalog.query', page)).not.toThrow();
      seen.push(...page.rows.map((r) => r.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(all);
  });

  it('record.get returns the labels and the source file', async () => {
    const r = await api.call('record.get', { id: idOf(CALIPER_RECORD.name) });
    expect(r).toMatchObject({ record: 'pulse001', center: 'generated', age: 61, sex: 'F', fs: 500, sigLen: 5000 });
    expect(r.sourcePath).toMatch(/pulse001\.dat$/);
    expect(r.labels).toEqual([{ code: '426783006', classIndex: 20, abbreviation: 'NSR' }]);
  });

  it('system.info names the workspace and the store', async () => {
    const info = await api.call('system.info', {});
    expect(info).toMatchObject({ workspace, catalog: true, store: { rate: 100, length: 1000, dtype: 'int16' } });
  });
});

describe('record.signals', () => {
  it('raw: the twelve leads of the file in mV, windowed', async () => {
    const id = idOf(CALIPER_RECORD.name);
    const s = await api.call('record.signals', { id, from: 400, to: 1400 });
    expect(() => parseOutput('record.signals', s)).not.toThrow();
    expect(s).toMatchObject({ source: 'raw', fs: 500, from: 400, to: 1400, totalLen: 5000, filters: { baseline: false, notch: 0, lowpass: 0 } });
    expect(s.leads.map((l) => l.lead)).toEqual([...STANDARD_LEADS]);
    for (const [l, trace] of s.leads.entries()) {
      const want = pulseSamples(CALIPER_RECORD, l);
      expect(trace.samples).toHaveLength(1000);
      for (let i = 0; i < 1000; i += 7) expect(trace.samples[i]).toBeCloseTo(want[400 + i] / GAIN, 6);
      expect(trace.samples[100]).toBeCloseTo(1.5 * (1 + l / 24), 2);
    }
  });

  it('raw: a CinC record equals readRecord, default window 10 s', async () => {
    const id = idOf('A0001');
    const detail = catalog.getRecord(id)!;
    const s = await api.call('record.signals', { id });
    const reading = await readRecord(detail.sourcePath, { from: 0, to: 5000 });
    expect(s.to - s.from).toBe(5000);
    expect(reading.channels.map((c) => c.name)).toEqual([...STANDARD_LEADS]);
    for (let l = 0; l < 12; l++) for (let i = 0; i < 5000; i += 13) expect(s.leads[l].samples[i]).toBeCloseTo(reading.signals[l][i], 4);
    // Real sinus rhythm: the detector finds beats and a plausible rate.
    expect(s.rhythm.rPeaks.length).toBeGreaterThan(4);
    expect(s.rhythm.bpm).toBeGreaterThan(40);
    expect(s.rhythm.bpm).toBeLessThan(180);
  });

  it('canonical: the store row, missing leads as null', async () => {
    const id = idOf('HR00001');
    const detail = catalog.getRecord(id)!;
    const store = ShardStore.openReader(join(workspace, 'store'));
    try {
      const row = store.read(detail.shard!, detail.offset!);
      const s = await api.call('record.signals', { id, source: 'canonical' });
      expect(s).toMatchObject({ source: 'canonical', fs: 100, from: 0, to: 1000, totalLen: 1000 });
      for (let l = 0; l < 12; l++) for (let i = 0; i < 1000; i += 11) expect(s.leads[l].samples[i]).toBeCloseTo(row[l * 1000 + i], 4);
    } finally {
      store.close();
    }
  });

  it('filters: applied on request, refused where the rate cannot carry them, and said so', async () => {
    const id = idOf('A0001');
    const raw = await api.call('record.signals', { id });
    const f = await api.call('record.signals', { id, filters: { baseline: true, notch: 50, lowpass: 40 } });
    expect(f.filters).toEqual({ baseline: true, notch: 50, lowpass: 40 });
    const mean = (x: (number | null)[]) => x.reduce<number>((a, v) => a + (v ?? 0), 0) / x.length;
    // Baseline removal brings each lead's mean near zero.
    for (const l of f.leads) expect(Math.abs(mean(l.samples))).toBeLessThan(0.05);
    expect(f.leads[1].samples).not.toEqual(raw.leads[1].samples);
    const c = await api.call('record.signals', { id, source: 'canonical', filters: { baseline: false, notch: 60, lowpass: 150 } });
    expect(c.filters).toEqual({ baseline: false, notch: 0, lowpass: 0 });
    expect(c.notes.join(' ')).toMatch(/60 Hz notch not applied/);
    expect(c.notes.join(' ')).toMatch(/150 Hz low-pass not applied/);
  });

  it('every method in the table has a handler', async () => {
    for (const m of Object.keys(API)) {
      const err = await api.callByName(m, { bogus: 1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as ApiError).code).toBe('invalid-input');
    }
  });
});
