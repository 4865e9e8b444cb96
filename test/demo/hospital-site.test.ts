// The demo hospital site: a mix of DICOM, aECG and SCP-ECG files in nested vendor folders that
// our readers open by content, each carrying its fake patient's identity and the statements of
// its classes; several ECGs per patient; the same bytes for the same seed.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classByAbbreviation } from '../../src/shared/classes.js';
import { writeHospitalSite } from '../../src/main/demo/hospital-site.js';
import { SITE_STATEMENTS, statementCode, UNMAPPED_STATEMENTS } from '../../src/main/demo/hospital-statements.js';
import { clinicalKind } from '../../src/main/formats/clinical/sniff.js';
import { readRecord } from '../../src/main/formats/index.js';
import { isScpFile } from '../../src/main/formats/scp/read.js';
import { tempDir } from '../temp.js';

const dir = tempDir('hospital-site');
const site = writeHospitalSite(dir, { records: 16, seed: 7 });

function holds(file: string, text: string): boolean {
  const bytes = readFileSync(file);
  return bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(Buffer.from(text, 'latin1'));
}

describe('hospital site', () => {
  it('writes the records as a mix of the three formats in nested vendor folders, several per patient', () => {
    expect(site.files.length).toBe(16);
    expect(new Set(site.files).size).toBe(16);
    const formats = new Set(site.records.map((r) => r.format));
    expect([...formats].sort()).toEqual(['aecg', 'dicom', 'scp']);
    for (const r of site.records) {
      const rel = relative(dir, r.file);
      expect(rel.split('/').length).toBeGreaterThanOrEqual(4);
      expect(r.format === 'dicom' ? clinicalKind(r.file) === 'dicom' : r.format === 'aecg' ? clinicalKind(r.file) === 'aecg' : isScpFile(r.file)).toBe(true);
    }
    expect(site.identities.length).toBeLessThan(16);
    expect(site.identities.some((p) => p.files.length >= 2)).toBe(true);
    expect(site.identities.flatMap((p) => p.files).sort()).toEqual([...site.files].sort());
  });

  it('reads every file back with our readers: 12 leads of 10 s, identity, acquisition time and statements', async () => {
    for (const r of site.records) {
      const who = site.identities.find((p) => p.id === r.patientId)!;
      const got = await readRecord(r.file);
      expect([got.fs, got.sigLen], r.file).toEqual([500, 5000]);
      expect(got.channels.map((c) => c.name).sort()).toEqual(['I', 'II', 'III', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'aVF', 'aVL', 'aVR']);
      // SCP-ECG carts store 8 leads; the reader derives the other four.
      expect(got.channels.filter((c) => c.derived).length).toBe(r.format === 'scp' ? 4 : 0);
      const ii = got.signals[got.channels.findIndex((c) => c.name === 'II')];
      const p2p = Math.max(...ii) - Math.min(...ii);
      expect(p2p).toBeGreaterThan(0.2);
      expect(p2p).toBeLessThan(8);
      expect(got.patient?.id).toBe(who.id);
      expect(got.patient?.name).toContain(who.familyName);
      expect(got.patient?.name).toContain(who.givenName);
      expect(got.patient?.birthDate?.replace(/-/g, '')).toBe(who.birthDate.replace(/-/g, ''));
      expect(got.patient?.sex).toBe(who.sex);
      expect(`${got.baseDate} ${got.baseTime}`).toBe(r.acquired);
      const statements = got.comments.flatMap((c) => /^#?Statement: (.*)$/.exec(c)?.[1] ?? []);
      expect(statements).toEqual(r.statements);
      for (const s of [who.id, who.familyName, who.givenName]) expect(holds(r.file, s), `${s} in ${r.file}`).toBe(true);
    }
  });

  it('states every class with a statement that maps to its SNOMED-CT code, and some statements that map to none', () => {
    for (const r of site.records) {
      const mapped = r.statements.flatMap((s) => statementCode(s) ?? []);
      expect(mapped).toEqual(r.classes.map((c) => classByAbbreviation(c)!.snomed[0]));
      expect(r.statements.filter((s) => !statementCode(s)).every((s) => UNMAPPED_STATEMENTS.includes(s))).toBe(true);
      expect(r.age).toBeGreaterThanOrEqual(18);
    }
    expect(Object.keys(SITE_STATEMENTS).sort()).toEqual(['AF', 'AFL', 'Brady', 'IAVB', 'IRBBB', 'LAD', 'LAnFB', 'LBBB', 'LPR', 'LQRSV', 'LQT', 'NSIVCB', 'NSR', 'PAC', 'PR', 'PVC', 'QAb', 'RAD', 'RBBB', 'SA', 'SB', 'STach', 'TAb', 'TInv']);
    expect(site.records.some((r) => r.statements.some((s) => UNMAPPED_STATEMENTS.includes(s)))).toBe(true);
  });

  it('writes the same files, byte for byte, for the same seed', () => {
    const again = tempDir('hospital-site-again');
    const twin = writeHospitalSite(again, { records: 4, seed: 7 });
    twin.files.forEach((f, k) => {
      expect(relative(again, f)).toBe(relative(dir, site.files[k]));
      expect(readFileSync(f).equals(readFileSync(site.files[k]))).toBe(true);
    });
    expect(twin.identities.map((p) => p.id)).toEqual(site.identities.slice(0, twin.identities.length).map((p) => p.id));
  });

  it('writes the formats in turn when asked (bench/site-flow.mjs), the same patients and classes otherwise', () => {
    const turn = writeHospitalSite(tempDir('hospital-site-turn'), { records: 6, seed: 7, rotateFormats: true });
    expect(turn.records.map((r) => r.format)).toEqual(['dicom', 'aecg', 'scp', 'dicom', 'aecg', 'scp']);
    expect(turn.records.map((r) => [r.patientId, r.classes.join('+')])).toEqual(site.records.slice(0, 6).map((r) => [r.patientId, r.classes.join('+')]));
  });
});
