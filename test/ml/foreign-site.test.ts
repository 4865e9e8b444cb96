// A foreign model on site data: the catalog keeps a pseudonymous label, not the file's path, so the
// scorer finds each file again in its import folder by its keyed name (ml/foreign/source.ts). A
// GE MUSE and an HL7 aECG file with fake identities are imported through the site adapter and
// scored by a small ONNX graph (built here, with its card imported by the CLI); the scores equal
// ONNX Runtime's on the files read directly and brought to the card's spec.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/main/cli.js';
import { Catalog } from '../../src/main/catalog/index.js';
import { readRecord } from '../../src/main/formats/index.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { scoreForeign } from '../../src/main/ml/foreign/score.js';
import { openForeignSession } from '../../src/main/ml/foreign/session.js';
import { GraphBuilder } from '../../src/main/ml/onnx/graph.js';
import { prepareModelInput } from '../../src/main/signal/model-input.js';
import { aecgWith, HAVERBECK, museWith, writeFile, ZORBQ } from '../datasets/site-fixtures.js';
import { tempDir } from '../temp.js';

describe('a foreign model on site records', () => {
  it('reads each pseudonymised record from its file in the import folder', async () => {
    const root = tempDir('foreign-site');
    const site = join(root, 'site');
    const files = [
      writeFile(site, `${HAVERBECK.lastName}/rest.xml`, museWith(HAVERBECK, { acquired: '03-16-2019', time: '10:00:00', statements: [], sex: 'FEMALE' })),
      writeFile(site, `${ZORBQ.lastName}/ecg.xml`, aecgWith(ZORBQ)),
    ];
    const workspace = join(root, 'ws');
    expect((await runImport({ folder: site, workspace, dataset: 'site', workers: 0 })).imported).toBe(2);
    // [batch, 12, 5000] at 500 Hz (uV) -> per-lead mean magnitude -> MatMul (small weights: no saturation) -> Sigmoid
    const g = new GraphBuilder('site-model');
    const x = g.input('ecg', 'float32', ['batch', 12, 5000]);
    const w = g.floats('w', Array.from({ length: 12 * 2 }, (_, i) => (((i * 7) % 11) / 11 - 0.5) * 1e-3), [12, 2]);
    g.output(g.op('Sigmoid', [g.op('MatMul', [g.op('ReduceMean', [g.op('Abs', [x])], { axes: [2], keepdims: 0 }), w])]), 'p', 'float32', ['batch', 2]);
    writeFileSync(join(root, 'm.onnx'), g.encode());
    const card = { name: 'site-model', version: '0', source: 'test', licence: 'MIT', input: { name: 'ecg', layout: 'NCL', rate: 500, samples: 5000, leads: ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'], units: 'uV', normalization: 'none' }, output: { name: 'p', activation: 'sigmoid', classes: [{ name: 'a' }, { name: 'b', class: 'AF' }] } };
    writeFileSync(join(root, 'card.json'), JSON.stringify(card));
    expect(await main(['model', 'import', '--onnx', join(root, 'm.onnx'), '--card', join(root, 'card.json'), '--workspace', workspace])).toBe(0);
    const bundle = join(workspace, 'models', 'site-model');

    const catalog = Catalog.open(workspace, { readonly: true });
    const rows = catalog.db.prepare('SELECT id, source_path AS path FROM records ORDER BY id').all() as { id: number; path: string }[];
    expect(rows.every((r) => r.path.startsWith('site:'))).toBe(true); // no path in the catalog
    const r = await scoreForeign(bundle, catalog, rows.map((x) => x.id));
    catalog.close();
    expect(r.skipped).toEqual([]);
    expect(r.ids).toEqual(rows.map((x) => x.id));
    // The same files read directly: which score belongs to which file does not depend on their order.
    const session = await openForeignSession(bundle);
    const direct: number[][] = [];
    for (const f of files) direct.push(Array.from(await session.run(prepareModelInput(await readRecord(f), session.card.input).data, 1)));
    await session.dispose();
    const got = r.ids.map((_, i) => r.scores.map((col) => col[i]));
    for (const row of got) {
      const match = direct.findIndex((d) => d.every((v, c) => Math.abs(v - row[c]) < 1e-6));
      expect(match, JSON.stringify({ row, direct })).toBeGreaterThanOrEqual(0);
    }
    expect(Math.abs(got[0][0] - got[1][0])).toBeGreaterThan(1e-6); // two different files, two different scores
  });
});
