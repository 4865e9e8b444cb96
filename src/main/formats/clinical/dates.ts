// Calendar dates as clinical files write them, and age in whole years at acquisition: one reading
// for the site import (ages instead of birth dates), `openecg convert` (#Age: comments) and the demo.

export interface CalendarDate {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/** A date as clinical files write it: YYYYMMDD, YYYY-MM-DD (or /, .), MM-DD-YYYY (MUSE), DD.MM.YYYY. */
export function parseDate(text: string | undefined): CalendarDate | null {
  if (!text) return null;
  const t = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})/.exec(t);
  let date: CalendarDate | null = null;
  if (m) date = { y: +m[1], m: +m[2], d: +m[3] };
  else if ((m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/.exec(t))) date = { y: +m[1], m: +m[2], d: +m[3] };
  else if ((m = /^(\d{1,2})-(\d{1,2})-(\d{4})/.exec(t))) date = { y: +m[3], m: +m[1], d: +m[2] };
  else if ((m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})/.exec(t))) date = { y: +m[3], m: +m[2], d: +m[1] };
  if (!date || date.m < 1 || date.m > 12 || date.d < 1 || date.d > 31 || date.y < 1800) return null;
  return date;
}

/** Whole years between birth and acquisition; null when either is unknown or the result is implausible (< 0 or > 130). */
export function ageAt(birth: CalendarDate | null, at: CalendarDate | null): number | null {
  if (!birth || !at) return null;
  let age = at.y - birth.y;
  if (at.m < birth.m || (at.m === birth.m && at.d < birth.d)) age--;
  return age >= 0 && age <= 130 ? age : null;
}

/** ageAt of two dates as files write them (any form parseDate reads). */
export function ageOnDates(birth: string | undefined, on: string | undefined): number | null {
  return ageAt(parseDate(birth), parseDate(on));
}
