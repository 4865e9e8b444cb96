// Section 3 (lead definitions: sample range and lead code per lead) and section 4 (QRS
// locations: reference-beat subtraction zones and the protected zones of bimodal compression).
import { FormatError } from '../types.js';
import type { ScpBytes } from './bytes.js';
import type { ScpSection } from './sections.js';

export interface ScpLead {
  readonly code: number;
  readonly name: string;
  /** First and last sample number, 1-based inclusive, as section 3 gives them. */
  readonly start: number;
  readonly end: number;
  /** Section 3 gave the range from 0 (a portable device's slip): `end` is then its declared end. */
  readonly zeroBased?: boolean;
}

export interface ScpLeadSection {
  readonly leads: readonly ScpLead[];
  /** Flag bit 0: reference beat subtracted from the rhythm data. */
  readonly referenceBeatSubtracted: boolean;
  readonly simultaneous: boolean;
  /** Deviations read anyway (0-based sample ranges, lead codes EN 1064 does not define). */
  readonly warnings: readonly string[];
}

/** One QRS complex of section 4: subtraction zone [start, end] around the fiducial, 1-based samples. */
export interface ScpQrs {
  readonly type: number;
  readonly start: number;
  readonly fiducial: number;
  readonly end: number;
}

export interface ScpQrsSection {
  /** Reference beat type 0 duration in ms. */
  readonly referenceLengthMs: number;
  /** Fiducial sample of the reference beat (1-based). */
  readonly referenceFiducial: number;
  readonly qrs: readonly ScpQrs[];
  /** Protected zones (1-based inclusive) kept at full rate under bimodal compression. */
  readonly protectedZones: readonly (readonly [number, number])[];
}

// EN 1064 lead identification codes 0..87 (section 3); others print as 'lead <code>'.
const LEAD_NAMES = [
  'unspecified', 'I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V2R', 'V3R', 'V4R', 'V5R', 'V6R', 'V7R', 'X', 'Y', 'Z',
  'CC5', 'CM5', 'LA', 'RA', 'LL', 'fI', 'fE', 'fC', 'fA', 'fM', 'fF', 'fH', 'dI', 'dII', 'dV1', 'dV2', 'dV3', 'dV4', 'dV5',
  'dV6', 'dV7', 'dV2R', 'dV3R', 'dV4R', 'dV5R', 'dV6R', 'dV7R', 'dX', 'dY', 'dZ', 'dCC5', 'dCM5', 'dLA', 'dRA', 'dLL', 'dfI',
  'dfE', 'dfC', 'dfA', 'dfM', 'dfF', 'dfH', 'III', 'aVR', 'aVL', 'aVF', '-aVR', 'V8', 'V9', 'V8R', 'V9R', 'D', 'A', 'J',
  'Defib', 'Extern', 'A1', 'A2', 'A3', 'A4', 'dV8', 'dV9', 'dV8R', 'dV9R', 'dD', 'dA', 'dJ', 'Chest', 'V',
];

export function leadName(code: number): string {
  return LEAD_NAMES[code] ?? `lead ${code}`;
}

export function readLeadSection(b: ScpBytes, s: ScpSection): ScpLeadSection {
  const n = b.u8(s.data, 'section 3 lead count');
  const flags = b.u8(s.data + 1, 'section 3 flags');
  if (n === 0) throw new FormatError('format', `${b.name}: section 3 defines no lead`);
  if (s.data + 2 + 9 * n > s.end) throw new FormatError('truncated', `${b.name}: section 3 holds fewer than its ${n} lead entries`);
  const leads: ScpLead[] = [];
  const warnings: string[] = [];
  for (let i = 0, p = s.data + 2; i < n; i++, p += 9) {
    const start = b.u32(p);
    const end = b.u32(p + 4);
    const code = b.u8(p + 8);
    if (code >= LEAD_NAMES.length) warnings.push(`lead ${i + 1} has lead code ${code}, which this reader does not know (EN 1064 names 0-${LEAD_NAMES.length - 1}): kept as '${leadName(code)}'`);
    // Sample numbers count from 1; a portable device writes 0..N for N samples (settleZeroBased).
    if (start === 0 && end >= 1) {
      leads.push({ code, name: leadName(code), start: 1, end, zeroBased: true });
      continue;
    }
    if (start < 1 || end < start) throw new FormatError('format', `${b.name}: lead ${i + 1} has sample range ${start}..${end}`);
    leads.push({ code, name: leadName(code), start, end });
  }
  return { leads, referenceBeatSubtracted: (flags & 1) === 1, simultaneous: (flags & 4) === 4, warnings };
}

/**
 * Leads section 3 numbered from 0 (0..N): read as 1..N, N samples (the device counted N from 0;
 * an N + 1st value decoded from Huffman data would come from the last byte's padding bits, which
 * is what libbiosig's end - start + 1 reads). Where the data is plain 16-bit (no Huffman, no
 * bimodal decimation) and holds exactly N + 1 samples, the device meant 0..N inclusive and all
 * N + 1 are read, so nothing is lost.
 */
export function settleZeroBased(b: ScpBytes, leads: readonly ScpLead[], rhythm: ScpSection, huffman: boolean): { leads: ScpLead[]; warning?: string } {
  const zero = leads.map((l, i) => (l.zeroBased ? i : -1)).filter((i) => i >= 0);
  if (!zero.length) return { leads: [...leads] };
  const plain = !huffman && b.u8(rhythm.data + 5, 'section 6 header') === 0;
  const out = leads.map((l, i) => {
    const bytes = l.zeroBased && plain ? b.u16(rhythm.data + 6 + 2 * i, 'section 6 lead lengths') : 0;
    return bytes === 2 * (l.end + 1) ? { ...l, end: l.end + 1 } : l;
  });
  const which = zero.length === leads.length ? 'every lead' : `lead${zero.length > 1 ? 's' : ''} ${zero.map((i) => i + 1).join(', ')}`;
  const l = out[zero[0]];
  const declared = leads[zero[0]].end;
  const how = l.end === declared ? `read as 1..${declared} (${declared} samples)` : `the data holds ${l.end} samples: read as 1..${l.end}`;
  return { leads: out, warning: `section 3 numbers ${which} from 0 (0..${declared}; SCP-ECG counts from 1): ${how}` };
}

export function readQrsSection(b: ScpBytes, s: ScpSection): ScpQrsSection {
  const referenceLengthMs = b.u16(s.data, 'section 4 header');
  const referenceFiducial = b.u16(s.data + 2, 'section 4 header');
  const n = b.u16(s.data + 4, 'section 4 header');
  if (s.data + 6 + 14 * n > s.end) throw new FormatError('truncated', `${b.name}: section 4 holds fewer than its ${n} QRS entries`);
  const qrs: ScpQrs[] = [];
  let p = s.data + 6;
  for (let i = 0; i < n; i++, p += 14) qrs.push({ type: b.u16(p), start: b.u32(p + 2), fiducial: b.u32(p + 6), end: b.u32(p + 10) });
  // The protected-zone table is optional (present with bimodal compression).
  const protectedZones: [number, number][] = [];
  if (p + 8 * n <= s.end) for (let i = 0; i < n; i++, p += 8) protectedZones.push([b.u32(p), b.u32(p + 4)]);
  return { referenceLengthMs, referenceFiducial, qrs, protectedZones };
}
