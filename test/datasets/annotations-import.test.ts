// Import of WFDB records with annotation files: which annotators the catalog keeps, that no
// annotation file becomes a record, labels from annotations only where a record has none, and the
// canonical window's start kept for placing annotations on the canonical view.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { tempDir } from '../temp.js';
import { LUDB_ANNOTATORS, writeAnnotatedFolders } from './annotation-fixtures.js';

let workspace: string;
let catalog: Catalog;
const idOf = (record: string) => (catalog.db.prepare('SELECT id FROM records WHERE record = ?').pluck().get(record) as number | undefined) ?? -1;
const labelsOf = (record: string) => catalog.getRecord(idOf(record))!.labels.map((l) => l.code).sort();

beforeAll(async () => {
  const root = tempDir('ann-import');
  const { mitdb, ludb } = writeAnnotatedFolders(root);
  workspace = join(root, 'ws');
  const a = await runImport({ folder: mitdb, workspace, dataset: 'wfdb', workers: 0 });
  const b = await runImport({ folder: ludb, workspace, dataset: 'wfdb', workers: 0 });
  expect([a.failed, b.failed]).toEqual([0, 0]);
  catalog = Catalog.open(workspace, { readonly: true });
}, 60_000);

describe('import of records with annotation files', () => {
  it('imports the records and never an annotation file or other sibling as one', () => {
    const records = catalog.db.prepare('SELECT record FROM records ORDER BY record').pluck().all();
    expect(records).toEqual(['1', '100', '2']);
  });

  it("keeps each record's annotators with counts and kinds; a sibling that does not parse is no annotator", () => {
    const r100 = catalog.recordAnnotations(idOf('100'))!;
    expect(r100.annotators).toEqual([{ name: 'atr', count: 2274, kinds: ['beat', 'rhythm'], codes: ['426783006', '284470004'] }]);
    const r1 = catalog.recordAnnotations(idOf('1'))!;
    expect(r1.annotators.map((a) => a.name)).toEqual(['atr', ...LUDB_ANNOTATORS].sort());
    expect(r1.annotators.find((a) => a.name === 'atr')).toMatchObject({ count: 13, kinds: ['beat', 'rhythm'] });
    for (const lead of LUDB_ANNOTATORS) expect(r1.annotators.find((a) => a.name === lead)).toMatchObject({ count: 108, kinds: ['wave'], codes: ['270492004'] });
    expect(r1.annotators.some((a) => a.name === 'xws')).toBe(false);
  });

  it('labels a record from its rhythm notes, beats and delineations where it has no labels of its own', () => {
    // 100: '(N' -> sinus rhythm; 33 A of 2,273 beats (>= 1 %) -> PAC; its single V (< 1 %) gives no PVC.
    expect(labelsOf('100')).toEqual(['284470004', '426783006']);
    // 1: '(N', one V among 12 beats, PR 260 ms in the delineations -> 1st-degree AV block; QTc 402 ms is normal.
    expect(labelsOf('1')).toEqual(['270492004', '426783006', '427172004']);
    const classes = catalog.getRecord(idOf('1'))!.classes;
    expect(classes).toEqual(['IAVB', 'PVC', 'NSR']);
  });

  it("keeps a record's own labels: annotations do not add to them", () => {
    expect(labelsOf('2')).toEqual(['426783006']);
    // What the annotations imply is still kept with the annotator.
    expect(catalog.recordAnnotations(idOf('2'))!.annotators).toEqual([{ name: 'atr', count: 13, kinds: ['beat', 'rhythm'], codes: ['164889003'] }]);
  });

  it('keeps where the canonical window starts; records without annotation files have none', () => {
    expect(catalog.recordAnnotations(idOf('1'))!.windowStart).toBe(0);
    const start100 = catalog.recordAnnotations(idOf('100'))!.windowStart;
    expect(Number.isInteger(start100)).toBe(true);
    expect(start100).toBeGreaterThanOrEqual(0);
    expect(catalog.recordAnnotations(123456)).toBeUndefined();
  });
});
