// Records shorter than the canonical window (CODE-15% exams as WFDB: 400 Hz, 7.3 s or 10.2 s): the
// padding rule on both import paths, the catalog's padded_s, the training setting's effect on the
// parts experiments read, and the count every evaluation reports.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { ensurePatientSplit, setShortRecordsRule, shortRecordsPerPart, shortRecordsRule } from '../../src/main/catalog/index.js';
import { evaluationView } from '../../src/main/api/evaluation-results.js';
import { readWfdbRecordFramed } from '../../src/main/datasets/wfdb-read.js';
import { isFramed } from '../../src/main/formats/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { parseExperimentConfig, readExperimentConfig } from '../../src/main/experiments/config.js';
import { recordRefs } from '../../src/main/experiments/data.js';
import { evaluate } from '../../src/main/experiments/metrics/index.js';
import { recordsOf, scalingRecords } from '../../src/main/experiments/selection.js';
import { canonicalizeFrames } from '../../src/main/signal/canonical-frames.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { LEADS_12, writeFormat16 } from '../datasets/fixtures.js';
import { tempDir } from '../temp.js';
import { REPO } from './corpus.js';

const FS = 400;
const SHORT = 2920; // 7.3 s
const LONG = 4080; // 10.2 s
const PAIRS = 12;

/** 12 leads of a 400 Hz wave, never 0 in lead I; `hole` puts one invalid sample (-32768) in lead I. */
function samples(n: number, seed: number, hole = false): number[][] {
  return LEADS_12.map((_, c) =>
    Array.from({ length: n }, (_, i) => {
      if (hole && c === 0 && i === 100) return -32768;
      return Math.round(400 * Math.sin((2 * Math.PI * (i + seed)) / 320) + 50 * c + 200);
    }),
  );
}

/** PAIRS short and PAIRS long records in center 'code15wfdb'; short record 0 has an invalid sample (the general path). */
function corpus(): string {
  const root = tempDir('short-corpus');
  for (let k = 0; k < PAIRS; k++) {
    writeFormat16({ path: join(root, 'code15wfdb', `s${k}`), fs: FS, leads: LEADS_12, samples: samples(SHORT, k, k === 0) });
    writeFormat16({ path: join(root, 'code15wfdb', `l${k}`), fs: FS, leads: LEADS_12, samples: samples(LONG, k) });
  }
  return join(root, 'code15wfdb');
}

describe('short records (7.3 s and 10.2 s at 400 Hz)', () => {
  const folder = corpus();
  const ws = tempDir('short-ws');

  it('take the fused int16 path when clean and the general path with an invalid sample', async () => {
    const clean = await readWfdbRecordFramed(join(folder, 's1.hea'));
    const holed = await readWfdbRecordFramed(join(folder, 's0.hea'));
    expect(isFramed(clean) && isFramed(holed)).toBe(true);
    if (!isFramed(clean) || !isFramed(holed)) return;
    const fused = canonicalizeFrames(clean, { rate: 100, length: 1000 });
    expect(fused).not.toBeNull();
    expect(fused!.canonical.validLength).toBe(730);
    expect(fused!.canonical.warnings.join(' ')).toMatch(/730 of 1000 samples at 100 Hz: zero-padded at the end/);
    expect(canonicalizeFrames(holed, { rate: 100, length: 1000 })).toBeNull();
  });

  it('are imported, stored zero-padded at the end and flagged in the catalog on both paths', async () => {
    const summary = await runImport({ folder, workspace: ws, dataset: 'wfdb', workers: 0 });
    expect(summary).toMatchObject({ status: 'done', imported: 2 * PAIRS, failed: 0 });
    const catalog = Catalog.open(ws);
    const store = ShardStore.openReader(join(ws, 'store'));
    try {
      const ids = catalog.db.prepare('SELECT id, record, padded_s FROM records ORDER BY record').all() as { id: number; record: string; padded_s: number }[];
      expect(ids).toHaveLength(2 * PAIRS);
      for (const r of ids) {
        const detail = catalog.getRecord(r.id)!;
        const short = r.record.startsWith('s');
        expect(detail.paddedS).toBe(r.padded_s);
        if (short) expect(r.padded_s).toBeCloseTo(2.7, 9);
        else expect(r.padded_s).toBe(0);
        const row = store.read(detail.shard!, detail.offset!);
        for (let lead = 0; lead < 12; lead++) {
          const x = row.subarray(lead * 1000, (lead + 1) * 1000);
          // The signal runs to the record's end; the padded tail is exactly zero.
          expect(x.subarray(600, 700).some((v) => v !== 0)).toBe(true);
          const tail = x.subarray(730);
          if (short) expect(tail.every((v) => v === 0)).toBe(true);
          else expect(tail.some((v) => v !== 0)).toBe(true);
        }
      }
      // The general path (s0: an invalid sample) and the fused path (s1) give the same flag.
      expect(ids.find((r) => r.record === 's0')!.padded_s).toBe(ids.find((r) => r.record === 's1')!.padded_s);
    } finally {
      store.close();
      catalog.close();
    }
  });

  it('are trained on by default and left out of train and val, never test, when excluded', () => {
    const catalog = Catalog.open(ws);
    try {
      const shortIds = new Set(catalog.db.prepare('SELECT id FROM records WHERE padded_s > 0').pluck().all() as number[]);
      expect(shortIds.size).toBe(PAIRS);
      const center = ['code15wfdb'];
      const allTrain = ensurePatientSplit(catalog, { seed: 0, ratios: { train: 1, val: 0, test: 0 } }).id;
      const allTest = ensurePatientSplit(catalog, { seed: 0, ratios: { train: 0, val: 0, test: 1 } }).id;
      expect(shortRecordsRule(catalog)).toBe('include');
      expect(recordsOf(catalog, allTrain, 'train', center)).toHaveLength(2 * PAIRS);
      expect(shortRecordsPerPart(catalog, allTrain)).toEqual({ train: PAIRS, val: 0, test: 0 });

      setShortRecordsRule(catalog, 'exclude');
      const train = recordsOf(catalog, allTrain, 'train', center);
      expect(train).toHaveLength(PAIRS);
      expect(train.some((id) => shortIds.has(id))).toBe(false);
      expect(recordsOf(catalog, allTest, 'test', center)).toHaveLength(2 * PAIRS);
      const scaled = scalingRecords(catalog, { splitId: allTrain, pool: center, seed: 0, unit: 'record', fraction: 1 });
      expect(scaled.ids).toEqual(train);
      // An experiment configuration's rule wins over the workspace's.
      expect(recordsOf(catalog, allTrain, 'train', center, 'include')).toHaveLength(2 * PAIRS);
      const config = readExperimentConfig(new URL('../../resources/experiments/small-cpu.json', import.meta.url).pathname);
      expect(config.shortRecords).toBeNull();
      expect(parseExperimentConfig({ ...config, shortRecords: 'exclude' }).shortRecords).toBe('exclude');
      expect(() => parseExperimentConfig({ ...config, shortRecords: 'never' })).toThrow(/shortRecords/);
      expect(() => setShortRecordsRule(catalog, 'sometimes' as 'include')).toThrow(/include or exclude/);
      setShortRecordsRule(catalog, 'include');
    } finally {
      catalog.close();
    }
  });

  it('are set and counted per part by `openecg splits --short-records`', () => {
    const splits = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'openecg.js'), 'splits', '--workspace', ws, ...args], { encoding: 'utf8' });
    const r = splits('--short-records', 'exclude', '--json');
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.short_records.rule).toBe('exclude');
    const { train, val, test } = doc.short_records.per_part;
    expect(train + val + test).toBe(PAIRS);
    const text = splits('--short-records', 'include');
    expect(text.stdout).toMatch(new RegExp(`short records \\(zero-padded, shorter than the window\\): train ${train}, val ${val}, test ${test}; trained on \\(--short-records include\\)`));
    const bad = splits('--short-records', 'sometimes');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--short-records takes include or exclude, got 'sometimes'/);
    const catalog = Catalog.open(ws, { readonly: true });
    try {
      expect(shortRecordsRule(catalog)).toBe('include');
    } finally {
      catalog.close();
    }
  });

  it('are scored and counted by evaluations', () => {
    const catalog = Catalog.open(ws);
    try {
      const ids = catalog.db.prepare('SELECT id FROM records ORDER BY id').pluck().all() as number[];
      const refs = recordRefs(catalog, ids);
      const n = refs.length;
      const labels = [Uint8Array.from(refs, (_, i) => i % 2)];
      const scores = [Float32Array.from(refs, (_, i) => (i % 3) / 3)];
      const e = evaluate({ classes: ['AF'], labels, scores, thresholds: [0.5], patients: refs.map((r) => String(r.patient)), paddedS: refs.map((r) => r.paddedS) }, { replicates: 0 });
      expect(e.records).toBe(n);
      expect(e.short_records).toBe(PAIRS);
      expect(evaluationView(e).shortRecords).toBe(PAIRS);
      // Without the padding input the count is unknown, not 0.
      const unknown = evaluate({ classes: ['AF'], labels, scores, thresholds: [0.5] }, { replicates: 0 });
      expect(unknown.short_records).toBeUndefined();
      expect(evaluationView(unknown).shortRecords).toBeNull();
      expect(() => evaluate({ classes: ['AF'], labels, scores, thresholds: [0.5], paddedS: [0] })).toThrow(/1 padding values for 24 records/);
    } finally {
      catalog.close();
    }
  });
});
