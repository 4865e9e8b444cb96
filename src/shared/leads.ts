// The canonical 12-lead order and shape every record is brought to.

export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type StandardLead = (typeof STANDARD_LEADS)[number];
export const LEAD_COUNT = STANDARD_LEADS.length;

/** Default canonical rate and length: 100 Hz x 10 s = 1000 samples per lead (PAPER.md gap 2). */
export const CANONICAL_DEFAULTS = { rate: 100, length: 1000 } as const;

/**
 * The four limb leads that follow from I and II (Einthoven III = II - I; Goldberger aVR = -(I + II)/2,
 * aVL = I - II/2, aVF = II - I/2) as lead = a*I + b*II, with the formula readers label a derived
 * lead by. Every weight is a power of two or 0, so a*I + b*II equals the written formula bit for bit.
 */
export const LIMB_FROM_I_II = [
  { lead: 'III', a: -1, b: 1, formula: 'II - I' },
  { lead: 'aVR', a: -0.5, b: -0.5, formula: '-(I + II)/2' },
  { lead: 'aVL', a: 1, b: -0.5, formula: 'I - II/2' },
  { lead: 'aVF', a: -0.5, b: 1, formula: 'II - I/2' },
] as const satisfies readonly { lead: StandardLead; a: number; b: number; formula: string }[];

export type LimbFromIandII = (typeof LIMB_FROM_I_II)[number];

/** One limb lead's sample from I and II. */
export const limbFromIandII = (limb: LimbFromIandII, i: number, ii: number): number => limb.a * i + limb.b * ii;
