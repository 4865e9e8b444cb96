// Plain WFDB folders (generated, and the shared wfdb-python samples) and adapter detection.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterByName, detectAdapter } from '../../src/main/datasets/index.js';
import { wfdbAdapter } from '../../src/main/datasets/wfdb.js';
import { FormatError } from '../../src/main/formats/types.js';
import { SHARED, collect, collectingReport, expectFramedLikeLoad, ramp12, tempFolder, writeFormat16, LEADS_12 } from './fixtures.js';

const SAMPLES = join(SHARED, 'ecg-samples/wfdb');

describe('wfdb adapter', () => {
  it('reads a generated format-16 folder: center = folder name, comments as metadata', async () => {
    const folder = join(tempFolder('wfdb'), 'site-berlin');
    writeFormat16({ path: join(folder, 'r1'), fs: 250, leads: ['II', 'V5'], samples: [[100, -200, 300], [5, 6, 7]], gain: 200, baseline: 100 });
    writeFormat16({ path: join(folder, 'sub/r2'), fs: 500, leads: LEADS_12, samples: ramp12(10), comments: ['Age: 61', 'Sex: F', 'Dx: 164889003,59118001'] });
    expect((await detectAdapter(folder)).name).toBe('wfdb');
    const report = collectingReport();
    const candidates = await collect(wfdbAdapter.scan(folder, report));
    expect(report.errors).toEqual([]);
    expect(candidates.map((c) => c.key)).toEqual(['r1', 'sub/r2']);

    const r1 = await wfdbAdapter.load(candidates[0]);
    expect(r1.meta).toMatchObject({ record: 'r1', center: 'site-berlin', patient: null, age: null, sex: null, codes: [], format: 'wfdb-16', sourcePath: join(folder, 'r1.dat') });
    expect(Array.from(r1.reading.signals[0])).toEqual([0, -1.5, 1]);
    const r2 = await wfdbAdapter.load(candidates[1]);
    expect(r2.meta).toMatchObject({ record: 'r2', center: 'site-berlin', age: 61, sex: 'F', codes: ['164889003', '59118001'] });
    for (const c of candidates) await expectFramedLikeLoad(wfdbAdapter, c, true);
  });

  it('reports a header naming a missing signal file and goes on', async () => {
    const folder = tempFolder('wfdb-missing');
    writeFormat16({ path: join(folder, 'a'), fs: 100, leads: ['I'], samples: [[1, 2]], withoutData: true });
    writeFormat16({ path: join(folder, 'b'), fs: 100, leads: ['I'], samples: [[1, 2]] });
    const report = collectingReport();
    const candidates = await collect(wfdbAdapter.scan(folder, report));
    expect(candidates.map((c) => c.key)).toEqual(['b']);
    expect(report.errors).toEqual([
      { key: 'a', path: join(folder, 'a.hea'), code: 'missing-signal-file', message: `header ${join(folder, 'a.hea')} names signal file a.dat, which does not exist` },
    ]);
    // The worker side says the same if the file vanishes after the scan.
    await expect(wfdbAdapter.load({ key: 'a', adapter: 'wfdb', path: join(folder, 'a') })).rejects.toBeInstanceOf(FormatError);
  });

  it('reports an invalid header and keeps scanning', async () => {
    const folder = tempFolder('wfdb-badheader');
    writeFileSync(join(folder, 'bad.hea'), 'bad 1 notanumber 10\nbad.dat 16 200 16 0 0 0 0 I\n');
    writeFormat16({ path: join(folder, 'good'), fs: 100, leads: ['I'], samples: [[1, 2]] });
    const report = collectingReport();
    const candidates = await collect(wfdbAdapter.scan(folder, report));
    expect(candidates.map((c) => c.key)).toEqual(['good']);
    expect(report.errors.map((e) => e.key)).toEqual(['bad']);
  });

  it('lists the shared samples with the multi-segment record once, not its segment headers', async () => {
    const report = collectingReport();
    const keys = (await collect(wfdbAdapter.scan(SAMPLES, report))).map((c) => c.key);
    expect(keys).toContain('multi-segment/041s/041s');
    expect(keys).not.toContain('multi-segment/041s/041s01');
    expect(keys).not.toContain('multi-segment/041s/041s02');
    expect(keys).toContain('100');
    expect(keys).toContain('a103l');
    expect(report.errors).toEqual([]);
    const multi = await wfdbAdapter.load({ key: 'multi-segment/041s/041s', adapter: 'wfdb', path: join(SAMPLES, 'multi-segment/041s/041s') });
    expect(multi.meta.format).toBe('wfdb-multi');
    expect(multi.meta.center).toBe(basename(join(SAMPLES, 'multi-segment/041s')));
    expect(multi.reading.sigLen).toBe(2000);
  });
});

describe('adapter registry and detection', () => {
  it('finds adapters by name and refuses unknown names', () => {
    expect(ADAPTERS.map((a) => a.name)).toEqual(['ptbxl', 'code15', 'mimic', 'cinc', 'site', 'wfdb']);
    expect(adapterByName('cinc').name).toBe('cinc');
    expect(() => adapterByName('nope')).toThrow(/unknown dataset adapter 'nope' \(known: ptbxl, code15, mimic, cinc, site, wfdb\)/);
  });

  it('says a folder is empty, missing, or holds nothing readable', async () => {
    const empty = tempFolder('empty');
    writeFileSync(join(empty, '.DS_Store'), 'x'); // hidden files do not count
    await expect(detectAdapter(empty)).rejects.toThrow(`folder ${empty} is empty: nothing to import`);
    await expect(detectAdapter(join(empty, 'absent'))).rejects.toThrow(/cannot open folder/);
    const junk = tempFolder('junk');
    mkdirSync(join(junk, 'docs'));
    writeFileSync(join(junk, 'docs/readme.txt'), 'hello');
    const err = await detectAdapter(junk).catch((e: unknown) => e);
    expect((err as FormatError).code).toBe('no-records');
    expect((err as FormatError).message).toMatch(/no readable records in .*found no WFDB header/);
  });

  it('prefers cinc over plain WFDB for CinC headers, and plain WFDB for others', async () => {
    const folder = tempFolder('mixed');
    for (const name of ['A0001.hea', 'A0001.mat']) copyFileSync(join(SHARED, 'ecg-samples/cinc/cpsc', name), join(folder, name));
    expect((await detectAdapter(folder)).name).toBe('cinc');
    expect((await detectAdapter(SAMPLES)).name).toBe('wfdb');
  });
});
