// Limb leads many SCP-ECG carts leave out: with I and II stored, III, aVR, aVL and aVF follow
// (Einthoven and Goldberger), as the vendors' viewers show them. Values stay in storage units.
import { LIMB_FROM_I_II, limbFromIandII } from '../../../shared/leads.js';

export interface DerivedLead {
  readonly name: string;
  readonly formula: string;
  readonly values: Float64Array;
}

/** The limb leads `names` lacks, computed from I and II; none when I or II is missing. */
export function deriveLimbLeads(names: readonly string[], series: readonly ArrayLike<number>[]): DerivedLead[] {
  const key = names.map((n) => n.toLowerCase());
  const iI = key.indexOf('i');
  const iII = key.indexOf('ii');
  if (iI < 0 || iII < 0) return [];
  const a = series[iI];
  const b = series[iII];
  const n = Math.min(a.length, b.length);
  return LIMB_FROM_I_II.filter((limb) => !key.includes(limb.lead.toLowerCase())).map((limb) => {
    const values = new Float64Array(n);
    for (let k = 0; k < n; k++) values[k] = limbFromIandII(limb, a[k], b[k]);
    return { name: limb.lead, formula: limb.formula, values };
  });
}
