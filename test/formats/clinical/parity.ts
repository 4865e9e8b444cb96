// The shared checker's agreement rule (../shared/checks/read_parity.py), applied to a Reading
// directly: fs, length, every reference head value within 2e-6, and per-lead sum/min/max, leads
// matched by name whatever the spelling.
import { readFileSync } from 'node:fs';
import type { MedianBeats, Reading } from '../../../src/main/formats/index.js';

export const SHARED = new URL('../../../../shared/ecg-samples/', import.meta.url);
export const clinicalFile = (rel: string): string => new URL(`clinical/${rel}`, SHARED).pathname;

export interface Reference {
  readonly fs: number;
  readonly sig_len: number;
  readonly sig_name: readonly string[];
  readonly head: readonly (readonly (number | null)[])[];
  readonly stats: { readonly sum: readonly number[]; readonly min?: readonly (number | null)[]; readonly max?: readonly (number | null)[] };
}

export function reference(name: string): Reference {
  return JSON.parse(readFileSync(new URL(`reference-clinical/${name}`, SHARED), 'utf8')) as Reference;
}

/** The checker's lead_key. */
export function leadKey(name: string): string {
  const n = name.toLowerCase().replace('(einthoven)', '').replace('mdc_ecg_lead_', '').replace('lead', '');
  return n.replace(/[^a-z0-9]/g, '');
}

/** Why the reading differs from the reference, or undefined when it agrees. */
export function disagreement(ref: Reference, got: Reading | MedianBeats): string | undefined {
  if (Math.abs(got.fs - ref.fs) > 1e-9 * Math.max(1, ref.fs)) return `fs ${got.fs} != ${ref.fs}`;
  if (got.sigLen !== ref.sig_len) return `sig_len ${got.sigLen} != ${ref.sig_len}`;
  const names = got.channels.map((c) => leadKey(c.name));
  for (let c = 0; c < ref.sig_name.length; c++) {
    const g = names.indexOf(leadKey(ref.sig_name[c]));
    if (g < 0) return `lead ${ref.sig_name[c]} missing (read: ${got.channels.map((ch) => ch.name).join(', ')})`;
    const ch = got.signals[g];
    if (ch.length !== ref.sig_len) return `lead ${ref.sig_name[c]}: ${ch.length} samples`;
    for (let i = 0; i < ref.head[c].length; i++) {
      const r = ref.head[c][i];
      if (r === null) {
        if (!Number.isNaN(ch[i])) return `lead ${ref.sig_name[c]} sample ${i}: ${ch[i]}, expected invalid`;
      } else if (!(Math.abs(ch[i] - r) <= 2e-6 + 1e-9 * Math.abs(r))) {
        return `lead ${ref.sig_name[c]} sample ${i}: ${ch[i]}, expected ${r}`;
      }
    }
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of ch) {
      if (Number.isNaN(v)) continue;
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const want = ref.stats.sum[c];
    if (Math.abs(sum - want) > 1e-6 * Math.max(1, Math.abs(want), ch.length * 10) + 1e-3) return `lead ${ref.sig_name[c]}: sum ${sum}, expected ${want}`;
    const wmin = ref.stats.min?.[c];
    const wmax = ref.stats.max?.[c];
    if (wmin != null && Math.abs(min - wmin) > 2e-6 + 1e-9 * Math.abs(wmin)) return `lead ${ref.sig_name[c]}: min ${min}, expected ${wmin}`;
    if (wmax != null && Math.abs(max - wmax) > 2e-6 + 1e-9 * Math.abs(wmax)) return `lead ${ref.sig_name[c]}: max ${max}, expected ${wmax}`;
  }
  return undefined;
}
