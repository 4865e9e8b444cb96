// The diagnosis statements the demo hospital site's carts print for each class, in the wording
// ECG management systems use, and statements that name no class (the unmapped ones a site's
// mapping step has to list). The site adapter maps statement text to SNOMED-CT with its own
// table; this one documents what the demo writes so the two can be checked against each other.
import { classByAbbreviation } from '../../shared/classes.js';

/** One statement per class (abbreviation -> text as the cart prints it). */
export const SITE_STATEMENTS: Readonly<Record<string, string>> = {
  NSR: 'Normal sinus rhythm',
  SB: 'Sinus bradycardia',
  STach: 'Sinus tachycardia',
  SA: 'Sinus arrhythmia',
  Brady: 'Junctional bradycardia',
  AF: 'Atrial fibrillation',
  AFL: 'Atrial flutter',
  PR: 'Electronic ventricular paced rhythm',
  IAVB: '1st degree AV block',
  LPR: 'Prolonged PR interval',
  RBBB: 'Right bundle branch block',
  IRBBB: 'Incomplete right bundle branch block',
  LBBB: 'Left bundle branch block',
  NSIVCB: 'Nonspecific intraventricular conduction delay',
  LAD: 'Left axis deviation',
  RAD: 'Right axis deviation',
  LAnFB: 'Left anterior fascicular block',
  LQRSV: 'Low QRS voltage',
  LQT: 'Prolonged QT interval',
  TInv: 'T wave inversion',
  TAb: 'Nonspecific T wave abnormality',
  PAC: 'Premature atrial complexes',
  PVC: 'Premature ventricular complexes',
  QAb: 'Abnormal Q waves',
};

/** Statements that name none of the 24 classes (overall verdicts, report remarks). */
export const UNMAPPED_STATEMENTS: readonly string[] = ['Abnormal ECG', 'Borderline ECG', 'No previous ECGs available', 'Unconfirmed report - physician review required'];

/** The SNOMED-CT code (the class's canonical one) a site statement stands for. */
export function statementCode(statement: string): string | undefined {
  const abbreviation = Object.keys(SITE_STATEMENTS).find((k) => SITE_STATEMENTS[k] === statement);
  return abbreviation ? classByAbbreviation(abbreviation)?.snomed[0] : undefined;
}

/** The statements a record with these classes carries: one per class, in class order. */
export function statementsFor(classes: readonly string[]): string[] {
  return classes.map((c) => {
    const s = SITE_STATEMENTS[c];
    if (!s) throw new Error(`no site statement for class '${c}'`);
    return s;
  });
}
