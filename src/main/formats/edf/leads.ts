// EDF labels to lead names: EDF+ writes 'ECG I', 'ECG aVR', 'ECG V1' and electrode differences
// ('ECG LA-RA' is lead I); others write 'EKG II', 'ECG-V2', 'II'. Also the step the binary
// Holter readers share: limb leads derived when a 12-lead file stores only I, II and V1-V6.
import { STANDARD_LEADS } from '../../../shared/leads.js';
import { deriveLimbLeads, leadKey, standardLeadName } from '../clinical/leads.js';
import type { ChannelInfo } from '../types.js';

/** EDF+ standard texts name the bipolar limb leads by their electrodes (edfplus.info, signal labels). */
const ELECTRODE_PAIRS: Readonly<Record<string, string>> = { 'la-ra': 'I', 'll-ra': 'II', 'll-la': 'III' };
const OTHER_LEADS = ['V7', 'V8', 'V9', 'V2R', 'V3R', 'V4R', 'V5R', 'V6R', 'V7R', 'X', 'Y', 'Z'];
const KNOWN = new Set<string>([...STANDARD_LEADS, ...OTHER_LEADS].map(leadKey));

const PREFIX = /^(ECG|EKG)(?=$|[\s_\-.:]|[IV]|AV)[\s_\-.:]*/i;

/** The lead an EDF label names ('ECG V1' -> 'V1'), or undefined for any other signal. */
export function leadOfLabel(label: string): string | undefined {
  const rest = label.trim().replace(PREFIX, '');
  const pair = ELECTRODE_PAIRS[rest.toLowerCase().replace(/\s+/g, '')];
  if (pair) return pair;
  return KNOWN.has(leadKey(rest)) && rest !== '' ? standardLeadName(rest) : undefined;
}

/** An ECG signal: a known lead, or a label starting 'ECG'/'EKG' ('ECG1', 'EKG chest'). */
export function isEcgLabel(label: string): boolean {
  return leadOfLabel(label) !== undefined || /^(ECG|EKG)/i.test(label.trim());
}

const V_LEADS = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

/**
 * Adds III, aVR, aVL, aVF (marked `derived`) when the file stores I, II and V1-V6 but not all
 * limb leads: a 12-lead ECG stored as 8 leads, as carts and many Holters do. Computed in
 * physical units (exact whatever each lead's calibration). Bipolar Holter channels that happen
 * to be labelled I and II without the chest leads are left alone. Returns the names added.
 */
export function deriveMissingLimbLeads(channels: ChannelInfo[], signals: Float64Array[]): string[] {
  const names = channels.map((c) => c.name);
  if (!['I', 'II', ...V_LEADS].every((n) => names.includes(n))) return [];
  const i = names.indexOf('I');
  const ii = names.indexOf('II');
  // Physical values in different units cannot be combined.
  if (channels[i].units !== channels[ii].units) return [];
  const before = channels.length;
  const added = deriveLimbLeads({ channels, signals }, { I: signals[i], II: signals[ii] }, (x) => x);
  for (let k = before; k < channels.length; k++) channels[k] = { ...channels[k], gain: channels[i].gain, baseline: 0 };
  return added;
}
