// The written demo corpus: every layout's files and index fields, lead relations to quantisation
// rounding when read back by the project's readers, heart rate on the read-back signals, and
// byte-identical output for the same seed.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_CENTERS, generateDemoCorpus, type DemoManifest } from '../../src/main/demo/index.js';
import { readRecord } from '../../src/main/formats/index.js';
import { readHdf5Exam, readHdf5ExamIds } from '../../src/main/formats/hdf5.js';
import { adapterByName, detectAdapter } from '../../src/main/datasets/index.js';
import { detectRPeaksMulti, heartRate } from '../../src/main/signal/qrs.js';

const RECORDS = 220;
let root: string;
let manifest: DemoManifest;

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'openecg-demo-'));
  manifest = await generateDemoCorpus(join(root, 'a'), { seed: 11, records: RECORDS, workers: 1 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Leads I..aVF of a reading, found by name whatever order and spelling the center uses. */
function limb(signals: readonly Float64Array[], names: readonly string[]): Float64Array[] {
  const want = [/^(d?i|di)$/i, /^(d?ii)$/i, /^(d?iii)$/i, /^avr$/i, /^avl$/i, /^avf$/i];
  return want.map((re) => signals[names.findIndex((n) => re.test(n))]);
}

describe('demo corpus', () => {
  test('manifest: every center present, counts add up, patients with several records', () => {
    expect(manifest.records.length).toBe(RECORDS);
    expect(manifest.centers.map((c) => c.folder)).toEqual(DEMO_CENTERS.map((c) => c.folder));
    expect(manifest.centers.reduce((a, c) => a + c.count, 0)).toBe(RECORDS);
    expect(new Set(manifest.centers.map((c) => c.fs))).toEqual(new Set([500, 257, 250, 1000, 400]));
    for (const c of manifest.centers) expect(c.count, c.folder).toBeGreaterThan(0);
    const perPatient = new Map<string, number>();
    for (const r of manifest.records) perPatient.set(r.patient, (perPatient.get(r.patient) ?? 0) + 1);
    expect([...perPatient.values()].some((n) => n > 1)).toBe(true);
    const classes = new Set(manifest.records.flatMap((r) => r.classes));
    expect(classes.size).toBeGreaterThanOrEqual(14);
    const onDisk = JSON.parse(readFileSync(join(root, 'a', 'demo-manifest.json'), 'utf8')) as DemoManifest;
    expect(onDisk.records.length).toBe(RECORDS);
  });

  test('each layout has its files and index fields', () => {
    const dir = join(root, 'a');
    const first = (center: string) => manifest.records.find((r) => r.center === center)!;
    const m = first('meridian');
    const hea = readFileSync(join(dir, `${m.path}.hea`), 'utf8');
    expect(hea.split('\n')[1]).toMatch(/^M\d{5}\.mat 16\+24 1000\/mV 16 0 -?\d+ -?\d+ 0 I$/);
    expect(hea).toMatch(/#Age: \d+\n#Sex: (Male|Female)\n#Dx: [\d,]+\n#Rx: Unknown/);
    const mat = readFileSync(join(dir, `${m.path}.mat`));
    expect([mat.readInt32LE(0), mat.readInt32LE(4), mat.readInt32LE(8), mat.toString('latin1', 20, 24)]).toEqual([30, 12, m.samples, 'val\0']);
    expect(mat.length).toBe(24 + 12 * m.samples * 2);
    const l = first('lakeside');
    expect(readFileSync(join(dir, `${l.path}.hea`), 'utf8')).toMatch(/^L\d{4} 12 257 \d+ [\d:]+ [\d/]+\nL\d{4}\.dat 212 200\/mV 12 0/);
    expect(l.samples).toBeGreaterThanOrEqual(257 * 120);
    expect(readFileSync(join(dir, `${first('quarry').path}.hea`), 'utf8')).toMatch(/ 212 200\(0\)\/mV 12 0 .* DI\n/);
    expect(readFileSync(join(dir, `${first('tundra').path}.hea`), 'utf8')).toMatch(/ 16 2000\(0\)\/mV 16 0 .* v6\n#Age/);
    const ptb = readFileSync(join(dir, 'fjord', 'ptbxl_database.csv'), 'utf8').trim().split('\n');
    expect(ptb[0].split(',').slice(0, 4)).toEqual(['ecg_id', 'patient_id', 'age', 'sex']);
    expect(ptb[1]).toMatch(/^1,\d+\.0,\d+\.0,[01],.*,"\{'[A-Z0-9_]+': 100\.0.*\}",(MID|ALAD|ARAD),.*,records100\/00000\/00001_lr,records500\/00000\/00001_hr$/);
    expect(statSync(join(dir, 'fjord', 'records100', '00000', '00001_lr.dat')).size).toBe(1000 * 12 * 2);
    const mimic = readFileSync(join(dir, 'prairie', 'record_list.csv'), 'utf8').trim().split('\n');
    expect(mimic[0]).toBe('subject_id,study_id,file_name,ecg_time,path');
    const [subject, study, , , path] = mimic[1].split(',');
    expect(path).toBe(`files/p${subject.slice(0, 4)}/p${subject}/s${study}/${study}`);
    expect(readFileSync(join(dir, 'prairie', `${path}.hea`), 'utf8')).toMatch(/ aVR\n.* aVF\n.* aVL\n/);
    const exams = readFileSync(join(dir, 'serra', 'exams.csv'), 'utf8').trim().split('\n');
    expect(exams[0]).toBe('exam_id,age,is_male,nn_predicted_age,1dAVb,RBBB,LBBB,SB,ST,AF,patient_id,death,timey,normal_ecg,trace_file');
    expect(exams.length - 1).toBe(manifest.centers.find((c) => c.folder === 'serra')!.count);
  });

  test('lead relations hold to quantisation rounding in the written files, heart rate recovered from them', async () => {
    const dir = join(root, 'a');
    for (const center of ['meridian', 'lakeside', 'quarry', 'tundra', 'fjord', 'prairie']) {
      for (const r of manifest.records.filter((x) => x.center === center).slice(0, 3)) {
        const reading = await readRecord(join(dir, r.path));
        expect(reading.fs).toBe(r.fs);
        expect(reading.sigLen).toBe(r.samples);
        const step = 1 / reading.channels[0].gain;
        const [i1, i2, i3, avr, avl, avf] = limb(reading.signals, reading.channels.map((c) => c.name));
        let worst = 0;
        for (let n = 0; n < i1.length; n++) {
          worst = Math.max(worst, Math.abs(i3[n] - (i2[n] - i1[n])), Math.abs(avr[n] + (i1[n] + i2[n]) / 2), Math.abs(avl[n] - (i1[n] - i2[n] / 2)), Math.abs(avf[n] - (i2[n] - i1[n] / 2)));
        }
        expect(worst, `${r.path}`).toBeLessThanOrEqual(1.5 * step + 1e-9);
        const truthBpm = heartRate(r.truth.beats.filter((t) => t >= 200 && t <= (r.samples / r.fs) * 1000 - 200), 1000).bpm;
        const peaks = Array.from(detectRPeaksMulti(reading.signals, reading.fs)).filter((p) => p >= 0.2 * r.fs && p <= r.samples - 0.2 * r.fs);
        expect(Math.abs(heartRate(peaks, reading.fs).bpm - truthBpm), r.path).toBeLessThan(5);
      }
    }
    const part = join(dir, 'serra', 'exams_part0.hdf5');
    const ids = await readHdf5ExamIds(part);
    const serra = manifest.records.filter((x) => x.center === 'serra');
    expect(ids.length).toBe(serra.length);
    const exam = await readHdf5Exam(part, 0);
    expect(exam.sigLen).toBe(4096);
    const [i1, i2, i3] = exam.signals;
    for (let n = 0; n < 4096; n++) expect(Math.abs(i3[n] - (i2[n] - i1[n]))).toBeLessThan(1e-5);
    // Zero padding at both ends, the exam in the middle.
    expect(i1[0]).toBe(0);
    expect(i1[4095]).toBe(0);
    expect(Math.max(...i2.map(Math.abs))).toBeGreaterThan(0.2);
  });

  test('every center folder is detected as its adapter, scanned whole and loaded with its labels', async () => {
    for (const c of manifest.centers) {
      const folder = join(root, 'a', c.folder);
      expect((await detectAdapter(folder)).name, c.folder).toBe(c.adapter);
      const adapter = adapterByName(c.adapter);
      const errors: string[] = [];
      const found = [];
      for await (const cand of adapter.scan(folder, { error: (_k, _p, code, msg) => errors.push(`${code}: ${msg}`) })) found.push(cand);
      expect(errors, c.folder).toEqual([]);
      expect(found.length, c.folder).toBe(c.count);
      const { meta, reading } = await adapter.load(found[0]);
      const rel = relative(join(root, 'a'), found[0].path) + (found[0].index !== undefined ? `#${found[0].index}` : '');
      const entry = manifest.records.find((r) => r.path === rel)!;
      expect(entry, `${c.folder} ${rel}`).toBeDefined();
      expect(reading.fs).toBe(c.fs);
      for (const code of entry.labelled) expect(meta.codes, `${c.folder} ${meta.record}`).toContain(code);
    }
  });

  test('same seed, same bytes; another seed, other bytes', async () => {
    const again = await generateDemoCorpus(join(root, 'b'), { seed: 11, records: RECORDS, workers: 1 });
    expect(again.records.length).toBe(RECORDS);
    const a = tree(join(root, 'a'));
    const b = tree(join(root, 'b'));
    expect(b.size).toBe(a.size);
    for (const [file, hash] of a) expect(b.get(file), file).toBe(hash);
    await generateDemoCorpus(join(root, 'c'), { seed: 12, records: 30, workers: 1 });
    const c = tree(join(root, 'c'));
    expect(c.get('meridian/M00001.mat')).not.toBe(a.get('meridian/M00001.mat'));
  });
});
