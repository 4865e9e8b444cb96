// What of a clinical file's patient identity the workspace may keep: age in whole years (from the
// birth date and the acquisition date; the birth date itself is dropped), sex, and text scrubbed
// of the patient's name, id and birth date wherever a statement or message might repeat them.
import { ageOnDates, parseDate, type CalendarDate } from '../formats/clinical/dates.js';
import type { PatientIdentity } from '../formats/types.js';

// Dates and ages are read as the formats layer reads them (formats/clinical/dates.ts).
export { ageAt, parseDate, type CalendarDate } from '../formats/clinical/dates.js';

/** Age for the catalog: computed from the birth date where both dates exist, else the age the file states (whole years). */
export function siteAge(patient: PatientIdentity | undefined, acquisitionDate: string | undefined): number | null {
  const computed = ageOnDates(patient?.birthDate, acquisitionDate);
  if (computed !== null) return computed;
  const stated = patient?.age;
  return stated !== undefined && Number.isFinite(stated) && stated >= 0 && stated <= 130 ? Math.floor(stated) : null;
}

export function siteSex(patient: PatientIdentity | undefined): 'M' | 'F' | null {
  const s = patient?.sex?.trim().toUpperCase();
  if (s === 'M' || s === 'MALE') return 'M';
  if (s === 'F' || s === 'FEMALE') return 'F';
  return null;
}

/** Acquisition moment as epoch seconds (the clock time as written, read as UTC: only differences are used). */
export function acquisitionSeconds(date: string | undefined, time: string | undefined): number | null {
  const d = parseDate(date);
  if (!d) return null;
  const t = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(time?.trim() ?? '');
  const [h, min, s] = t ? [+t[1], +t[2], +(t[3] ?? 0)] : [0, 0, 0];
  const ms = Date.UTC(d.y, d.m - 1, d.d, h, min, s);
  return Number.isFinite(ms) ? Math.round(ms / 1000) : null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Spellings of a date a text might carry: 19530508, 1953-05-08, 05-08-1953, 08.05.1953, 05/08/1953, 08/05/1953. */
export function dateSpellings(d: CalendarDate): string[] {
  const [y, m, day] = [pad(d.y, 4), pad(d.m), pad(d.d)];
  return [`${y}${m}${day}`, `${y}-${m}-${day}`, `${y}/${m}/${day}`, `${m}-${day}-${y}`, `${day}.${m}.${y}`, `${m}/${day}/${y}`, `${day}/${m}/${y}`, `${day}-${m}-${y}`];
}

/**
 * A patient id is matched in free text only from this length on (and, when it is all digits, from
 * MIN_NUMERIC_ID_DIGITS): shorter ones are numbers statements carry anyway ("12" in "112 bpm",
 * "1998", "452 ms"). Shorter ids, like names under 3 letters, are redacted only as a whole field.
 */
export const MIN_ID_LENGTH = 4;
export const MIN_NUMERIC_ID_DIGITS = 5;
export const MIN_NAME_PART = 3;

function safeId(id: string): boolean {
  return /^\d+$/.test(id) ? id.length >= MIN_NUMERIC_ID_DIGITS : id.length >= MIN_ID_LENGTH;
}

/** The strings that identify this patient in free text (whole words): id (when long enough), full name, name parts of 3+ letters, birth date spellings. */
export function identifyingStrings(patient: PatientIdentity | undefined): string[] {
  if (!patient) return [];
  const out = new Set<string>();
  const add = (s: string | undefined) => {
    const t = s?.trim();
    if (t && t.length >= MIN_NAME_PART) out.add(t);
  };
  const id = patient.id?.trim();
  if (id && safeId(id)) add(id);
  add(patient.name);
  for (const part of namePartsOf(patient.name)) if (part.length >= MIN_NAME_PART) add(part);
  add(patient.birthDate);
  const birth = parseDate(patient.birthDate);
  if (birth) for (const s of dateSpellings(birth)) add(s);
  // Longest first, so a full name goes before its parts.
  return [...out].sort((a, b) => b.length - a.length);
}

function namePartsOf(name: string | undefined): string[] {
  return (name ?? '').split(/[\s,^]+/).filter((p) => /\p{L}/u.test(p));
}

/** Identity too short to look for inside text (an id under the safe length, a name or name part under 3 letters): redacted where it is a whole field. */
export function identifyingFields(patient: PatientIdentity | undefined): string[] {
  if (!patient) return [];
  const out = new Set<string>();
  const id = patient.id?.trim();
  if (id && !safeId(id)) out.add(id);
  const name = patient.name?.trim();
  if (name && name.length < MIN_NAME_PART) out.add(name);
  for (const part of namePartsOf(patient.name)) if (part.length < MIN_NAME_PART) out.add(part);
  return [...out].sort((a, b) => b.length - a.length);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces every case-insensitive occurrence of the strings as whole words (no letter or digit on either side) with `[redacted]`. */
export function scrub(text: string, strings: readonly string[]): string {
  let out = text;
  for (const s of strings) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(s)}(?![\\p{L}\\p{N}])`, 'giu'), '[redacted]');
  return out;
}

/** Where a field of a text begins or ends: the text's ends and the punctuation labels and lists use. */
const FIELD_EDGE = '[,;:|^()\\[\\]\\n\\t=]';

/** Replaces each string where it makes up a whole field of the text ("Name: Li", "Wu, Li", the whole text), case-insensitive. */
export function scrubFields(text: string, fields: readonly string[]): string {
  let out = text;
  for (const f of fields) {
    out = out.replace(new RegExp(`(^|${FIELD_EDGE})([ ]*)${escape(f)}([ ]*)(?=$|${FIELD_EDGE}|\\.\\s*$|\\.\\s*${FIELD_EDGE})`, 'giu'), '$1$2[redacted]$3');
  }
  return out;
}

/** Both: whole words for identity long enough to tell apart, whole fields for the rest. */
export function redactIdentity(text: string, patient: PatientIdentity | undefined): string {
  return scrubFields(scrub(text, identifyingStrings(patient)), identifyingFields(patient));
}
