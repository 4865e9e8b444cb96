// The demo workspace goes through the real adapters and importer, and a second run reuses it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import type { DemoManifest } from '../../src/main/demo/manifest.js';
import { makeDemoWorkspace } from '../../src/main/workspace/demo.js';

const ws = mkdtempSync(join(tmpdir(), 'openecg-demo-ws-'));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

describe('demo workspace', () => {
  it('imports every generated center with the records the manifest lists', async () => {
    const summary = await makeDemoWorkspace({ workspace: ws, records: 140, workers: 0 });
    const manifest = JSON.parse(readFileSync(join(summary.corpus, 'demo-manifest.json'), 'utf8')) as DemoManifest;
    expect(summary.generated).toBe(true);
    expect(summary.records).toBe(manifest.records.length);
    const catalog = Catalog.open(ws, { readonly: true });
    try {
      const s = catalog.summary();
      const expected = Object.fromEntries(manifest.centers.filter((c) => c.count > 0).map((c) => [c.name, c.count]));
      expect(s.per_center).toEqual(expected);
      expect(summary.centers.every((c) => c.failed === 0)).toBe(true);
      // Layouts with patient ids (PTB-XL, MIMIC, CODE-15%, WFDB records in PTB's patientNNN/ folders)
      // keep the generator's patients; CinC and other plain WFDB files carry none, so there each
      // record is its own patient (docs/wfdb-comments.md).
      const withIds = new Set(['ptbxl', 'mimic', 'code15']);
      let patients = 0;
      for (const c of manifest.centers) {
        const recs = manifest.records.filter((r) => r.center === c.folder);
        const keyed = withIds.has(c.adapter) || (c.adapter === 'wfdb' && recs.every((r) => /(^|\/)patient\d+\//.test(r.path)));
        patients += keyed ? new Set(recs.map((r) => r.patient)).size : recs.length;
      }
      expect(s.patients).toBe(patients);
      expect(s.patients).toBeLessThan(s.records);
      expect(summary.split.patients.train + summary.split.patients.val + summary.split.patients.test).toBe(s.patients);
    } finally {
      catalog.close();
    }
  });

  it('reuses the corpus and the catalog on a second run', async () => {
    const again = await makeDemoWorkspace({ workspace: ws, records: 140, workers: 0 });
    expect(again.generated).toBe(false);
    expect(again.centers.every((c) => c.imported === 0 && c.failed === 0)).toBe(true);
    expect(again.centers.reduce((n, c) => n + c.skipped, 0)).toBe(again.records);
  });
});
