// ISHNE lead specification and quality codes (Badilini 1998, tables 1 and 2).
export const LEAD_SPEC: Readonly<Record<number, string>> = {
  [-9]: 'absent', 0: 'unknown', 1: 'generic bipolar', 2: 'X', 3: 'Y', 4: 'Z',
  5: 'I', 6: 'II', 7: 'III', 8: 'aVR', 9: 'aVL', 10: 'aVF',
  11: 'V1', 12: 'V2', 13: 'V3', 14: 'V4', 15: 'V5', 16: 'V6',
  17: 'ES', 18: 'AS', 19: 'AI',
};

export const LEAD_QUALITY: Readonly<Record<number, string>> = {
  [-9]: 'absent', 0: 'unknown', 1: 'good', 2: 'intermittent noise', 3: 'frequent noise',
  4: 'intermittent disconnect', 5: 'frequent disconnect',
};

export const PACEMAKER: Readonly<Record<number, string>> = {
  0: 'none', 1: 'unknown type', 2: 'single chamber unipolar', 3: 'dual chamber unipolar',
  4: 'single chamber bipolar', 5: 'dual chamber bipolar',
};

/** Channel name of lead `k` (0-based) with code `code`: the lead, or 'lead k+1 (...)' for generic codes. */
export function leadName(code: number, k: number): string {
  const spec = LEAD_SPEC[code];
  if (spec && code >= 2) return spec;
  return `lead ${k + 1} (${spec ?? `code ${code}`})`;
}
