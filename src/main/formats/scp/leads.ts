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
}

export interface ScpLeadSection {
  readonly leads: readonly ScpLead[];
  /** Flag bit 0: reference beat subtracted from the rhythm data. */
  readonly referenceBeatSubtracted: boolean;
  readonly simultaneous: boolean;
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
  for (let i = 0, p = s.data + 2; i < n; i++, p += 9) {
    const start = b.u32(p);
    const end = b.u32(p + 4);
    const code = b.u8(p + 8);
    if (start < 1 || end < start) throw new FormatError('format', `${b.name}: lead ${i + 1} has sample range ${start}..${end}`);
    leads.push({ code, name: leadName(code), start, end });
  }
  return { leads, referenceBeatSubtracted: (flags & 1) === 1, simultaneous: (flags & 4) === 4 };
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
