// Fake patients of the demo hospital site: names drawn from short lists (no real person's), a
// medical record number, a birth date consistent with the age at the first ECG, and a sex. They
// exist so the identity-protection tests have something to look for in every byte a workspace
// writes; nothing about them is realistic beyond the field formats.
import type { Rng } from './random.js';

const FAMILY = ['Halvorsen', 'Okonkwo', 'Marchetti', 'Lindqvist', 'Dubois', 'Nakamura', 'Kowalczyk', 'Fernández', 'Oyelaran', 'Brennan', 'Szabo', 'Castellanos', 'Virtanen', 'Abernathy', 'Moreau', 'Petrovic'];
const GIVEN_F = ['Ingrid', 'Amara', 'Giulia', 'Maja', 'Élodie', 'Yuki', 'Zofia', 'Lucía', 'Folake', 'Siobhan'];
const GIVEN_M = ['Torvald', 'Chidi', 'Matteo', 'Anders', 'Étienne', 'Haruto', 'Tomasz', 'Javier', 'Kunle', 'Declan'];

export interface SitePatient {
  /** Medical record number as the hospital writes it ('MRN' + 7 digits). */
  readonly id: string;
  readonly familyName: string;
  readonly givenName: string;
  /** 'Family, Given' (how the writers take a name). */
  readonly name: string;
  /** 'YYYY-MM-DD'. */
  readonly birthDate: string;
  readonly sex: 'M' | 'F';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A patient aged `age` on `firstEcg` (ms since the epoch); `index` keeps record numbers distinct. */
export function drawPatient(rng: Rng, index: number, age: number, firstEcg: number): SitePatient {
  const sex = rng.chance(0.48) ? 'F' : 'M';
  const familyName = rng.pick(FAMILY);
  const givenName = rng.pick(sex === 'F' ? GIVEN_F : GIVEN_M);
  // Born `age` years and up to 364 days before the first ECG.
  const first = new Date(firstEcg);
  const birth = new Date(Date.UTC(first.getUTCFullYear() - age, first.getUTCMonth(), first.getUTCDate()) - (1 + rng.int(364)) * 86400000);
  const id = `MRN${pad(1000000 + index * 7919 + rng.int(7919), 7)}`;
  return {
    id,
    familyName,
    givenName,
    name: `${familyName}, ${givenName}`,
    birthDate: `${birth.getUTCFullYear()}-${pad(birth.getUTCMonth() + 1)}-${pad(birth.getUTCDate())}`,
    sex,
  };
}

