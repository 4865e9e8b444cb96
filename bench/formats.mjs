#!/usr/bin/env node
// Read speed per format, in records per second, on 10 s 12-lead files: a WFDB record from
// ../shared/ecg-samples (PTB-XL, MATLAB v4 signal file), every clinical sample of
// ../shared/ecg-samples/clinical (DICOM, HL7 aECG, SCP-ECG, GE MUSE, Philips XML), and EDF+C and
// ISHNE files generated here from that WFDB record's own samples (same leads, rate and length).
// Each file is read whole through readRecord (content detection included), again and again for
// --seconds, after a warm-up read.
//
//   npm run build && node bench/formats.mjs [--seconds 2] [--json]
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const samples = resolve(root, '..', 'shared', 'ecg-samples');
const index = join(root, 'dist', 'main', 'formats', 'index.js');
if (!existsSync(index)) {
  process.stderr.write('bench/formats.mjs: dist/main/formats is missing; run `npm run build` first\n');
  process.exit(2);
}
const { readRecord } = await import(index);
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '2' }, json: { type: 'boolean', default: false } } });
const seconds = Number(values.seconds);

const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const WFDB = join(samples, 'cinc', 'ptbxl', 'HR00001');

/** EDF+C, 1-s data records, 'ECG <lead>' labels in uV, a 60-byte annotation signal (edfplus.info). */
function edfBytes(r) {
  const spr = r.fs;
  const records = Math.floor(r.sigLen / spr);
  const ns = LEADS.length + 1;
  const f = (t, w) => String(t).padEnd(w, ' ');
  const labels = [...LEADS.map((l) => `ECG ${l}`), 'EDF Annotations'];
  let h = f('0', 8) + f('X X X X', 80) + f('Startdate X X X X', 80) + f('01.01.20', 8) + f('00.00.00', 8);
  h += f(256 * (ns + 1), 8) + f('EDF+C', 44) + f(records, 8) + f(1, 8) + f(ns, 4);
  const col = (w, fn) => labels.map((l, i) => f(fn(l, i), w)).join('');
  h += col(16, (l) => l) + col(80, () => '') + col(8, (l, i) => (i < LEADS.length ? 'uV' : ''));
  h += col(8, () => '-32768') + col(8, () => '32767') + col(8, () => '-32768') + col(8, () => '32767');
  h += col(80, () => '') + col(8, (l, i) => (i < LEADS.length ? spr : 30)) + col(32, () => '');
  const rb = 2 * (LEADS.length * spr + 30);
  const data = Buffer.alloc(records * rb);
  const chan = LEADS.map((l) => r.signals[r.channels.findIndex((c) => c.name.toLowerCase() === l.toLowerCase())]);
  for (let k = 0; k < records; k++) {
    let at = k * rb;
    for (const sig of chan) for (let j = 0; j < spr; j++, at += 2) data.writeInt16LE(Math.round(sig[k * spr + j] * 1000), at);
    data.write(`+${k}\x14\x14\x00`, at, 'latin1');
  }
  return Buffer.concat([Buffer.from(h, 'latin1'), data]);
}

/** ISHNE 1.0: 12 leads (codes 5-16), 1000 nV per count, header CRC-CCITT (Badilini 1998). */
function ishneBytes(r) {
  const n = r.sigLen;
  const head = Buffer.alloc(522);
  head.write('ISHNE1.0', 0, 'latin1');
  head.writeInt32LE(0, 10);
  head.writeInt32LE(n, 14);
  head.writeInt32LE(522, 18);
  head.writeInt32LE(522, 22);
  head.writeInt16LE(1, 26);
  head.writeInt16LE(LEADS.length, 156);
  for (let k = 0; k < 12; k++) {
    head.writeInt16LE(5 + k, 158 + 2 * k);
    head.writeInt16LE(1, 182 + 2 * k);
    head.writeInt16LE(1000, 206 + 2 * k);
  }
  head.writeInt16LE(r.fs, 272);
  let crc = 0xffff;
  for (const b of head.subarray(10)) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  head.writeUInt16LE(crc, 8);
  const chan = LEADS.map((l) => r.signals[r.channels.findIndex((c) => c.name.toLowerCase() === l.toLowerCase())]);
  const data = Buffer.alloc(n * 24);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (const sig of chan) at = data.writeInt16LE(Math.round(sig[i] * 1000), at);
  }
  return Buffer.concat([head, data]);
}

const FORMAT_OF_DIR = { dicom: 'DICOM', hl7aecg: 'HL7 aECG', 'scp-ecg': 'SCP-ECG', muse: 'GE MUSE XML', philips: 'Philips XML' };

async function measure(format, path, label = relative(samples, path)) {
  const first = await readRecord(path);
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000 || n < 5) {
    await readRecord(path);
    n++;
    elapsed = performance.now() - t0;
  }
  return {
    format,
    file: label,
    leads: first.channels.length,
    fs: first.fs,
    samples: first.sigLen,
    reads: n,
    msPerRecord: Number((elapsed / n).toFixed(3)),
    recordsPerSecond: Math.round((n * 1000) / elapsed),
  };
}

const tmp = mkdtempSync(join(tmpdir(), 'openecg-bench-formats-'));
try {
  const wfdb = await readRecord(WFDB);
  const edf = join(tmp, `${basename(WFDB)}.edf`);
  writeFileSync(edf, edfBytes(wfdb));
  const ishne = join(tmp, `${basename(WFDB)}.ecg`);
  writeFileSync(ishne, ishneBytes(wfdb));
  const cases = [['WFDB', WFDB]];
  for (const dir of Object.keys(FORMAT_OF_DIR)) {
    for (const f of readdirSync(join(samples, 'clinical', dir)).sort()) cases.push([FORMAT_OF_DIR[dir], join(samples, 'clinical', dir, f)]);
  }
  const from = `generated from ${relative(samples, WFDB)}`;
  cases.push(['EDF+C', edf, from], ['ISHNE', ishne, from]);
  const rows = [];
  for (const [format, path, label] of cases) rows.push(await measure(format, path, label));
  const wfdbRate = rows[0].recordsPerSecond;
  for (const r of rows) r.vsWfdb = Number((r.recordsPerSecond / wfdbRate).toFixed(2));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ seconds, node: process.version, rows }, null, 1)}\n`);
  } else {
    const head = ['format', 'file', 'leads x samples', 'ms/record', 'records/s', 'x WFDB'];
    const body = rows.map((r) => [r.format, r.file, `${r.leads} x ${r.samples} @ ${r.fs} Hz`, r.msPerRecord.toFixed(2), String(r.recordsPerSecond), r.vsWfdb.toFixed(2)]);
    const width = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
    const line = (cells) => cells.map((x, c) => (c >= 3 ? x.padStart(width[c]) : x.padEnd(width[c]))).join('  ');
    process.stdout.write(`${[line(head), line(width.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
