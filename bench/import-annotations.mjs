#!/usr/bin/env node
// What annotation files cost the import: `openecg import` (the whole command, start-up included) of
// LUDB-style records (12 leads, 500 Hz, 10 s, format 16) with 13 annotation files each (atr beats
// with a rhythm note + one delineation file per lead), next to the same records without them, and
// the scan alone (the only step that changed for records without annotation files) on the import
// benchmark's CinC-style corpus when bench/import.mjs has made it.
//
//   node bench/import-annotations.mjs [--records 1000] [--workers 2] [--out bench/out]
// Needs: npm run build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { records: { type: 'string', default: '1000' }, workers: { type: 'string', default: '2' }, out: { type: 'string', default: join(root, 'bench', 'out') } } });
const count = Number(values.records);

// MIT format (annot(5)): 6-bit code, 10-bit time step; AUX carries the rhythm note.
const CODES = { N: 1, V: 5, '(': 39, ')': 40, p: 24, t: 27, '+': 28 };
function mit(list) {
  const b = [];
  const word = (x) => b.push(x & 0xff, (x >> 8) & 0xff);
  let last = 0;
  for (const a of list) {
    word((CODES[a.symbol] << 10) | (a.sample - last));
    last = a.sample;
    if (a.aux) {
      word((63 << 10) | a.aux.length);
      for (const c of Buffer.from(a.aux, 'latin1')) b.push(c);
      if (a.aux.length % 2) b.push(0);
    }
  }
  word(0);
  return Buffer.from(b);
}
const peaks = Array.from({ length: 12 }, (_, k) => 250 + 400 * k);
const atr = mit([{ sample: 0, symbol: '+', aux: '(N' }, ...peaks.map((q) => ({ sample: q, symbol: 'N' }))]);
const waves = [[-150, '('], [-125, 'p'], [-100, ')'], [-20, '('], [0, 'N'], [20, ')'], [60, '('], [100, 't'], [160, ')']];
const delineation = mit(peaks.flatMap((q) => waves.map(([d, symbol]) => ({ sample: q + d, symbol }))));
const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const frames = new Int16Array(5000 * 12);
for (let i = 0; i < 5000; i++) for (let l = 0; l < 12; l++) frames[i * 12 + l] = peaks.some((q) => Math.abs(i - q) < 5) ? 1000 : 0;

function corpus(dir, annotated) {
  const marker = join(dir, `.complete-${count}`);
  if (existsSync(marker)) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (let r = 0; r < count; r++) {
    const name = `r${r}`;
    writeFileSync(join(dir, `${name}.dat`), Buffer.from(frames.buffer));
    writeFileSync(join(dir, `${name}.hea`), [`${name} 12 500 5000`, ...leads.map((l) => `${name}.dat 16 1000/mV 16 0 0 0 0 ${l}`)].join('\n') + '\n');
    if (!annotated) continue;
    writeFileSync(join(dir, `${name}.atr`), atr);
    for (const l of leads) writeFileSync(join(dir, `${name}.${l.toLowerCase()}`), delineation);
  }
  writeFileSync(marker, '');
}

function ours(dir) {
  const ws = mkdtempSync(join(tmpdir(), 'openecg-bench-ann-'));
  try {
    const t = performance.now();
    const out = execFileSync(process.execPath, [join(root, 'bin', 'openecg.js'), 'import', dir, '--workspace', ws, '--dataset', 'wfdb', '--workers', values.workers, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    const wall = (performance.now() - t) / 1000;
    const doc = JSON.parse(out);
    if (doc.imported !== count) throw new Error(`imported ${doc.imported} of ${count}`);
    return { wall_s: +wall.toFixed(2), records_per_s: +(count / wall).toFixed(1) };
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

const rows = [];
for (const annotated of [false, true]) {
  const dir = join(values.out, `ludb-style-${annotated ? 'annotated' : 'plain'}-${count}`);
  corpus(dir, annotated);
  rows.push({ files: annotated ? 'with 13 annotation files' : 'no annotation files', ...ours(dir) });
}
console.log(`openecg import of ${count} LUDB-style records, ${values.workers} workers (wall time, process start-up included)`);
for (const r of rows) console.log(`${r.files.padEnd(26)} ${String(r.wall_s).padStart(7)} s  ${String(r.records_per_s).padStart(7)} rec/s`);

// The scan of the import benchmark's corpus: the annotation probe adds one pass over each directory's names.
const cinc = join(values.out, 'cinc-5000');
let scan = null;
if (existsSync(cinc)) {
  const { scanHeaders } = await import(join(root, 'dist', 'main', 'datasets', 'wfdb-scan.js'));
  const times = [];
  let found = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    found = 0;
    for await (const e of scanHeaders(cinc, { error() {} })) found += e.annotators.length;
    times.push(performance.now() - t);
  }
  scan = { median_ms: +times.sort((a, b) => a - b)[2].toFixed(0), candidates: found };
  console.log(`scan of ${cinc}: median ${scan.median_ms} ms over 5 runs, ${found} annotation candidates`);
}
console.log(JSON.stringify({ bench: 'import-annotations', records: count, workers: Number(values.workers), rows, scan }));
