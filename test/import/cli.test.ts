// `openecg import` as a user runs it: exit statuses, messages, and resume after kill -9.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { ShardStore } from '../../src/main/signal/store.js';
import { copiesOfCinc, REPO } from './corpus.js';
import { tempDir } from '../temp.js';

const BIN = join(REPO, 'bin', 'openecg.js');
const temp = (prefix: string) => tempDir(`cli-${prefix}`);

function openecg(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('openecg import arguments', () => {
  it('exits 2 with a message for unusable arguments', () => {
    const ws = temp('ws');
    const empty = temp('empty');
    const cases: [string[], RegExp][] = [
      [['import', empty, '--workspace', ws], /empty|no records|nothing/i],
      [['import', join(empty, 'missing'), '--workspace', ws], /not found/],
      [['import', empty], /--workspace/],
      [['import', empty, '--workspace', ws, '--dataset', 'nope'], /unknown dataset 'nope'/],
      [['import', empty, '--workspace', ws, '--workers', 'two'], /--workers/],
      [['import', empty, '--workspace', ws, '--dtype', 'int8'], /--dtype/],
    ];
    for (const [args, message] of cases) {
      const r = openecg(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('exits 1 naming the missing columns when an index CSV lacks them', () => {
    const folder = temp('ptbxl');
    writeFileSync(join(folder, 'ptbxl_database.csv'), 'ecg_id,age,sex\n1,50,0\n');
    mkdirSync(join(folder, 'records500'));
    const r = openecg('import', folder, '--workspace', temp('ws'), '--dataset', 'ptbxl');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/patient_id/);
  });

  it('prints one JSON document with --json and refuses other store settings later', () => {
    const folder = temp('small');
    copiesOfCinc(folder, 3);
    const ws = temp('ws');
    const r = openecg('import', folder, '--workspace', ws, '--json', '--workers', '1');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ imported: 3, failed: 0, store: { rate: 100, length: 1000, dtype: 'int16' } });
    const again = openecg('import', folder, '--workspace', ws, '--rate', '250');
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/rate 100/);
  });
});

describe('resume', () => {
  it('after kill -9 imports exactly what is missing', async () => {
    const folder = temp('kill');
    const total = 1500;
    copiesOfCinc(folder, total);
    const ws = temp('kill-ws');
    const child = spawn(process.execPath, [BIN, 'import', folder, '--workspace', ws, '--workers', '1'], { stdio: 'ignore' });
    // Kill once some batches are committed, well before the end.
    const deadline = Date.now() + 60_000;
    let committed = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const c = Catalog.open(ws, { readonly: true });
        committed = c.summary().records;
        c.close();
      } catch {
        // the catalog may not exist yet
      }
      if (committed >= 256) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(total);

    const r = openecg('import', folder, '--workspace', ws, '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.imported + doc.skipped).toBe(total);
    expect(doc.skipped).toBeGreaterThanOrEqual(committed);

    const catalog = Catalog.open(ws);
    const store = ShardStore.openReader(join(ws, 'store'));
    try {
      expect(catalog.summary().records).toBe(total);
      const keys = new Set<string>();
      const places = new Set<string>();
      let after: number | undefined;
      for (;;) {
        const page = catalog.queryRecords({}, { limit: 1000, after });
        for (const row of page.rows) {
          const d = catalog.getRecord(row.id)!;
          keys.add(d.sourceKey);
          places.add(`${d.shard}:${d.offset}`);
        }
        if (page.next === null || page.next === undefined) break;
        after = page.next;
      }
      expect(keys.size).toBe(total);
      expect(places.size).toBe(total);
      // The store holds exactly the committed records: nothing left over from the killed run.
      const end = store.end();
      const last = catalog.lastStoreLocation()!;
      expect(end).toEqual({ shard: last.shard, offset: last.offset + 1 });
      const runs = catalog.importRuns();
      expect(runs[0].status).toBe('failed');
      expect(catalog.importErrors(runs[0].id).map((e) => e.code)).toContain('interrupted');
      expect(runs[1].status).toBe('done');
    } finally {
      store.close();
      catalog.close();
    }
  });
});
