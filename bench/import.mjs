#!/usr/bin/env node
// Import benchmark: a PhysioNet/CinC-style corpus (500 Hz, 10 s, 12 leads, .hea + MATLAB v4 .mat)
// imported by `openecg import` and by ../shared/bench/import_peer.py on the same files, with one
// worker and with two. The corpus is made of the real 10 s CinC records in ../shared, copied
// under new names, so the bytes are real ECGs.
//
//   node bench/import.mjs [--records 5000] [--out bench/out]
// Needs: npm run build; apt-get install -y python3-numpy python3-scipy (the peer).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const { values } = parseArgs({ options: { records: { type: 'string', default: '5000' }, out: { type: 'string', default: join(root, 'bench', 'out') } } });
const count = Number(values.records);

function sourceRecords() {
  const labels = readFileSync(join(shared, 'ecg-samples', 'reference-cinc', 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return labels
    .map((l) => l.split(','))
    .filter(([, , fs, nSig, len]) => fs === '500' && nSig === '12' && len === '5000')
    .map(([center, record]) => ({ center, record, dir: join(shared, 'ecg-samples', 'cinc', center) }));
}

function makeCorpus(dir) {
  const marker = join(dir, `.complete-${count}`);
  if (existsSync(marker)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sources = sourceRecords();
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length];
    const prefix = src.record.match(/^[A-Z]+/)[0];
    const name = `${prefix}${String(900000 + i)}`;
    const out = join(dir, src.center);
    mkdirSync(out, { recursive: true });
    const header = readFileSync(join(src.dir, `${src.record}.hea`), 'utf8').split(src.record).join(name);
    writeFileSync(join(out, `${name}.hea`), header);
    copyFileSync(join(src.dir, `${src.record}.mat`), join(out, `${name}.mat`));
  }
  writeFileSync(marker, '');
}

function warm(dir) {
  // Both readers get the files from the page cache: read every byte once.
  for (const sub of readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const f of readdirSync(join(dir, sub.name))) readFileSync(join(dir, sub.name, f));
  }
}

function peer(dir, workers) {
  const out = execFileSync('/usr/bin/python3', [join(shared, 'bench', 'import_peer.py'), dir, '--workers', String(workers)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split('\n').pop());
}

function ours(dir, workers) {
  const ws = mkdtempSync(join(tmpdir(), 'openecg-bench-import-'));
  try {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'openecg.js'), 'import', dir, '--workspace', ws, '--workers', String(workers), '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    const doc = JSON.parse(out);
    if (doc.imported !== count) throw new Error(`imported ${doc.imported} of ${count}: ${JSON.stringify(doc.errors?.slice(0, 3))}`);
    return doc;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const dir = join(values.out, `cinc-${count}`);
makeCorpus(dir);
warm(dir);
const rows = [];
for (const workers of [1, 2]) {
  const p = peer(dir, workers);
  const o = ours(dir, workers);
  rows.push({ workers, ours_records_per_s: o.records_per_s, ours_MB_per_s: o.MB_per_s, peer_records_per_s: p.records_per_s, peer_MB_per_s: p.MB_per_s, speedup: +(o.records_per_s / p.records_per_s).toFixed(2) });
}
console.log(`import of ${count} CinC-style records (500 Hz, 10 s, 12 leads; catalog and canonical store written)`);
console.log('workers  openecg rec/s  MB/s   peer rec/s  MB/s   speed-up');
for (const r of rows) console.log(`${String(r.workers).padStart(7)}  ${String(r.ours_records_per_s).padStart(13)}  ${String(r.ours_MB_per_s).padStart(5)}  ${String(r.peer_records_per_s).padStart(10)}  ${String(r.peer_MB_per_s).padStart(5)}  ${r.speedup}x`);
console.log(JSON.stringify({ bench: 'import', records: count, rows }));
