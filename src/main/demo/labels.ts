// How each layout writes a record's classes: SNOMED-CT codes (#Dx), PTB-XL SCP statements and
// heart axis, CODE-15% label columns.
import { classByAbbreviation } from '../../shared/classes.js';

/** The canonical (first) SNOMED-CT code of each class. */
export function snomedCodes(classes: readonly string[]): string[] {
  return classes.map((c) => {
    const cls = classByAbbreviation(c);
    if (!cls) throw new Error(`unknown class '${c}'`);
    return cls.snomed[0];
  });
}

export const CLASS_TO_SCP: Readonly<Record<string, string>> = {
  NSR: 'SR',
  AF: 'AFIB',
  AFL: 'AFLT',
  STach: 'STACH',
  SB: 'SBRAD',
  SA: 'SARRH',
  IAVB: '1AVB',
  RBBB: 'CRBBB',
  IRBBB: 'IRBBB',
  LBBB: 'CLBBB',
  LAnFB: 'LAFB',
  NSIVCB: 'IVCD',
  LQRSV: 'LVOLT',
  PR: 'PACE',
  PAC: 'PAC',
  PVC: 'PVC',
  LPR: 'LPR',
  LQT: 'LNGQT',
  QAb: 'QWAVE',
  TInv: 'INVT',
  TAb: 'NDT',
};

/** PTB-XL's scp_codes dict literal; a record with sinus rhythm and nothing else is also NORM. */
export function scpLiteral(classes: readonly string[]): string {
  const parts: string[] = [];
  if (classes.length === 1 && classes[0] === 'NSR') parts.push(`'NORM': 100.0`);
  for (const c of classes) {
    const scp = CLASS_TO_SCP[c];
    if (scp) parts.push(`'${scp}': 100.0`);
  }
  return `{${parts.join(', ')}}`;
}

/** PTB-XL heart_axis value of a labelled axis class, MID otherwise. */
export function heartAxis(classes: readonly string[]): string {
  if (classes.includes('LAD')) return 'ALAD';
  if (classes.includes('RAD')) return 'ARAD';
  return 'MID';
}

/** CODE-15% label columns, in exams.csv order. */
export const CODE15_LABELS: readonly (readonly [string, string])[] = [
  ['1dAVb', 'IAVB'],
  ['RBBB', 'RBBB'],
  ['LBBB', 'LBBB'],
  ['SB', 'SB'],
  ['ST', 'STach'],
  ['AF', 'AF'],
];
