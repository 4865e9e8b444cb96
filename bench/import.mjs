#!/usr/bin/env node
// Import benchmark: a PhysioNet/CinC-style corpus (500 Hz, 10 s, 12 leads, .hea + MATLAB v4 .mat)
// imported by `openecg import` and by ../shared/bench/import_peer.py on the same files, with one
// worker and with two. The corpus is made of the real 10 s CinC records in ../shared, copied
// under new names, so the bytes are real ECGs.
//
// Timed as users run them: each a whole process (`node bin/openecg.js import ...` and
// `python3 import_peer.py ...`), start-up and exit included, the median of --repeat runs; the
// figures each tool reports for its own inner loop are printed beside. The fixed cost is the whole
// process on an empty folder (ours: `--dataset cinc`, the peer: it exits after its imports and walk).
// On a shared machine compare the ratios and fixed costs rather than absolute rates.
//
//   node bench/import.mjs [--records 5000] [--repeat 3] [--out bench/out]
// Needs: npm run build; apt-get install -y python3-numpy python3-scipy (the peer).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(root, '..', 'shared');
const { values } = parseArgs({ options: { records: { type: 'string', default: '5000' }, repeat: { type: 'string', default: '3' }, out: { type: 'string', default: join(root, 'bench', 'out') } } });
const count = Number(values.records);
const repeat = Math.max(1, Number(values.repeat));

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

/** Runs a whole process; its wall time from spawn to exit, and its stdout. */
function timed(command, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  return { seconds, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function peer(dir, workers) {
  const r = timed('/usr/bin/python3', [join(shared, 'bench', 'import_peer.py'), dir, '--workers', String(workers)]);
  if (r.status !== 0) throw new Error(`import_peer.py failed: ${r.stderr.trim().split('\n').pop()}`);
  return { whole: r.seconds, inside: JSON.parse(r.stdout.trim().split('\n').pop()) };
}

function ours(dir, workers, expected, extra = []) {
  const ws = mkdtempSync(join(tmpdir(), 'openecg-bench-import-'));
  try {
    const r = timed(process.execPath, [join(root, 'bin', 'openecg.js'), 'import', dir, '--workspace', ws, '--workers', String(workers), '--json', ...extra]);
    if (r.status !== 0) throw new Error(`openecg import failed: ${r.stderr.trim().split('\n').pop()}`);
    const doc = JSON.parse(r.stdout);
    if (doc.imported !== expected) throw new Error(`imported ${doc.imported} of ${expected}: ${JSON.stringify(doc.errors?.slice(0, 3))}`);
    return { whole: r.seconds, inside: doc };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

/** The peer on an empty folder: Python, NumPy and SciPy loaded, the walk, then its 'no .hea files' exit. */
function peerFixed(empty) {
  return timed('/usr/bin/python3', [join(shared, 'bench', 'import_peer.py'), empty]).seconds;
}

const dir = join(values.out, `cinc-${count}`);
makeCorpus(dir);
warm(dir);
const empty = join(values.out, 'empty');
rmSync(empty, { recursive: true, force: true });
mkdirSync(empty, { recursive: true });

const fixedOurs = [];
const fixedPeer = [];
for (let i = 0; i < repeat; i++) {
  fixedOurs.push(ours(empty, 2, 0, ['--dataset', 'cinc']).whole);
  fixedPeer.push(peerFixed(empty));
}
const rows = [];
for (const workers of [1, 2]) {
  const runs = { ours: [], peer: [], oursInside: [], peerInside: [] };
  for (let i = 0; i < repeat; i++) {
    const p = peer(dir, workers);
    const o = ours(dir, workers, count);
    runs.peer.push(p.whole);
    runs.ours.push(o.whole);
    runs.peerInside.push(p.inside.records_per_s);
    runs.oursInside.push(o.inside.records_per_s);
  }
  const oursS = median(runs.ours);
  const peerS = median(runs.peer);
  rows.push({
    workers,
    ours_seconds: +oursS.toFixed(3),
    ours_records_per_s: +(count / oursS).toFixed(1),
    peer_seconds: +peerS.toFixed(3),
    peer_records_per_s: +(count / peerS).toFixed(1),
    speedup: +(peerS / oursS).toFixed(2),
    ours_inside_records_per_s: median(runs.oursInside),
    peer_inside_records_per_s: median(runs.peerInside),
    inside_speedup: +(median(runs.oursInside) / median(runs.peerInside)).toFixed(2),
  });
}
const fixed = { ours_seconds: +median(fixedOurs).toFixed(3), peer_seconds: +median(fixedPeer).toFixed(3) };
console.log(`import of ${count} CinC-style records (500 Hz, 10 s, 12 leads; catalog and canonical store written), whole processes, median of ${repeat}`);
console.log('workers  openecg s  rec/s   peer s  rec/s   speed-up   inside: openecg rec/s  peer rec/s  speed-up');
for (const r of rows) {
  console.log(
    `${String(r.workers).padStart(7)}  ${r.ours_seconds.toFixed(2).padStart(9)}  ${String(Math.round(r.ours_records_per_s)).padStart(5)}  ${r.peer_seconds.toFixed(2).padStart(7)}  ${String(Math.round(r.peer_records_per_s)).padStart(5)}  ${`${r.speedup}x`.padStart(8)}   ${String(Math.round(r.ours_inside_records_per_s)).padStart(21)}  ${String(Math.round(r.peer_inside_records_per_s)).padStart(10)}  ${r.inside_speedup}x`,
  );
}
console.log(`fixed cost (whole process, empty folder): openecg ${fixed.ours_seconds} s, peer ${fixed.peer_seconds} s`);
console.log(JSON.stringify({ bench: 'import', records: count, repeat, fixed, rows }));
