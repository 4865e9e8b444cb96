// The record filter and page the UI sends over IPC, validated with zod, and their SQL.
import { CLASSES } from '../../shared/classes.js';
import { pageSchema, recordFilterSchema, type Page, type RecordFilter } from '../../shared/record-filter.js';

export { pageSchema, recordFilterSchema, type Page, type PageInput, type RecordFilter, type RecordFilterInput } from '../../shared/record-filter.js';

/** Parses untrusted filter input; the error names every bad field. */
export function parseFilter(input: unknown): RecordFilter {
  return recordFilterSchema.parse(input ?? {});
}

export function parsePage(input: unknown): Page {
  return pageSchema.parse(input ?? {});
}

export function classMask(indexes: readonly number[]): number {
  let mask = 0;
  for (const i of indexes) mask |= 1 << i;
  return mask;
}

export function maskToAbbreviations(mask: number): string[] {
  const out: string[] = [];
  for (const c of CLASSES) if (mask & (1 << c.index)) out.push(c.abbreviation);
  return out;
}
