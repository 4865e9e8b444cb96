// Garbage is never a record (issue 22): random bytes saved as a header, headers of another
// record, of no signals or no samples, and records without a lead for the 12-lead shape are
// refused with their reason, at read time where the file is no record and at import time where
// it is one the 12-lead shape cannot use; every real layout in ../shared still imports.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { FormatError, readRecord } from '../../src/main/formats/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { mulberry32 } from '../../src/shared/random.js';
import { SHARED, writeFormat16 } from '../datasets/fixtures.js';
import { tempDir } from '../temp.js';

const WFDB = join(SHARED, 'ecg-samples/wfdb');
const RANDOM_HEADERS = 20;

function randomBytes(n: number, seed: number): Buffer {
  const next = mulberry32(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
}

async function refusal(path: string): Promise<FormatError> {
  const err = await readRecord(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  expect((err as Error).message).not.toMatch(/[\n\r]/);
  return err as FormatError;
}

/** A folder of headers that are no record, each with the code the import gives it. */
function garbageFolder(): { folder: string; expected: Record<string, string> } {
  const folder = tempDir('garbage');
  const expected: Record<string, string> = {};
  // The issue's case: the first line parses (a record "6'" of no signals), the rest is noise.
  writeFileSync(join(folder, 'x.hea'), Buffer.concat([Buffer.from("6'\n", 'latin1'), randomBytes(497, 22)]));
  expected.x = 'header-name';
  // Pure noise: refused as an unparsable header, or (when its first line parses) as another record's.
  for (let seed = 1; seed <= RANDOM_HEADERS; seed++) writeFileSync(join(folder, `r${seed}.hea`), randomBytes(500, seed));
  // A valid header of another record beside its data.
  writeFormat16({ path: join(folder, 'other'), fs: 500, leads: ['I', 'II'], samples: [[1, 2, 3], [4, 5, 6]] });
  writeFileSync(join(folder, 'renamed.hea'), 'other 2 500 3\nother.dat 16 1000 16 0 0 0 0 I\nother.dat 16 1000 16 0 0 0 0 II\n');
  expected.renamed = 'header-name';
  // No signals; signals without a file (a huge length must not be allocated).
  writeFileSync(join(folder, 'nosig.hea'), 'nosig 0 250 5000\n');
  expected.nosig = 'no-signals';
  writeFileSync(join(folder, 'nofile.hea'), 'nofile 1 250 2147483647\n~ 0 200 12 0 0 0 0 II\n');
  expected.nofile = 'no-signals';
  // Zero samples: stated, or left unspecified (0 or omitted) with empty signal files.
  writeFormat16({ path: join(folder, 'zero'), fs: 500, leads: ['I'], samples: [[]] });
  expected.zero = 'no-samples';
  writeFileSync(join(folder, 'empty.hea'), 'empty 1 500\nempty.dat 16 1000 16 0 0 0 0 II\n');
  writeFileSync(join(folder, 'empty.dat'), Buffer.alloc(0));
  expected.empty = 'no-samples';
  // Samples, but no channel the 12-lead shape can use.
  writeFileSync(join(folder, 'abp.hea'), 'abp 2 250 500\nabp.dat 16 100/mmHg 16 0 0 0 0 ABP\nabp.dat 16 100 16 0 0 0 0 RESP\n');
  writeFileSync(join(folder, 'abp.dat'), randomBytes(2000, 5));
  expected.abp = 'no-usable-lead';
  writeFormat16({ path: join(folder, 'dead'), fs: 250, leads: ['II', 'V1'], samples: [new Array(300).fill(-32768), new Array(300).fill(-32768)] });
  expected.dead = 'no-usable-lead';
  return { folder, expected };
}

describe('garbage headers', () => {
  it('refuses each with its reason at import time, and the catalog holds none of them', async () => {
    const { folder, expected } = garbageFolder();
    // Records that are fine beside them: a length left unspecified (0 or omitted) comes from the file.
    writeFileSync(join(folder, 'open0.hea'), 'open0 1 500 0\nopen0.dat 16 1000 16 0 0 0 0 II\n');
    writeFileSync(join(folder, 'open0.dat'), randomBytes(2000, 7));
    writeFileSync(join(folder, 'open.hea'), 'open 1 500\nopen.dat 16 1000 16 0 0 0 0 II\n');
    writeFileSync(join(folder, 'open.dat'), randomBytes(2000, 8));
    const ws = tempDir('garbage-ws');
    const summary = await runImport({ folder, workspace: ws, dataset: 'wfdb', workers: 0 });
    const codes = Object.fromEntries(summary.errors.map((e) => [e.key, e.code]));
    for (let seed = 1; seed <= RANDOM_HEADERS; seed++) {
      expect(['header', 'header-name']).toContain(codes[`r${seed}`]);
      delete codes[`r${seed}`];
    }
    expect(codes).toEqual(expected);
    // eslint-disable-next-line no-control-regex
    for (const e of summary.errors) expect(e.message).not.toMatch(/[\n\r\u0000-\u001f]/);
    expect(summary.errors.find((e) => e.key === 'x')?.message).toMatch(/names record '6'', not 'x'/);
    expect(summary.errors.find((e) => e.key === 'abp')?.message).toMatch(/no channel gives one of the 12 standard leads .*\(channels: 'ABP', 'RESP'\)/);
    expect(summary.imported).toBe(3);
    const catalog = Catalog.open(ws);
    try {
      const rows = catalog.queryRecords({}, { limit: 100 }).rows;
      expect(rows.map((r) => r.record).sort()).toEqual(['open', 'open0', 'other']);
      expect(rows.find((r) => r.record === 'open0')?.durationS).toBe(2);
      expect(catalog.getRecord(rows.find((r) => r.record === 'open')!.id)!.sigLen).toBe(1000);
      // The refusals stay in the import errors.
      expect(catalog.importErrors(summary.run)).toHaveLength(Object.keys(expected).length + RANDOM_HEADERS);
    } finally {
      catalog.close();
    }
  });

  it('refuses the files that are no record at read time too (a record without a 12-lead name still reads)', async () => {
    const { folder } = garbageFolder();
    expect((await refusal(join(folder, 'x.hea'))).message).toMatch(/the record line names record '6'', not 'x': not this record's header/);
    for (let seed = 1; seed <= RANDOM_HEADERS; seed++) expect(['header', 'header-name']).toContain((await refusal(join(folder, `r${seed}.hea`))).code);
    expect((await refusal(join(folder, 'nosig'))).code).toBe('no-signals');
    expect((await refusal(join(folder, 'nofile'))).code).toBe('no-signals');
    expect((await refusal(join(folder, 'zero'))).code).toBe('no-samples');
    expect((await refusal(join(folder, 'empty'))).code).toBe('no-samples');
    // 2^31 samples declared: refused for what the file holds, nothing of that size allocated.
    writeFileSync(join(folder, 'huge.hea'), 'huge 1 500 2147483648\nabp.dat 16 1000 16 0 0 0 0 II\n');
    expect((await refusal(join(folder, 'huge'))).message).toMatch(/truncated: the header says 2147483648 samples, the file holds 1000/);
    writeFileSync(join(folder, 'multi.hea'), 'multi/2 2 500\nabp 500\n~ 2147483648\n');
    expect((await refusal(join(folder, 'multi'))).code).toBe('too-large');
    writeFileSync(join(folder, 'longer.hea'), 'longer/1 2 500 2147483648\nabp 500\n');
    expect((await refusal(join(folder, 'longer'))).message).toMatch(/the header says 2147483648 samples, its segments 500/);
    const abp = await readRecord(join(folder, 'abp'));
    expect(abp.channels.map((c) => c.name)).toEqual(['ABP', 'RESP']);
    expect(abp.sigLen).toBe(500);
  });

  it('escapes control characters of a damaged header in its message', async () => {
    const folder = tempDir('garbage-ctl');
    writeFileSync(join(folder, 'c.hea'), 'c 1\u0007\u001b[2J 250\n');
    const err = await refusal(join(folder, 'c.hea'));
    expect(err.message).toContain("number of signals '1\\x07\\x1b[2J' is not an integer");
  });
});

describe('real records are not refused', () => {
  it('imports every shared WFDB sample with a standard lead, and refuses only those without one', async () => {
    const ws = tempDir('garbage-real');
    const summary = await runImport({ folder: WFDB, workspace: ws, dataset: 'wfdb', workers: 0 });
    const refused = Object.fromEntries(summary.errors.map((e) => [e.key, e.code]));
    // MCL1/ABP/RESP, FECG/UC, 'col 0', 'ECG 1'..'ECG 4': no channel names a lead of the 12.
    expect(refused).toEqual({
      '03700181': 'no-usable-lead',
      p10143: 'no-usable-lead',
      '310derive': 'no-usable-lead',
      '311derive': 'no-usable-lead',
      test01_00s: 'no-usable-lead',
      test01_00s_skew: 'no-usable-lead',
    });
    const catalog = Catalog.open(ws);
    try {
      const rows = catalog.queryRecords({}, { limit: 100 }).rows;
      const names = rows.map((r) => r.record).sort();
      // 100 (MLII, V5) keeps II and V5, its other leads zero-filled; the multi-segment record is one record.
      expect(names).toEqual(['041s', '100', '100_3chan', '100skew', '3000003_0003', 'a103l', 's0010_re', 'v102s']);
      const r100 = catalog.getRecord(rows.find((r) => r.record === '100')!.id)!;
      expect(r100.missingLeads).toEqual(['I', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V6']);
    } finally {
      catalog.close();
    }
  });

  it('reads CinC headers whose record line says E00666.mat, and segment headers beside their master', async () => {
    const folder = tempDir('garbage-cinc');
    for (const name of ['E00666.hea', 'E00666.mat']) copyFileSync(join(SHARED, 'ecg-samples/cinc/georgia', name), join(folder, name));
    expect((await readRecord(join(folder, 'E00666'))).record).toBe('E00666');
    const seg = join(folder, 'seg');
    mkdirSync(seg);
    for (const f of readdirSync(join(WFDB, 'multi-segment/041s'))) copyFileSync(join(WFDB, 'multi-segment/041s', f), join(seg, f));
    expect((await readRecord(join(seg, '041s'))).sigLen).toBe(2000);
    expect((await readRecord(join(seg, '041s01'))).sigLen).toBe(1000);
  });
});
