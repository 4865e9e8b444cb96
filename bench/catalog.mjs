// Catalog benchmark: fills a fresh catalog with 1.2 million generated records (nine centers in the
// proportions of OpenECG's table), then times filtered pages and the per-center summary.
// Run after `npm run build`:  node bench/catalog.mjs [--records N] [--keep DIR]
// Prints one JSON line of figures, then a table. Targets: filtered page < 50 ms, summary < 200 ms.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/main/catalog/', import.meta.url);
if (!existsSync(fileURLToPath(new URL('catalog.js', dist)))) {
  process.stderr.write('bench/catalog.mjs: dist/main/catalog is missing; run `npm run build` first\n');
  process.exit(2);
}
const { Catalog } = await import(new URL('catalog.js', dist).href);
const { CLASSES } = await import(new URL('../../shared/classes.js', dist).href);

const { values } = parseArgs({ options: { records: { type: 'string' }, keep: { type: 'string' } } });
const TOTAL = Number(values.records ?? 1_200_000);

// OpenECG's table (PAPER.md §2): records and records-per-patient by center; null = no patient ids.
const CENTERS = [
  { name: 'CPSC', records: 14053, perPatient: null, prefix: 'A', labelled: true },
  { name: 'Georgia', records: 10344, perPatient: null, prefix: 'E', labelled: true },
  { name: 'PTB', records: 549, perPatient: 549 / 290, prefix: 'S', labelled: true },
  { name: 'PTB-XL', records: 21837, perPatient: 21837 / 18885, prefix: 'HR', labelled: true },
  { name: 'INCART', records: 75, perPatient: 75 / 32, prefix: 'I', labelled: true },
  { name: 'Chapman-Shaoxing', records: 10247, perPatient: null, prefix: 'JS', labelled: true },
  { name: 'Ningbo', records: 34905, perPatient: null, prefix: 'JS', labelled: true },
  { name: 'MIMIC-IV-ECG', records: 795548, perPatient: 5, prefix: '', labelled: false },
  { name: 'CODE-15%', records: 345779, perPatient: 345779 / 233770, prefix: '', labelled: false },
];
const paperTotal = CENTERS.reduce((s, c) => s + c.records, 0);

// Deterministic generator (mulberry32), so every run measures the same catalog.
let seed = 0x5eed;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
// Class frequencies skewed like the CinC data: sinus rhythm common, most others rare.
const weights = CLASSES.map((c) => (c.abbreviation === 'NSR' ? 40 : ['AF', 'STach', 'SB', 'TAb', 'LAD'].includes(c.abbreviation) ? 8 : 2));
const wsum = weights.reduce((a, b) => a + b, 0);
function pickClass() {
  let r = rand() * wsum;
  for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return CLASSES[i];
  return CLASSES[CLASSES.length - 1];
}
const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function* generate() {
  let serial = 0;
  for (const c of CENTERS) {
    const n = Math.round((c.records / paperTotal) * TOTAL);
    let patient = 0;
    let left = 0;
    for (let i = 0; i < n; i++) {
      if (c.perPatient && left <= 0) {
        patient++;
        left = Math.max(1, Math.round(-Math.log(1 - rand()) * c.perPatient));
      }
      left--;
      const name = c.prefix ? `${c.prefix}${String(i + 1).padStart(5, '0')}` : String(40_000_000 + serial);
      const codes = new Set();
      const nLabels = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < nLabels; k++) {
        const cls = pickClass();
        codes.add(cls.snomed[Math.floor(rand() * cls.snomed.length)]);
      }
      if (rand() < 0.2) codes.add('164884008'); // a code outside the 24 classes
      const fs = c.name === 'CODE-15%' ? 400 : c.name === 'PTB' ? 1000 : c.name === 'INCART' ? 257 : 500;
      serial++;
      yield {
        sourceKey: `${c.name}/${name}#${i}`,
        record: name,
        center: c.name,
        patient: c.perPatient ? `p${patient}` : null,
        sourcePath: `/data/${c.name}/${name}.hea`,
        format: c.name === 'CODE-15%' ? 'hdf5' : 'wfdb-16',
        fs,
        sigLen: fs * 10,
        leads: LEADS,
        age: rand() < 0.03 ? null : Math.max(0, Math.min(99, Math.round(60 + 18 * (rand() + rand() + rand() - 1.5) * 1.4))),
        sex: rand() < 0.02 ? null : rand() < 0.5 ? 'M' : 'F',
        recordedAt: null,
        codes: [...codes],
        missingLeads: [],
        shard: Math.floor(serial / 4096),
        offset: serial % 4096,
      };
    }
  }
}

// Median wall time and median CPU time: on a shared machine the CPU figure is the steadier one.
function time(fn, repeat = 7) {
  const wall = [];
  const cpu = [];
  let result;
  for (let i = 0; i < repeat; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: median(wall), cpu: median(cpu), result };
}

const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'openecg-bench-catalog-'));
const catalog = Catalog.open(dir);
try {
  const BATCH = 20_000;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let batch = [];
  let inserted = 0;
  for (const row of generate()) {
    batch.push(row);
    if (batch.length === BATCH) {
      inserted += catalog.insertRecords(batch).ids.length;
      batch = [];
    }
  }
  if (batch.length) inserted += catalog.insertRecords(batch).ids.length;
  const fillS = (performance.now() - t0) / 1000;
  const fillCpu = process.cpuUsage(c0);
  const fillCpuS = (fillCpu.user + fillCpu.system) / 1e6;
  const t1 = performance.now();
  catalog.analyze();
  const analyzeS = (performance.now() - t1) / 1000;
  catalog.db.pragma('wal_checkpoint(TRUNCATE)');
  const fileMB = statSync(catalog.file).size / 1e6;

  const selective = { centers: ['MIMIC-IV-ECG'], classes: ['AF'], sex: 'F', ageMin: 40, ageMax: 70, text: '12' };
  const small = { centers: ['Georgia'], classes: ['AF'], sex: 'F', ageMin: 40, ageMax: 70, text: '1' };
  const rare = { centers: ['MIMIC-IV-ECG', 'CODE-15%'], classes: ['LQT'], sex: 'M', ageMin: 20, ageMax: 50 };
  const textOnly = { text: '4001234' };
  const first = time(() => catalog.queryRecords(selective, { limit: 50 }));
  // A deep page: keyset after an id 90% of the way through the big center.
  const mimicIds = catalog.db.prepare("SELECT min(id) lo, max(id) hi FROM records WHERE center_id = (SELECT id FROM centers WHERE name = 'MIMIC-IV-ECG')").get();
  const deepAfter = Math.floor(mimicIds.lo + 0.9 * (mimicIds.hi - mimicIds.lo));
  const deep = time(() => catalog.queryRecords(selective, { limit: 50, after: deepAfter }));
  const offset = time(() => catalog.queryRecords(selective, { limit: 50, offset: 2000 }));
  const smallFirst = time(() => catalog.queryRecords(small, { limit: 50 }));
  const rareFirst = time(() => catalog.queryRecords(rare, { limit: 50 }));
  const text = time(() => catalog.queryRecords(textOnly, { limit: 50 }), 3);
  const plain = time(() => catalog.queryRecords({}, { limit: 50, after: 600_000 }));
  const summary = time(() => catalog.summary());

  const figures = {
    bench: 'catalog',
    records: inserted,
    centers: CENTERS.length,
    patients: summary.result.patients,
    fill_s: +fillS.toFixed(2),
    fill_records_per_s: Math.round(inserted / fillS),
    fill_cpu_s: +fillCpuS.toFixed(2),
    fill_records_per_cpu_s: Math.round(inserted / fillCpuS),
    analyze_s: +analyzeS.toFixed(2),
    file_mb: Math.round(fileMB),
    page_first_ms: +first.ms.toFixed(2),
    page_deep_keyset_ms: +deep.ms.toFixed(2),
    page_offset_2000_ms: +offset.ms.toFixed(2),
    page_small_center_ms: +smallFirst.ms.toFixed(2),
    page_rare_class_ms: +rareFirst.ms.toFixed(2),
    page_text_only_ms: +text.ms.toFixed(2),
    page_unfiltered_ms: +plain.ms.toFixed(2),
    summary_ms: +summary.ms.toFixed(2),
    cpu_ms: Object.fromEntries(
      Object.entries({ first, deep, offset, small: smallFirst, rare: rareFirst, text, plain, summary }).map(([k, v]) => [k, +v.cpu.toFixed(2)]),
    ),
    load_average: +(await import('node:os')).loadavg()[0].toFixed(2),
    totals: { first: first.result.total, deep: deep.result.total, small: smallFirst.result.total, rare: rareFirst.result.total, text: text.result.total },
  };
  process.stdout.write(JSON.stringify(figures) + '\n');
  const rows = [
    ['fill', `${figures.fill_records_per_s.toLocaleString('en')} records/s`, `${inserted.toLocaleString('en')} records in ${figures.fill_s} s (${figures.fill_records_per_cpu_s.toLocaleString('en')} per CPU second)`],
    ['file size', `${figures.file_mb} MB`, ''],
    ['page: big center + class + sex + age + text, first', `${figures.page_first_ms} ms`, `target < 50 ms; total ${first.result.total}${first.result.totalExact ? '' : '+'}`],
    ['page: same, deep (keyset)', `${figures.page_deep_keyset_ms} ms`, 'target < 50 ms'],
    ['page: same, offset 2000', `${figures.page_offset_2000_ms} ms`, ''],
    ['page: small center, first', `${figures.page_small_center_ms} ms`, `total ${smallFirst.result.total}`],
    ['page: two centers + rare class + sex + age', `${figures.page_rare_class_ms} ms`, `total ${rareFirst.result.total}${rareFirst.result.totalExact ? '' : '+'}`],
    ['page: text only', `${figures.page_text_only_ms} ms`, `total ${text.result.total}${text.result.totalExact ? '' : '+'}`],
    ['page: unfiltered, keyset at 600k', `${figures.page_unfiltered_ms} ms`, ''],
    ['per-center summary', `${figures.summary_ms} ms`, 'target < 200 ms'],
  ];
  process.stdout.write(`(medians of repeated calls; CPU ms per call: ${JSON.stringify(figures.cpu_ms)}; load average ${figures.load_average})\n`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w)}  ${b.padStart(20)}  ${c}\n`);
} finally {
  catalog.close();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
