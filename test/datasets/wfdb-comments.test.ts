// Patient ids and free-text diagnoses from WFDB header comments, in the forms real collections
// write them (LUDB, INCART, CODE-15% as WFDB, PTB, MIT-BIH, hospital exports), and their mapping
// to the 24 classes through the shipped statement map.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cincAdapter } from '../../src/main/datasets/cinc.js';
import { commentFacts, folderPatientId, labelsFromComments, splitDx } from '../../src/main/datasets/header-comments.js';
import { parseDx } from '../../src/main/datasets/header-facts.js';
import { StatementMapper } from '../../src/main/datasets/statements.js';
import { CLASSES } from '../../src/shared/classes.js';
import { wfdbAdapter } from '../../src/main/datasets/wfdb.js';
import { collect, collectingReport, expectFramedLikeLoad, LEADS_12, ramp12, tempFolder, writeFormat16 } from './fixtures.js';

const LUDB = ['#<age>: 51', '#<sex>: F', '#<diagnoses>:', '#Rhythm: Sinus bradycardia.', '#Electric axis of the heart: left axis deviation.', '#Left ventricular hypertrophy.', '#I degree av block.'];

describe('header comments: patient ids', () => {
  it('reads the id forms collections use, first one wins', () => {
    expect(commentFacts(['# Patient ID: 523632', '# Exam ID: 1001']).patientId).toBe('523632');
    expect(commentFacts(['Patient_ID: A-77']).patientId).toBe('A-77');
    expect(commentFacts(['#PatientID:   x9 ']).patientId).toBe('x9');
    expect(commentFacts(['# Subject ID: 10000032']).patientId).toBe('10000032');
    expect(commentFacts(['MRN: 00123456']).patientId).toBe('00123456');
    expect(commentFacts(['#<patient>: 17', '#<age>: 40']).patientId).toBe('17');
    // INCART: a bare line inside the tagged comments.
    const incart = commentFacts(['#<age>: 65 <sex>: F <diagnoses> Coronary artery disease, arterial hypertension', '# patient 1', '# PVCs, noise']);
    expect(incart).toMatchObject({ patientId: '1', patientSource: 'patient line', age: '65', sex: 'F' });
    expect(commentFacts(['# Patient ID: 5', '# Patient ID: 6']).patientId).toBe('5');
  });

  it('takes no id from a name, an empty or unknown value, or an exam id', () => {
    expect(commentFacts(['Patient: Doe John']).patientId).toBeNull();
    expect(commentFacts(['Patient: Doe']).patientId).toBeNull();
    expect(commentFacts(['# Patient ID: Unknown', '# Patient ID:']).patientId).toBeNull();
    expect(commentFacts(['# Patient ID: n/a']).patientId).toBeNull();
    const code15 = commentFacts(['# Exam ID: 1001', '# Age: 48', '# Sex: Male', '# Chagas label: False', '# Source: CODE-15%']);
    expect(code15).toMatchObject({ patientId: null, examId: '1001', age: '48', sex: 'Male', statements: [], codes: [] });
    // MIT-BIH: a line of bare numbers and drugs is no id and no diagnosis.
    expect(commentFacts(['# 69 M 1085 1629 x1', '# Aldomet, Inderal'])).toMatchObject({ patientId: null, statements: [] });
  });

  it('finds PTB and MIMIC-IV-ECG patients in their folders', () => {
    expect(folderPatientId('/data/ptb/patient001/s0010_re')).toBe('patient001');
    expect(folderPatientId('/data/mimic/files/p1000/p10000032/s40689238/40689238')).toBe('10000032');
    expect(folderPatientId('/data/site/2020/ecg-17')).toBeNull();
    expect(folderPatientId('/data/p1000/x/y')).toBeNull();
  });
});

describe('header comments: statements', () => {
  it('keeps the LUDB diagnoses block as statements, tags and all', () => {
    const f = commentFacts(LUDB);
    expect(f.statements).toEqual(['Rhythm: Sinus bradycardia', 'Electric axis of the heart: left axis deviation', 'Left ventricular hypertrophy', 'I degree av block']);
    expect(f).toMatchObject({ age: '51', sex: 'F', patientId: null, codes: [] });
  });

  it('reads INCART with and without its <diagnoses> tag, and MIT-BIH tags with none', () => {
    expect(commentFacts(['#<age>: 65 <sex>: F <diagnoses> Coronary artery disease, arterial hypertension', '# patient 1', '# PVCs, noise']).statements).toEqual([
      'Coronary artery disease, arterial hypertension',
      'PVCs, noise',
    ]);
    expect(commentFacts(['#<age>: 51 <sex>: F ', '# patient 4', '# ventricular bigeminy, ventricular couplets']).statements).toEqual(['ventricular bigeminy, ventricular couplets']);
    expect(commentFacts(['# <age>: 25  <sex>: M  <diagnoses>: (none)  <medications>: (none)', '# This is a copy of test01_00s']).statements).toEqual([]);
  });

  it('reads hospital keys, #Dx text beside #Dx codes, and PTB\'s reason for admission', () => {
    expect(commentFacts(['# Diagnosis: Sinus tachycardia', '#Interpretation: Low QRS voltages.', '# Diagnosis: Sinus tachycardia']).statements).toEqual(['Sinus tachycardia', 'Low QRS voltages']);
    expect(commentFacts(['#Dx: Atrial fibrillation; right bundle branch block']).statements).toEqual(['Atrial fibrillation', 'right bundle branch block']);
    expect(splitDx('164889003, 59118001 426783006,Unknown')).toEqual({ codes: ['164889003', '59118001', '426783006'], statements: [] });
    expect(parseDx('Sinus bradycardia, 426177001')).toEqual(['426177001']);
    const ptb = commentFacts(['# age: 81', '# sex: female', '# Diagnose:', '# Reason for admission: Myocardial infarction', '# Smoker: no', '# Additional diagnoses: Diabetes mellitus']);
    expect(ptb.statements).toEqual(['Myocardial infarction']);
  });

  it('removes the patient id from a statement that repeats it, but not a short id from a number', () => {
    expect(commentFacts(['# Patient ID: QX7731', '# Diagnosis: sinus rhythm, see QX7731 earlier ECG']).statements).toEqual(['sinus rhythm, see [redacted] earlier ECG']);
    expect(commentFacts(['# Patient ID: 12', '# Diagnosis: sinus tachycardia 112 bpm']).statements).toEqual(['sinus tachycardia 112 bpm']);
  });

  it('lets #Dx codes be the labels: text beside them is noted, not used', () => {
    const f = commentFacts(['#Dx: 426177001', '# Diagnosis: Atrial fibrillation']);
    expect(labelsFromComments(f)).toEqual({ codes: ['426177001'], statements: [], notes: ["1 free-text diagnosis comment not used as labels: the header's #Dx codes are its labels"] });
    expect(labelsFromComments(commentFacts(LUDB))).toMatchObject({ codes: [], notes: [] });
  });
});

describe('the shipped statement map on the 24 classes\' common phrasings', () => {
  const mapper = new StatementMapper({ version: 1, statements: {} });
  const abbr = (s: string) =>
    mapper
      .map(s)
      .codes.map((c) => CLASSES.find((k) => k.snomed.includes(c))?.abbreviation ?? c)
      .sort();
  it.each([
    ['Rhythm: Sinus bradycardia.', ['SB']],
    ['Rhythm: Sinus rhythm.', ['NSR']],
    ['Rhythm: Sinus tachycardia', ['STach']],
    ['Rhythm: Sinus arrhythmia.', ['SA']],
    ['Rhythm: Atrial fibrillation.', ['AF']],
    ['Rhythm: Atrial flutter, typical.', ['AFL']],
    ['Electric axis of the heart: left axis deviation.', ['LAD']],
    ['Electric axis of the heart: right axis deviation.', ['RAD']],
    ['Electric axis of the heart: normal.', []],
    ['Complete right bundle branch block.', ['RBBB']],
    ['Right bundle branch block', ['RBBB']],
    ['Incomplete right bundle branch block.', ['IRBBB']],
    ['Complete left bundle branch block', ['LBBB']],
    ['Left anterior hemiblock', ['LAnFB']],
    ['I degree av block', ['IAVB']],
    ['1st degree AV block', ['IAVB']],
    ['First degree atrioventricular block', ['IAVB']],
    ['III degree av-block', []],
    ['premature ventricular contractions', ['PVC']],
    ['Ventricular extrasystole: polytopic.', ['PVC']],
    ['Atrial extrasystole: undefined', ['PAC']],
    ['Supraventricular extrasystole', ['PAC']],
    ['premature atrial contraction', ['PAC']],
    ['T wave inversion', ['TInv']],
    ['inverted T-waves', ['TInv']],
    ['t wave abnormal', ['TAb']],
    ['qwave abnormal', ['QAb']],
    ['low QRS voltages', ['LQRSV']],
    ['Low voltage QRS', ['LQRSV']],
    ['prolonged QT interval', ['LQT']],
    ['QTc prolongation', ['LQT']],
    ['Prolonged PR interval', ['LPR']],
    ['pacing rhythm', ['PR']],
    ['Unipolar ventricular pacing', ['PR']],
    ['Rhythm from artificial pacing', ['PR']],
    ['Non-specific intravintricular conduction delay', ['NSIVCB']],
    ['nonspecific intraventricular conduction disorder', ['NSIVCB']],
    ['Bradycardia', ['Brady']],
    ['SB', ['SB']],
    ['irbbb.', ['IRBBB']],
    ['Left ventricular hypertrophy', []],
    ['No atrial fibrillation', []],
  ])('%s -> %j', (statement, want) => {
    expect(abbr(statement)).toEqual([...want].sort());
  });

  it('runs on the shipped file, not on a workspace mapping', () => {
    // A workspace without its own file maps by the default alone.
    expect(StatementMapper.forWorkspace(join(tempFolder('no-map'), 'ws')).map('Sinus bradycardia').by).toBe('default');
  });
});

describe('adapters: what a record\'s metadata carries from its comments', () => {
  it('wfdb: the id as written (for the import to key), statements, ages from tags, PTB patient folders', async () => {
    const folder = join(tempFolder('wfdb-meta'), 'export');
    writeFormat16({ path: join(folder, 'x1'), fs: 500, leads: LEADS_12, samples: ramp12(20), comments: ['<age>: 51', '<sex>: F', '<diagnoses>:', 'Rhythm: Sinus bradycardia.'] });
    writeFormat16({ path: join(folder, 'x2'), fs: 500, leads: LEADS_12, samples: ramp12(20), comments: [' Patient ID: H-4410', ' Dx: 426177001', ' Diagnosis: atrial fibrillation'] });
    writeFormat16({ path: join(folder, 'patient007/s0101_re'), fs: 500, leads: LEADS_12, samples: ramp12(20), comments: ['age: 60', 'Reason for admission: Healthy control'] });
    const candidates = await collect(wfdbAdapter.scan(folder, collectingReport()));
    const metas = (await Promise.all(candidates.map(async (c) => (await wfdbAdapter.load(c)).meta))).sort((a, b) => (a.record < b.record ? -1 : 1));
    expect(metas[0]).toMatchObject({ record: 's0101_re', patient: null, patientId: 'patient007', age: 60, statements: ['Healthy control'], codes: [] });
    expect(metas[1]).toMatchObject({ record: 'x1', patient: null, age: 51, sex: 'F', statements: ['Rhythm: Sinus bradycardia'], codes: [] });
    expect(metas[1].patientId).toBeUndefined();
    expect(metas[2]).toMatchObject({ record: 'x2', patientId: 'H-4410', codes: ['426177001'], statements: [], notes: [expect.stringMatching(/not used as labels/)] });
    for (const c of candidates) await expectFramedLikeLoad(wfdbAdapter, c, true);
  });

  it('cinc: a CinC-style header from elsewhere keeps its patient and, without #Dx, its text', async () => {
    const folder = tempFolder('cinc-meta');
    writeFormat16({ path: join(folder, 'Q9001'), fs: 500, leads: LEADS_12, samples: ramp12(20), comments: ['Age: 60', 'Sex: Male', 'Patient ID: 31337', 'Diagnosis: Sinus bradycardia'] });
    const [c] = await collect(cincAdapter.scan(folder, collectingReport()));
    const { meta } = await cincAdapter.load(c);
    expect(meta).toMatchObject({ patient: null, patientId: '31337', codes: [], statements: ['Sinus bradycardia'], age: 60, sex: 'M' });
    expect(meta.notes).not.toContain('no #Dx comment: record has no labels');
  });
});
