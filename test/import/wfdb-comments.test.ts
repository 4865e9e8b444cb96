// Importing WFDB collections whose patients and diagnoses live in header comments: CODE-15% as
// WFDB (PhysioNet Challenge 2025: '# Patient ID:', '# Exam ID:', 400 Hz, 7.3 s) with one person's
// exams under different record names in different folders, and LUDB (lower-case lead names,
// per-lead baselines, a '#<diagnoses>:' block, per-lead annotation files beside the records).
// Checks: one pseudonymous patient in the catalog and one split part for that person's exams; the
// statements mapped to classes, the unmapped ones listed per import and by `openecg site
// unmapped`, and `openecg site map` relabelling the imported WFDB records and later imports.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { createPatientSplit } from '../../src/main/catalog/splits.js';
import { patientKey, workspaceSecret } from '../../src/main/datasets/site-secret.js';
import { main } from '../../src/main/cli.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { CLASSES } from '../../src/shared/classes.js';
import { tempDir } from '../temp.js';

interface WfdbRecord {
  /** Record path without extension. */
  readonly path: string;
  readonly fs: number;
  readonly n: number;
  readonly leads: readonly string[];
  /** Per-lead ADC baselines, written in the gain field as LUDB does ('1000(-12)/mV'). */
  readonly baselines?: readonly number[];
  readonly comments: readonly string[];
}

/** A format-16 record: a 1 mV, 1 Hz square wave per lead around each lead's baseline; initial values and checksums as WFDB writes them. */
function writeRecord(r: WfdbRecord): void {
  mkdirSync(dirname(r.path), { recursive: true });
  const name = r.path.slice(r.path.lastIndexOf('/') + 1);
  const base = (c: number) => r.baselines?.[c] ?? 0;
  const data = Buffer.alloc(r.n * r.leads.length * 2);
  const sums = r.leads.map(() => 0);
  for (let i = 0; i < r.n; i++) {
    const v = Math.floor((2 * i) / r.fs) % 2 === 0 ? 500 : -500;
    for (let c = 0; c < r.leads.length; c++) {
      data.writeInt16LE(v + base(c), (i * r.leads.length + c) * 2);
      sums[c] += v + base(c);
    }
  }
  const checksum = (sum: number) => ((((sum % 65536) + 65536 + 32768) % 65536) - 32768);
  const lines = [`${name} ${r.leads.length} ${r.fs} ${r.n}`];
  r.leads.forEach((lead, c) => lines.push(`${name}.dat 16 1000(${base(c)})/mV 16 0 ${500 + base(c)} ${checksum(sums[c])} 0 ${lead}`));
  writeFileSync(`${r.path}.hea`, [...lines, ...r.comments].join('\n') + '\n');
  writeFileSync(`${r.path}.dat`, data);
}

const LUDB_LEADS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
const CODE15_LEADS = ['I', 'II', 'III', 'AVR', 'AVL', 'AVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const PERSON = 'PID-523632';

function ludbFolder(): string {
  const folder = join(tempDir('ludb'), 'ludb');
  const record = (name: string, diagnoses: string[]) => {
    writeRecord({
      path: join(folder, name),
      fs: 500,
      n: 5000,
      leads: LUDB_LEADS,
      baselines: LUDB_LEADS.map((_, c) => c * 7 - 40),
      comments: ['#<age>: 51', '#<sex>: F', '#<diagnoses>:', ...diagnoses.map((d) => `#${d}`)],
    });
    // LUDB's per-lead wave annotations (and an .atr) beside the record: never records themselves.
    for (const ext of ['i', 'ii', 'v1', 'atr']) writeFileSync(join(folder, `${name}.${ext}`), Buffer.from([0x12, 0x50, 0x00, 0xec, 0x00, 0x00]));
  };
  record('1', ['Rhythm: Sinus bradycardia.', 'Electric axis of the heart: left axis deviation.', 'Left ventricular hypertrophy.', 'I degree av block.']);
  record('2', ['Rhythm: Sinus rhythm.', 'Electric axis of the heart: normal.', 'Ventricular bigeminy.', 'Left ventricular hypertrophy.']);
  return folder;
}

function code15Folder(): string {
  const folder = join(tempDir('code15-wfdb'), 'code15-wfdb');
  const exam = (sub: string, examId: string, patient: string | null, n: number) =>
    writeRecord({
      path: join(folder, sub, examId),
      fs: 400,
      n,
      leads: CODE15_LEADS,
      comments: [`# Exam ID: ${examId}`, ...(patient ? [`# Patient ID: ${patient}`] : []), '# Age: 48', '# Sex: Male', '# Chagas label: False', '# Source: CODE-15%'],
    });
  // One person, two exams under different record names in different folders; another person; an exam naming nobody.
  exam('exams_part0', '1001', PERSON, 2920);
  exam('exams_part7', '2002', PERSON, 4096);
  exam('exams_part7', '3003', 'PID-777001', 2920);
  exam('exams_part0', '4004', null, 4096);
  return folder;
}

/** Runs `openecg ...` in this process; exit status and stdout. */
async function cli(argv: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { status: await main(argv), out };
  } finally {
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());

function withCatalog<T>(ws: string, f: (c: Catalog) => T): T {
  const c = Catalog.open(ws, { readonly: true });
  try {
    return f(c);
  } finally {
    c.close();
  }
}

const abbreviations = (ws: string, record: string) =>
  withCatalog(ws, (c) =>
    (c.db.prepare('SELECT l.class_index AS i FROM labels l JOIN records r ON r.id = l.record_id WHERE r.record = ? AND l.class_index IS NOT NULL ORDER BY l.class_index').all(record) as { i: number }[]).map(
      (x) => CLASSES[x.i].abbreviation,
    ),
  );

describe('patients from WFDB header comments', () => {
  it("keys one person's exams, under different names and folders, to one pseudonymous patient in one split part", async () => {
    const ws = tempDir('code15-ws');
    const s = await runImport({ folder: code15Folder(), workspace: ws, workers: 0 });
    expect(s).toMatchObject({ dataset: 'wfdb', imported: 4, failed: 0 });
    expect(s.comments).toMatchObject({ records_with_patient_id: 3, patients_from_ids: 2, statements: 0 });

    const rows = withCatalog(ws, (c) =>
      c.db.prepare('SELECT r.record, r.source_key AS src, p.id AS patient, p.key, p.own_record AS own FROM records r JOIN patients p ON p.id = r.patient_id ORDER BY r.record').all(),
    ) as { record: string; src: string; patient: number; key: string; own: number }[];
    expect(rows.map((r) => [r.record, r.src])).toEqual([
      ['1001', 'exams_part0/1001'],
      ['2002', 'exams_part7/2002'],
      ['3003', 'exams_part7/3003'],
      ['4004', 'exams_part0/4004'],
    ]);
    const [a, b, c, d] = rows;
    expect(a.patient).toBe(b.patient);
    expect(c.patient).not.toBe(a.patient);
    expect(d.own).toBe(1); // no id: the exam is its own patient
    // The key is the site adapter's HMAC of the id under the workspace secret, never the id.
    expect(a.key).toBe(patientKey(workspaceSecret(ws), PERSON));
    expect(a.key).toMatch(/^[0-9a-f]{64}$/);
    expect(withCatalog(ws, (cat) => cat.summary().patients)).toBe(3);
    for (const file of ['catalog.sqlite', 'catalog.sqlite-wal'].filter((f, i) => i === 0 || existsSync(join(ws, f)))) {
      const bytes = readFileSync(join(ws, file));
      expect(bytes.includes(Buffer.from(PERSON)), file).toBe(false);
      expect(bytes.includes(Buffer.from('523632')), file).toBe(false);
    }

    // Every seed: both exams of the person fall in the same part.
    const cat = Catalog.open(ws);
    try {
      for (const seed of [0, 1, 2, 3, 4]) {
        const split = createPatientSplit(cat, { seed });
        const parts = cat.db
          .prepare('SELECT r.record, a.part FROM records r JOIN split_assignments a ON a.patient_id = r.patient_id AND a.split_set_id = ? WHERE r.record IN (?, ?)')
          .all(split.id, '1001', '2002') as { part: string }[];
        expect(parts.length).toBe(2);
        expect(parts[0].part).toBe(parts[1].part);
      }
    } finally {
      cat.close();
    }
  });
});

describe('statements from WFDB header comments', () => {
  it('maps LUDB diagnoses to classes, lists the unmapped ones, and `site map` relabels the WFDB records', async () => {
    const ws = tempDir('ludb-ws');
    const folder = ludbFolder();
    const s = await runImport({ folder, workspace: ws, workers: 0 });
    // Two records: the annotation files beside them are not records and not errors.
    expect(s).toMatchObject({ dataset: 'wfdb', records_seen: 2, imported: 2, failed: 0, warnings: 0 });
    expect(s.comments).toMatchObject({ records_with_patient_id: 0, statements: 8, mapped_statements: 4 });
    expect(s.comments!.unmapped).toEqual([
      { statement: 'Left ventricular hypertrophy', records: 2 },
      { statement: 'Electric axis of the heart: normal', records: 1 },
      { statement: 'Ventricular bigeminy', records: 1 },
    ]);
    expect(abbreviations(ws, '1')).toEqual(['IAVB', 'LAD', 'SB']);
    expect(abbreviations(ws, '2')).toEqual(['NSR']);
    // Lower-case lead names are the 12 leads: nothing zero-filled.
    const missing = withCatalog(ws, (c) => c.db.prepare('SELECT missing_leads FROM records ORDER BY record').pluck().all());
    expect(missing.every((m) => m === null || m === '' || m === '[]')).toBe(true);
    const stored = withCatalog(ws, (c) => c.db.prepare("SELECT s.text, s.codes FROM record_statements s JOIN records r ON r.id = s.record_id WHERE r.record = '1' ORDER BY s.seq").all());
    expect(stored).toEqual([
      { text: 'Rhythm: Sinus bradycardia', codes: '426177001' },
      { text: 'Electric axis of the heart: left axis deviation', codes: '39732003' },
      { text: 'Left ventricular hypertrophy', codes: null },
      { text: 'I degree av block', codes: '270492004' },
    ]);

    const unmapped = await cli(['site', 'unmapped', '--workspace', ws, '--json']);
    expect(unmapped.status).toBe(0);
    expect(JSON.parse(unmapped.out).unmapped).toEqual(s.comments!.unmapped);

    const mapped = await cli(['site', 'map', '--workspace', ws, '--statement', 'ventricular bigeminy', '--class', 'PVC', '--json']);
    expect(mapped.status).toBe(0);
    expect(JSON.parse(mapped.out)).toMatchObject({ codes: ['427172004'], relabelled_records: 1 });
    expect(abbreviations(ws, '2')).toEqual(['PVC', 'NSR']);
    const reviewed = await cli(['site', 'map', '--workspace', ws, '--statement', 'Left ventricular hypertrophy', '--class', 'none', '--json']);
    expect(JSON.parse(reviewed.out)).toMatchObject({ codes: [], relabelled_records: 2 });
    expect(JSON.parse((await cli(['site', 'unmapped', '--workspace', ws, '--json'])).out).unmapped).toEqual([{ statement: 'Electric axis of the heart: normal', records: 1 }]);
    expect(withCatalog(ws, (c) => c.summary().per_class.PVC)).toBeGreaterThan(0);

    // A later WFDB import into the workspace uses the saved mapping at import time.
    writeRecord({ path: join(folder, 'more', '3'), fs: 500, n: 5000, leads: LUDB_LEADS, comments: ['#<age>: 70', '#<sex>: M', '#<diagnoses>:', '#Ventricular bigeminy.'] });
    const again = await runImport({ folder, workspace: ws, workers: 0 });
    expect(again).toMatchObject({ imported: 1, skipped: 2 });
    expect(again.comments).toMatchObject({ statements: 1, mapped_statements: 1, unmapped: [] });
    expect(abbreviations(ws, '3')).toEqual(['PVC']);
  });

  it('keeps #Dx codes as the labels and says so when text diagnoses sit beside them', async () => {
    const ws = tempDir('dx-ws');
    const folder = join(tempDir('dx'), 'hospital');
    writeRecord({ path: join(folder, 'a'), fs: 500, n: 5000, leads: CODE15_LEADS, comments: ['#Dx: 426177001', '# Diagnosis: Atrial fibrillation'] });
    writeRecord({ path: join(folder, 'b'), fs: 500, n: 5000, leads: CODE15_LEADS, comments: ['#Dx: Sinus tachycardia, IRBBB'] });
    const s = await runImport({ folder, workspace: ws, workers: 0 });
    expect(s).toMatchObject({ imported: 2, warnings: 1 });
    expect(s.comments).toMatchObject({ statements: 2, mapped_statements: 2, unmapped: [] });
    expect(abbreviations(ws, 'a')).toEqual(['SB']);
    expect(abbreviations(ws, 'b')).toEqual(['IRBBB', 'STach']);

    // The command's summary lines say what the comments gave and what is left unmapped.
    writeRecord({ path: join(folder, 'c'), fs: 500, n: 5000, leads: CODE15_LEADS, comments: ['# Patient ID: 88123', '#Dx: Ectopic atrial rhythm'] });
    const out = await cli(['import', folder, '--workspace', tempDir('dx-cli-ws'), '--workers', '0']);
    expect(out.status).toBe(0);
    expect(out.out).toContain('header comments: 1 records keyed to 1 patients by their ids (pseudonymised); 3 diagnosis statements, 2 mapped, 1 distinct unmapped');
    expect(out.out).toContain('unmapped (1): Ectopic atrial rhythm');
    expect(out.out).not.toContain('88123');
  });
});
