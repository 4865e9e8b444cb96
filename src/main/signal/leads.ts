// Which source channel records which standard lead, and how missing limb leads follow from the others.
import { LIMB_FROM_I_II, STANDARD_LEADS, type StandardLead } from '../../shared/leads.js';

export type LeadStatus = 'present' | 'derived' | 'missing';

/** One source channel times a weight; a derived lead is the sum of its terms. */
export interface LeadTerm {
  readonly channel: number;
  readonly weight: number;
}

export interface LeadMap {
  /** Per standard lead (STANDARD_LEADS order): the source channel that records it, or null. */
  readonly index: (number | null)[];
  /** Per standard lead: -1 when the channel records the inverted lead ('-aVR'), else 1. */
  readonly sign: (1 | -1)[];
  /** Per standard lead: the terms that give it when it is derived from two other limb leads, else null. */
  readonly derived: (readonly LeadTerm[] | null)[];
  readonly status: LeadStatus[];
  /** Names of channels that are no standard lead (Frank X/Y/Z, 'ECG1', 'V', duplicates, unusable ones). */
  readonly unmatched: string[];
  /** Choices a user may want to know about (modified leads, duplicates, derivations). */
  readonly notes: string[];
}

export interface IdentifiedLead {
  readonly lead: StandardLead;
  /** -1 for an inverted lead such as '-aVR' (Cabrera display). */
  readonly sign: 1 | -1;
  /** True for the MIT-BIH style modified limb leads (MLI, MLII, MLIII). */
  readonly modified: boolean;
}

const ALIASES = new Map<string, StandardLead>();
const add = (lead: StandardLead, ...keys: string[]) => keys.forEach((k) => ALIASES.set(k, lead));
add('I', 'i', 'di', 'd1');
add('II', 'ii', 'dii', 'd2');
add('III', 'iii', 'diii', 'd3');
add('aVR', 'avr');
add('aVL', 'avl');
add('aVF', 'avf');
for (let k = 1; k <= 6; k++) add(`V${k}` as StandardLead, `v${k}`, `c${k}`); // C1-C6: the European names of V1-V6

/**
 * The standard lead a channel name stands for, or null.
 * Tolerates case, 'Lead ' / 'LEAD_' / 'MDC_ECG_LEAD_' prefixes, DICOM suffixes like '(Einthoven)',
 * Roman and 'D' names (DI, D2), C1-C6, and a leading minus or 'neg' for inverted leads.
 * MLI/MLII/MLIII (MIT-BIH modified limb leads, electrodes on the torso in Mason-Likar position) are
 * taken as I/II/III: their axis is that of the limb lead and studies on MIT-BIH use MLII as lead II;
 * `modified` says so. Modified chest leads (MCL1) and unnamed 'V' have no fixed standard lead: null.
 */
export function identifyLead(name: string): IdentifiedLead | null {
  let s = name.trim().toLowerCase().replace(/\([^)]*\)/g, '').trim();
  s = s.replace(/^mdc_ecg_lead_/, '').replace(/^(ecg[\s_]*)?lead[\s_:.]*/, '').trim();
  let sign: 1 | -1 = 1;
  if (/^[-\u2212]/.test(s)) {
    sign = -1;
    s = s.slice(1);
  }
  s = s.replace(/[\s_.:-]+/g, '');
  if (s.startsWith('neg')) {
    sign = -1;
    s = s.slice(3);
  } else if (s.endsWith('neg')) {
    sign = -1;
    s = s.slice(0, -3);
  }
  let modified = false;
  if (/^mli{1,3}$/.test(s)) {
    modified = true;
    s = s.slice(2);
  }
  const lead = ALIASES.get(s);
  return lead === undefined ? null : { lead, sign, modified };
}

// Limb leads as combinations of (I, II): Einthoven III = II - I, Goldberger aVR = -(I+II)/2,
// aVL = I - II/2, aVF = II - I/2. No two limb leads are parallel, so any two give all six.
const LIMB: readonly StandardLead[] = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'];
const LIMB_AXIS: Record<string, readonly [number, number]> = {
  I: [1, 0],
  II: [0, 1],
  ...Object.fromEntries(LIMB_FROM_I_II.map((l) => [l.lead, [l.a, l.b] as const])),
};

/**
 * Map channel names to the 12 standard leads. `usable[i] === false` excludes channel i (not a
 * voltage, all NaN, ...) so that its lead is derived from others where it can be.
 * Of two channels naming the same lead the first wins; the other is listed as unmatched.
 */
export function mapLeads(names: readonly string[], usable?: readonly boolean[]): LeadMap {
  const n = STANDARD_LEADS.length;
  const index: (number | null)[] = new Array<number | null>(n).fill(null);
  const sign: (1 | -1)[] = new Array<1 | -1>(n).fill(1);
  const derived: (readonly LeadTerm[] | null)[] = new Array<readonly LeadTerm[] | null>(n).fill(null);
  const unmatched: string[] = [];
  const notes: string[] = [];

  names.forEach((name, channel) => {
    if (usable && usable[channel] === false) {
      unmatched.push(name);
      return;
    }
    const id = identifyLead(name);
    if (!id) {
      unmatched.push(name);
      return;
    }
    const at = STANDARD_LEADS.indexOf(id.lead);
    if (index[at] !== null) {
      unmatched.push(name);
      notes.push(`channel '${name}' repeats lead ${id.lead}; the first one is used`);
      return;
    }
    index[at] = channel;
    sign[at] = id.sign;
    if (id.modified) notes.push(`'${name}' (modified limb lead) is taken as lead ${id.lead}`);
    if (id.sign === -1) notes.push(`'${name}' is inverted back to ${id.lead}`);
  });

  const present = LIMB.filter((lead) => index[STANDARD_LEADS.indexOf(lead)] !== null);
  if (present.length >= 2 && present.length < LIMB.length) {
    const [a, b] = present; // LIMB order prefers I and II as the basis, as recorded by most carts
    const [a1, a2] = LIMB_AXIS[a];
    const [b1, b2] = LIMB_AXIS[b];
    const det = a1 * b2 - a2 * b1;
    const ia = STANDARD_LEADS.indexOf(a);
    const ib = STANDARD_LEADS.indexOf(b);
    for (const lead of LIMB) {
      const at = STANDARD_LEADS.indexOf(lead);
      if (index[at] !== null) continue;
      const [c1, c2] = LIMB_AXIS[lead];
      // lead = c . M^-1 (a, b) with M = [[a1, a2], [b1, b2]]
      const wa = (c1 * b2 - c2 * b1) / det;
      const wb = (c2 * a1 - c1 * a2) / det;
      const terms: LeadTerm[] = [];
      if (wa !== 0) terms.push({ channel: index[ia] as number, weight: wa * sign[ia] });
      if (wb !== 0) terms.push({ channel: index[ib] as number, weight: wb * sign[ib] });
      derived[at] = terms;
    }
    notes.push(`limb leads ${LIMB.filter((l) => derived[STANDARD_LEADS.indexOf(l)] !== null).join(', ')} derived from ${a} and ${b}`);
  }

  const status: LeadStatus[] = STANDARD_LEADS.map((_, at) => (index[at] !== null ? 'present' : derived[at] !== null ? 'derived' : 'missing'));
  return { index, sign, derived, status, unmatched, notes };
}
