// The site adapter's parts on real and generated files: format by content, age from dates,
// statement mapping (default, negation, the workspace's own), keys, kept times and paths, and
// time offsets that stay right across resume and a later import of an earlier record.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/main/catalog/catalog.js';
import { siteFormat } from '../../src/main/datasets/site.js';
import { ageAt, identifyingFields, identifyingStrings, parseDate, redactIdentity, scrub, siteAge } from '../../src/main/datasets/site-identity.js';
import { patientKey, workspaceSecret } from '../../src/main/datasets/site-secret.js';
import { defaultStatementMap, saveStatementMapping, StatementMapper, statementsOf } from '../../src/main/datasets/statements.js';
import { CLASSES, classOfCode } from '../../src/shared/classes.js';
import { runImport } from '../../src/main/import/pipeline.js';
import { tempDir } from '../temp.js';
import { aecgWith, edfWith, HAAGSE, HAVERBECK, museWith, writeFile, ZORBQ } from './site-fixtures.js';

const CLINICAL = fileURLToPath(new URL('../../../shared/ecg-samples/clinical/', import.meta.url));

const classesOf = (codes: readonly string[]) => codes.map((c) => classOfCode(c)?.abbreviation ?? c).sort();

describe('site files', () => {
  it('are told by content, whatever their name', () => {
    expect(siteFormat(join(CLINICAL, 'dicom/ecgtoolkit_Example.dcm'))).toBe('dicom');
    expect(siteFormat(join(CLINICAL, 'hl7aecg/hl7_example_aECG.xml'))).toBe('aecg');
    expect(siteFormat(join(CLINICAL, 'scp-ecg/ecgtoolkit_Example.scp'))).toBe('scp');
    expect(siteFormat(join(CLINICAL, 'muse/braveheart_example1.xml'))).toBe('muse');
    expect(siteFormat(join(CLINICAL, 'philips/129DYPRG.XML'))).toBe('philips');
    expect(siteFormat(join(CLINICAL, 'philips/3191723_ZZDEMOPTONLY_1-04_orig.xml'))).toBe('philips');
    expect(siteFormat(join(CLINICAL, 'README.md'))).toBeNull();
    const dir = tempDir('site-sniff');
    expect(siteFormat(writeFile(dir, 'no-extension', museWith(HAVERBECK, { acquired: '01-02-2020', time: '10:00:00', statements: [], sex: 'FEMALE' })))).toBe('muse');
    expect(siteFormat(writeFile(dir, 'wrong.dcm', aecgWith(ZORBQ)))).toBe('aecg');
  });
});

describe('site identity', () => {
  it('turns a birth date into whole years at acquisition, in the spellings files use', () => {
    expect(parseDate('19530508')).toEqual({ y: 1953, m: 5, d: 8 });
    expect(parseDate('07-21-1961')).toEqual({ y: 1961, m: 7, d: 21 }); // MUSE
    expect(parseDate('1950-01-01')).toEqual({ y: 1950, m: 1, d: 1 });
    expect(parseDate('21.07.1961')).toEqual({ y: 1961, m: 7, d: 21 });
    expect(parseDate('nonsense')).toBeNull();
    expect(ageAt(parseDate('19530508'), parseDate('2002-11-22'))).toBe(49);
    expect(ageAt(parseDate('19530508'), parseDate('2003-05-07'))).toBe(49); // the day before the birthday
    expect(ageAt(parseDate('19530508'), parseDate('2003-05-08'))).toBe(50);
    expect(siteAge({ birthDate: '1990-01-01' }, undefined)).toBeNull(); // no acquisition date: no age from the birth date
    expect(siteAge({ age: 50.7 }, undefined)).toBe(50); // the file's own age, whole years
  });

  it('scrubs the name, its parts, the id and the birth date from text, case-insensitively', () => {
    const strings = identifyingStrings({ id: 'PID-7', name: 'HAVERBECK, PRUNELLA', birthDate: '07-21-1961' });
    expect(scrub('compared with Haverbeck prunella (pid-7) born 1961-07-21', strings)).toBe('compared with [redacted] [redacted] ([redacted]) born [redacted]');
  });

  it('redacts whole words only: an id or name inside a longer word or number is left alone', () => {
    const strings = identifyingStrings({ id: 'PID-7', name: 'ANN, LEE' });
    expect(scrub('PID-77 annual review planned at Leeds; Ann Lee seen (pid-7)', strings)).toBe('PID-77 annual review planned at Leeds; [redacted] [redacted] seen ([redacted])');
  });

  it('does not use ids shorter than the safe length in free text ("12" in "112 bpm"), but redacts them as a whole field', () => {
    const p = { id: '12', name: 'HAVERBECK, PRUNELLA' };
    expect(identifyingStrings(p)).not.toContain('12');
    expect(redactIdentity('Sinus rhythm 112 bpm, 12 leads, QTc 412 ms', p)).toBe('Sinus rhythm 112 bpm, 12 leads, QTc 412 ms');
    expect(redactIdentity('Patient ID: 12', p)).toBe('Patient ID: [redacted]');
    expect(redactIdentity('12', p)).toBe('[redacted]');
    // All digits: four are a measurement, a year or a count; five and more are used.
    expect(redactIdentity('PR 1234 ms', { id: '1234' })).toBe('PR 1234 ms');
    expect(redactIdentity('compared with 55123 (2019)', { id: '55123' })).toBe('compared with [redacted] (2019)');
    expect(redactIdentity('ref ab1: none', { id: 'AB1' })).toBe('ref ab1: none');
    expect(redactIdentity('ref ABCD', { id: 'ABCD' })).toBe('ref [redacted]');
  });

  it('redacts names and name parts under 3 letters where they are a whole field, never inside words', () => {
    const p = { id: 'MRN-55123', name: 'WU, LI' };
    expect(identifyingFields(p)).toEqual(expect.arrayContaining(['WU', 'LI']));
    expect(redactIdentity('Limb leads reversed; low voltage', p)).toBe('Limb leads reversed; low voltage');
    expect(redactIdentity('Name: Li', p)).toBe('Name: [redacted]');
    expect(redactIdentity('wu, li', p)).toBe('[redacted]'); // the full name, a whole word
    expect(redactIdentity('li; wu', p)).toBe('[redacted]; [redacted]');
    expect(redactIdentity('Confirmed by: Wu.', p)).toBe('Confirmed by: [redacted].');
    expect(redactIdentity('Wu Li', { name: 'Wu Li' })).toBe('[redacted]');
    expect(redactIdentity('Name: Bo', { name: 'Bo' })).toBe('Name: [redacted]');
    expect(redactIdentity('Bone age normal', { name: 'Bo' })).toBe('Bone age normal');
  });

  it('keys a patient id by the site key, made once outside the workspace with mode 0600', () => {
    const [a, b] = [tempDir('site-sa'), tempDir('site-sb')];
    const sa = workspaceSecret(a, true);
    expect(sa).toHaveLength(32);
    const id = (JSON.parse(readFileSync(join(a, 'site', 'key.json'), 'utf8')) as { workspace_id: string }).workspace_id;
    expect(statSync(join(process.env.OPENECG_CONFIG_HOME!, 'keys', `${id}.key`)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(a, 'site', 'secret'))).toBe(false);
    expect(workspaceSecret(a, true).equals(sa)).toBe(true);
    const sb = workspaceSecret(b, true);
    expect(patientKey(sa, 'SBJ-123')).toBe(patientKey(sa, ' SBJ-123 '));
    expect(patientKey(sa, 'SBJ-123')).not.toBe(patientKey(sb, 'SBJ-123'));
    expect(() => workspaceSecret(tempDir('site-none'))).toThrow(/no site key yet/);
  });
});

describe('statement mapping', () => {
  const mapper = new StatementMapper({ version: 1, statements: {} });
  const map = (s: string) => classesOf(mapper.map(s).codes);

  it('finds the statements among each reader\'s comment lines', () => {
    expect(statementsOf(['Format: HL7 aECG', 'Statement: Sinus Rhythm', 'Statement: MDC_ECG_WAVC_PEAK'])).toEqual(['Sinus Rhythm']);
    expect(statementsOf(['#Statement: Sinus bradycardia -- rate< 50', '#Severity: - ABNORMAL ECG -'])).toEqual(['Sinus bradycardia -- rate< 50']);
    expect(statementsOf(['Diagnosis: Sinus rhythm', 'Original diagnosis: Atrial fibrillation'])).toEqual(['Sinus rhythm']);
    expect(statementsOf(['Original diagnosis: Atrial fibrillation'])).toEqual(['Atrial fibrillation']);
  });

  it('maps the vendors\' wording and codes to the 24 classes by the shipped default', () => {
    expect(map('Sinus bradycardia -- rate< 50')).toEqual(['SB']);
    expect(map('(SB) SINUS BRADYCARDIA, V-rate<60,')).toEqual(['SB']);
    expect(map('SINUS RHYTHM -- normal P axis, V-rate 60-99')).toEqual(['NSR']);
    expect(map('Normal sinus rhythm with 1st degree A-V block')).toEqual(['IAVB', 'NSR']);
    expect(map('Incomplete right bundle branch block')).toEqual(['IRBBB']);
    expect(map('Right bundle branch block')).toEqual(['RBBB']);
    expect(map('Atrial fibrillation with rapid ventricular response')).toEqual(['AF']);
    expect(map('Junctional bradycardia')).toEqual(['Brady']);
    expect(map('AFIB; atrial fibrillation')).toEqual(['AF']); // SCP-ECG section 11 code
    // Negation earlier in the clause cancels a match.
    expect(map('No atrial fibrillation')).toEqual([]);
    expect(map('Nonspecific intraventricular conduction delay -- QRSd >115mS, not LBBB/RBBB')).toEqual(['NSIVCB']);
    expect(map('Inferior infarct, acute (LCx)')).toEqual([]);
  });

  it('ships only codes of the 24 classes, each entry with its source', () => {
    const doc = defaultStatementMap();
    const known = new Set(CLASSES.flatMap((c) => c.snomed));
    for (const e of [...doc.codes, ...doc.patterns]) {
      expect(known.has(e.snomed), e.snomed).toBe(true);
      expect(e.source.length).toBeGreaterThan(10);
    }
  });

  it('lets the workspace\'s saved mapping win, by statement text whatever its case and spacing', () => {
    const ws = tempDir('site-map');
    saveStatementMapping(ws, 'Inferior infarct, acute (LCx).', ['164917005']);
    saveStatementMapping(ws, 'Sinus rhythm', []);
    const own = StatementMapper.forWorkspace(ws);
    expect(own.map('inferior   infarct, ACUTE (LCx)')).toEqual({ codes: ['164917005'], by: 'workspace' });
    expect(own.map('Sinus rhythm')).toEqual({ codes: [], by: 'workspace' });
    expect(statSync(join(ws, 'site', 'statement-map.json')).mode & 0o777).toBe(0o600);
  });
});

describe('site import', () => {
  const rows = (ws: string) => {
    const c = Catalog.open(ws, { readonly: true });
    try {
      return c.db.prepare('SELECT record, source_path AS path, recorded_at AS at FROM records ORDER BY record').all() as { record: string; path: string; at: string | null }[];
    } finally {
      c.close();
    }
  };
  const muse = (acquired: string, time: string) => museWith(HAVERBECK, { acquired, time, statements: ['Sinus rhythm'], sex: 'FEMALE' });

  it('keeps per-patient offsets right across resume and a later import of an earlier record', async () => {
    const root = tempDir('site-times');
    const ws = tempDir('site-times-ws');
    writeFile(root, 'b', muse('03-16-2019', '10:00:00'));
    writeFile(root, 'c', muse('03-18-2019', '10:00:00'));
    expect((await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 })).imported).toBe(2);
    expect(rows(ws).map((r) => r.at).sort()).toEqual(['+0s', '+172800s']);
    // Resume: nothing new, nothing moves.
    expect((await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 })).imported).toBe(0);
    expect(rows(ws).map((r) => r.at).sort()).toEqual(['+0s', '+172800s']);
    // A later import brings an earlier record: it becomes the anchor and the others shift.
    writeFile(root, 'a', muse('03-15-2019', '09:00:00'));
    expect((await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 })).imported).toBe(1);
    expect(rows(ws).map((r) => r.at).sort()).toEqual(['+0s', '+262800s', '+90000s']);
  });

  it('keeps acquisition times and relative paths only when the user asks, by option or workspace setting', async () => {
    const root = tempDir('site-keep');
    writeFile(root, `${HAVERBECK.lastName}/ecg1.xml`, muse('03-16-2019', '10:00:00'));
    const ws = tempDir('site-keep-ws');
    const s = await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0, site: { keepTimes: true, keepPaths: true } });
    expect(s.site).toMatchObject({ keep_times: true, keep_paths: true });
    expect(rows(ws)).toEqual([{ record: `${HAVERBECK.lastName}/ecg1.xml`, path: join(root, HAVERBECK.lastName, 'ecg1.xml'), at: '2019-03-16 10:00:00' }]);
    const ws2 = tempDir('site-keep-ws2');
    const c = Catalog.open(ws2);
    c.setSetting('site.keepTimes', 'on');
    c.close();
    await runImport({ folder: root, workspace: ws2, dataset: 'site', workers: 0 });
    const [row] = rows(ws2);
    expect(row.at).toBe('2019-03-16 10:00:00');
    expect(row.record).toMatch(/^ecg-[0-9a-f]{12}$/);
    expect(row.path).toBe(`site:${row.record}`);
  });
});

describe('site sources', () => {
  it('finds the file behind a pseudonymous record from its import root and source key', async () => {
    const { resolveSiteSource } = await import('../../src/main/datasets/site.js');
    const root = tempDir('site-resolve');
    const file = writeFile(root, `${HAVERBECK.lastName}/x.xml`, museWith(HAVERBECK, { acquired: '03-16-2019', time: '10:00:00', statements: [], sex: 'FEMALE' }));
    const ws = tempDir('site-resolve-ws');
    await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 });
    const c = Catalog.open(ws, { readonly: true });
    const key = c.db.prepare('SELECT source_key FROM records').pluck().get() as string;
    c.close();
    expect(await resolveSiteSource(ws, root, key)).toBe(file);
    expect(await resolveSiteSource(ws, root, 'site:0000')).toBeNull();
  });
});

describe('site EDF files', () => {
  it('pseudonymise the EDF+ patient field like the others: key, age, sex', async () => {
    const root = tempDir('site-edf');
    writeFile(root, `${HAAGSE.lastName}/holter`, edfWith(HAAGSE, 'F'));
    const ws = tempDir('site-edf-ws');
    const summary = await runImport({ folder: root, workspace: ws, dataset: 'site', workers: 0 });
    expect(summary.errors).toEqual([]);
    expect(summary.imported).toBe(1);
    const c = Catalog.open(ws, { readonly: true });
    try {
      expect(c.db.prepare('SELECT format, age, sex, recorded_at AS at FROM records').get()).toEqual({ format: 'edf', age: 60, sex: 'F', at: '+0s' });
      expect(c.db.prepare('SELECT key FROM patients').pluck().get()).toBe(patientKey(workspaceSecret(ws), 'MCH-0234567'));
    } finally {
      c.close();
    }
  });
});
