// The canonical 12-lead order and shape every record is brought to.

export const STANDARD_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'] as const;
export type StandardLead = (typeof STANDARD_LEADS)[number];
export const LEAD_COUNT = STANDARD_LEADS.length;

/** Default canonical rate and length: 100 Hz x 10 s = 1000 samples per lead (PAPER.md gap 2). */
export const CANONICAL_DEFAULTS = { rate: 100, length: 1000 } as const;
