// The 24 scored classes of PhysioNet/CinC 2020/2021 (equivalent SNOMED-CT codes merged), in index order.
// Mirrors ../shared/openecg/classes.csv; test/shared/classes.test.ts keeps the two equal.

export interface EcgClass {
  readonly index: number;
  readonly abbreviation: string;
  readonly name: string;
  /** SNOMED-CT codes scored as this class; the first is the canonical one. */
  readonly snomed: readonly string[];
}

export const CLASSES: readonly EcgClass[] = [
  { index: 0, abbreviation: 'IAVB', name: '1st degree AV block', snomed: ['270492004'] },
  { index: 1, abbreviation: 'AF', name: 'atrial fibrillation', snomed: ['164889003'] },
  { index: 2, abbreviation: 'AFL', name: 'atrial flutter', snomed: ['164890007'] },
  { index: 3, abbreviation: 'Brady', name: 'bradycardia', snomed: ['426627000'] },
  { index: 4, abbreviation: 'RBBB', name: 'right bundle branch block (complete)', snomed: ['713427006', '59118001'] },
  { index: 5, abbreviation: 'IRBBB', name: 'incomplete right bundle branch block', snomed: ['713426002'] },
  { index: 6, abbreviation: 'LAnFB', name: 'left anterior fascicular block', snomed: ['445118002'] },
  { index: 7, abbreviation: 'LAD', name: 'left axis deviation', snomed: ['39732003'] },
  { index: 8, abbreviation: 'LBBB', name: 'left bundle branch block', snomed: ['164909002'] },
  { index: 9, abbreviation: 'LQRSV', name: 'low QRS voltages', snomed: ['251146004'] },
  { index: 10, abbreviation: 'NSIVCB', name: 'nonspecific intraventricular conduction disorder', snomed: ['698252002'] },
  { index: 11, abbreviation: 'PR', name: 'pacing rhythm', snomed: ['10370003'] },
  { index: 12, abbreviation: 'PAC', name: 'premature atrial contraction / supraventricular premature beats', snomed: ['284470004', '63593006'] },
  { index: 13, abbreviation: 'PVC', name: 'premature ventricular contractions / ventricular premature beats', snomed: ['427172004', '17338001'] },
  { index: 14, abbreviation: 'LPR', name: 'prolonged PR interval', snomed: ['164947007'] },
  { index: 15, abbreviation: 'LQT', name: 'prolonged QT interval', snomed: ['111975006'] },
  { index: 16, abbreviation: 'QAb', name: 'Q wave abnormal', snomed: ['164917005'] },
  { index: 17, abbreviation: 'RAD', name: 'right axis deviation', snomed: ['47665007'] },
  { index: 18, abbreviation: 'SA', name: 'sinus arrhythmia', snomed: ['427393009'] },
  { index: 19, abbreviation: 'SB', name: 'sinus bradycardia', snomed: ['426177001'] },
  { index: 20, abbreviation: 'NSR', name: 'sinus rhythm', snomed: ['426783006'] },
  { index: 21, abbreviation: 'STach', name: 'sinus tachycardia', snomed: ['427084000'] },
  { index: 22, abbreviation: 'TAb', name: 'T wave abnormal', snomed: ['164934002'] },
  { index: 23, abbreviation: 'TInv', name: 'T wave inversion', snomed: ['59931005'] },
];

export const CLASS_COUNT = CLASSES.length;

const byCode = new Map<string, EcgClass>();
for (const c of CLASSES) for (const code of c.snomed) byCode.set(code, c);
const byAbbreviation = new Map(CLASSES.map((c) => [c.abbreviation, c] as const));

/** The scored class a SNOMED-CT code belongs to, or undefined for codes outside the 24. */
export function classOfCode(code: string): EcgClass | undefined {
  return byCode.get(code.trim());
}

export function classByAbbreviation(abbreviation: string): EcgClass | undefined {
  return byAbbreviation.get(abbreviation);
}
