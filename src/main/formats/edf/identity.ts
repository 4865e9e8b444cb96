// What the EDF header's free-text fields say: the patient field goes to PatientIdentity only
// (EDF+ subfields 'code sex birthdate name', 'X' for unknown; plain EDF's free text as the id),
// the recording field gives the EDF+ start year and the equipment, never the hospital
// administration code or the technician. Start date and time become yyyy-mm-dd and hh:mm:ss.
import type { PatientIdentity } from '../types.js';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** 'dd-MMM-yyyy' (EDF+ dates) -> 'yyyy-mm-dd', or undefined. */
export function edfPlusDate(text: string): string | undefined {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2].toUpperCase());
  const day = Number(m[1]);
  if (month < 0 || day < 1 || day > 31) return undefined;
  return `${m[3]}-${String(month + 1).padStart(2, '0')}-${m[1]}`;
}

const known = (s: string | undefined): string | undefined => (s && s !== 'X' ? s.replace(/_/g, ' ') : undefined);

/**
 * Identity from the patient field. EDF+ files (and the many plain EDF writers that follow the
 * EDF+ layout) give 'code sex birthdate name'; any other plain EDF text is kept whole as the id,
 * so the dataset layer's keyed hash still tells patients apart.
 */
export function patientOfField(field: string, plus: boolean): PatientIdentity | undefined {
  const parts = field.trim().split(/\s+/).filter(Boolean);
  const structured = parts.length >= 4 && /^[MFX]$/.test(parts[1]) && (parts[2] === 'X' || edfPlusDate(parts[2]) !== undefined);
  if (plus || structured) {
    const id = known(parts[0]);
    const sex = parts[1] === 'M' || parts[1] === 'F' ? parts[1] : undefined;
    const birthDate = parts[2] ? edfPlusDate(parts[2]) : undefined;
    const name = known(parts[3]);
    const p: PatientIdentity = { ...(id ? { id } : {}), ...(name ? { name } : {}), ...(birthDate ? { birthDate } : {}), ...(sex ? { sex } : {}) };
    return Object.keys(p).length ? p : undefined;
  }
  const text = field.trim();
  return text && text !== 'X' ? { id: text } : undefined;
}

export interface EdfStart {
  readonly date?: string;
  readonly time?: string;
  /** EDF+ recording field's equipment subfield, when given. */
  readonly equipment?: string;
  readonly warnings: readonly string[];
}

/**
 * Start date and time. The header date has a two-digit year (85-99 -> 19xx, 00-84 -> 20xx, the
 * EDF clipping rule); an EDF+ recording field 'Startdate dd-MMM-yyyy ...' gives the full year.
 */
export function startOf(startDate: string, startTime: string, recordingField: string, plus: boolean): EdfStart {
  const warnings: string[] = [];
  const d = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(startDate.trim());
  const t = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(startTime.trim());
  let date: string | undefined;
  if (d) {
    const yy = Number(d[3]);
    date = `${yy >= 85 ? 1900 + yy : 2000 + yy}-${d[2]}-${d[1]}`;
  } else {
    warnings.push(`start date '${startDate.trim()}' is not dd.mm.yy`);
  }
  if (!t) warnings.push(`start time '${startTime.trim()}' is not hh.mm.ss`);
  let equipment: string | undefined;
  const parts = recordingField.trim().split(/\s+/);
  if (parts[0] === 'Startdate') {
    const full = parts[1] ? edfPlusDate(parts[1]) : undefined;
    if (full && date && full.slice(5) === date.slice(5) && full.slice(2, 4) === date.slice(2, 4)) date = full;
    else if (full && date) warnings.push(`recording field start date ${full} disagrees with the header's ${date}`);
    else if (full) date = full;
    equipment = known(parts[4]);
  } else if (plus) {
    warnings.push("EDF+ recording field does not start with 'Startdate'");
  }
  return {
    ...(date ? { date } : {}),
    ...(t ? { time: `${t[1]}:${t[2]}:${t[3]}` } : {}),
    ...(equipment ? { equipment } : {}),
    warnings,
  };
}
