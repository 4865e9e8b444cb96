// Section 1: patient and acquisition fields as tagged values (tag byte, 2-byte length, value),
// ended by tag 255. Identity goes to PatientIdentity only; the rest (device, date, filters) may
// be shown.
import type { PatientIdentity } from '../types.js';
import type { ScpBytes } from './bytes.js';
import type { ScpSection } from './sections.js';

export interface ScpHeaderFields {
  readonly patient?: PatientIdentity;
  /** yyyy-mm-dd of acquisition (tag 25). */
  readonly date?: string;
  /** hh:mm:ss of acquisition (tag 26). */
  readonly time?: string;
  /** Non-identifying facts for Reading.comments. */
  readonly comments: readonly string[];
}

const SEX: Record<number, string> = { 0: 'unknown', 1: 'M', 2: 'F', 9: 'unspecified' };
/** Tag 4 age units: 1 years, 2 months, 3 weeks, 4 days, 5 hours (0 = unspecified, taken as years). */
const AGE_PER_YEAR: Record<number, number> = { 0: 1, 1: 1, 2: 12, 3: 52.1775, 4: 365.25, 5: 8766 };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function readPatientSection(b: ScpBytes, s: ScpSection): ScpHeaderFields {
  let lastName: string | undefined;
  let firstName: string | undefined;
  let secondLastName: string | undefined;
  let id: string | undefined;
  let birthDate: string | undefined;
  let sex: string | undefined;
  let age: number | undefined;
  let date: string | undefined;
  let time: string | undefined;
  const comments: string[] = [];
  for (let p = s.data; p + 3 <= s.end; ) {
    const tag = b.u8(p);
    const len = b.u16(p + 1);
    const v = p + 3;
    if (tag === 255) break;
    // A tag running past the section is the file's error; stop reading tags rather than invent values.
    if (v + len > s.end) break;
    switch (tag) {
      case 0: lastName = b.text(v, len) || undefined; break;
      case 1: firstName = b.text(v, len) || undefined; break;
      case 2: id = b.text(v, len) || undefined; break;
      case 3: secondLastName = b.text(v, len) || undefined; break;
      case 4:
        if (len >= 3) {
          const value = b.u16(v);
          const per = AGE_PER_YEAR[b.u8(v + 2)];
          if (value > 0 && per) age = Math.floor(value / per);
        }
        break;
      case 5:
        if (len >= 4 && b.u16(v) > 0) birthDate = `${pad(b.u16(v), 4)}-${pad(b.u8(v + 2))}-${pad(b.u8(v + 3))}`;
        break;
      case 8: if (len >= 1) sex = SEX[b.u8(v)] ?? String(b.u8(v)); break;
      case 14: {
        // Acquiring device: bytes 8..13 model, byte 14 protocol revision, then from byte 36 the
        // NUL-separated program revision, serial number, system software, SCP software, manufacturer.
        if (len >= 36) {
          const model = b.text(v + 8, 6);
          const strings = Buffer.from(b.slice(v + 36, len - 36)).toString('latin1').split('\0');
          const maker = (strings[4] ?? '').trim();
          comments.push(`#Device: ${[maker, model].filter(Boolean).join(' ') || 'unknown'} (SCP protocol ${b.u8(v + 14) / 10})`);
        }
        break;
      }
      case 25:
        if (len >= 4) date = `${pad(b.u16(v), 4)}-${pad(b.u8(v + 2))}-${pad(b.u8(v + 3))}`;
        break;
      case 26:
        if (len >= 3) time = `${pad(b.u8(v))}:${pad(b.u8(v + 1))}:${pad(b.u8(v + 2))}`;
        break;
      case 27: if (len >= 2 && b.u16(v) > 0) comments.push(`#Highpass: ${b.u16(v) / 100} Hz`); break;
      case 28: if (len >= 2 && b.u16(v) > 0) comments.push(`#Lowpass: ${b.u16(v)} Hz`); break;
      default: break;
    }
    p = v + len;
  }
  const name = [lastName, secondLastName, firstName].filter(Boolean).join(', ') || undefined;
  const patient: PatientIdentity = { id, name, birthDate, sex, age };
  const any = Object.values(patient).some((x) => x !== undefined);
  return { patient: any ? patient : undefined, date, time, comments };
}
