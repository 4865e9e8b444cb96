// Lead names as clinical files spell them ('Lead I (Einthoven)', 'MDC_ECG_LEAD_AVR', 'AVR', MDC or
// SCP-ECG lead numbers) brought to the standard spelling, and the limb leads a cart leaves out.
import { LIMB_FROM_I_II, limbFromIandII, STANDARD_LEADS } from '../../../shared/leads.js';
import type { ChannelInfo } from '../types.js';

/** MDC / SCP-ECG lead numbers (ISO 11073-10102 and EN 1064 share them for these leads). */
export const LEAD_NUMBERS: Readonly<Record<number, string>> = {
  1: 'I', 2: 'II', 3: 'V1', 4: 'V2', 5: 'V3', 6: 'V4', 7: 'V5', 8: 'V6', 9: 'V7',
  10: 'V2R', 11: 'V3R', 12: 'V4R', 13: 'V5R', 14: 'V6R', 15: 'V7R', 16: 'X', 17: 'Y', 18: 'Z',
  61: 'III', 62: 'aVR', 63: 'aVL', 64: 'aVF', 65: '-aVR', 66: 'V8', 67: 'V9', 68: 'V8R', 69: 'V9R',
};

const BY_KEY = new Map<string, string>();
for (const name of [...STANDARD_LEADS, ...Object.values(LEAD_NUMBERS)]) BY_KEY.set(leadKey(name), name);

/** 'Lead I (Einthoven)', 'AVR', 'MDC_ECG_LEAD_V1' -> 'i', 'avr', 'v1' (the shared checker's rule). */
export function leadKey(name: string): string {
  const n = name.toLowerCase().replace('(einthoven)', '').replace('mdc_ecg_lead_', '').replace('lead', '');
  return n.replace(/[^a-z0-9-]/g, '').replace(/(?!^)-/g, '');
}

/** The standard spelling of a lead name ('I', 'aVR', 'V1', ...), or the name trimmed when it is no known lead. */
export function standardLeadName(raw: string): string {
  return BY_KEY.get(leadKey(raw)) ?? raw.trim();
}

/** The lead an MDC ('2:61', 'MDC_ECG_LEAD_III') or SCP-ECG ('5.6.3-9-61') code names, if known. */
export function leadOfCode(code: string): string | undefined {
  const scp = /^5\.6\.3-9-(\d+)$/.exec(code.trim());
  const mdc = /^2:(\d+)$/.exec(code.trim());
  const num = scp?.[1] ?? mdc?.[1];
  if (num !== undefined) return LEAD_NUMBERS[Number(num)];
  return /^MDC_ECG_LEAD_/i.test(code) ? BY_KEY.get(leadKey(code)) : undefined;
}

export interface LeadSet {
  readonly channels: ChannelInfo[];
  readonly signals: Float64Array[];
}

/**
 * Adds III, aVR, aVL and aVF where only I and II are stored (MUSE, many SCP-ECG carts), the way
 * the vendors' viewers show them: III = II - I, aVR = -(I + II)/2, aVL = I - II/2, aVF = II - I/2.
 * Computed on the stored counts and then scaled (so a count of 4.88 uV gives the values the
 * vendor's software shows); `physical` turns a count into physical units (I and II share it). Returns the names added.
 */
export function deriveLimbLeads(set: LeadSet, counts: { readonly I: ArrayLike<number>; readonly II: ArrayLike<number> }, physical: (count: number) => number): string[] {
  const names = set.channels.map((c) => c.name);
  const i = names.indexOf('I');
  const ii = names.indexOf('II');
  if (i < 0 || ii < 0) return [];
  const ref = set.channels[i];
  const added: string[] = [];
  const n = set.signals[i].length;
  for (const limb of LIMB_FROM_I_II) {
    const { lead: name, formula } = limb;
    if (names.includes(name)) continue;
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const a = set.signals[i][k];
      const b = set.signals[ii][k];
      // An invalid input sample gives an invalid derived sample.
      out[k] = a !== a || b !== b ? NaN : physical(limbFromIandII(limb, counts.I[k], counts.II[k]));
    }
    set.channels.push({ ...ref, name, derived: formula });
    set.signals.push(out);
    added.push(name);
  }
  return added;
}

/** Puts channels in the standard 12-lead order where they are standard leads, others after in file order. */
export function standardOrder(set: LeadSet): LeadSet {
  const rank = (name: string): number => {
    const r = (STANDARD_LEADS as readonly string[]).indexOf(name);
    return r < 0 ? STANDARD_LEADS.length : r;
  };
  const order = set.channels.map((_, k) => k).sort((a, b) => rank(set.channels[a].name) - rank(set.channels[b].name) || a - b);
  return { channels: order.map((k) => set.channels[k]), signals: order.map((k) => set.signals[k]) };
}
