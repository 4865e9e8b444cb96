// The record filter and page the UI sends over IPC, validated with zod, and their SQL.
import { createRequire } from 'node:module';
import { CLASSES } from '../../shared/classes.js';
import { compiledScript } from '../platform/app-paths.js';
import type { Page, RecordFilter } from '../../shared/record-filter.js';

export type { Page, PageInput, RecordFilter, RecordFilterInput } from '../../shared/record-filter.js';

// zod takes ~0.1 s to load, a third of an import's fixed cost, and only queries need it: the
// schemas load at the first query (require of the compiled ES module, synchronous as queries are;
// from src/ under Vitest, the build's copy).
type FilterSchemas = typeof import('../../shared/record-filter.js');
let schemas: FilterSchemas | undefined;
const recordFilterSchemas = (): FilterSchemas => (schemas ??= createRequire(import.meta.url)(compiledScript(import.meta.url, '../../shared/record-filter.js')) as FilterSchemas);

/** Parses untrusted filter input; the error names every bad field. */
export function parseFilter(input: unknown): RecordFilter {
  return recordFilterSchemas().recordFilterSchema.parse(input ?? {});
}

export function parsePage(input: unknown): Page {
  return recordFilterSchemas().pageSchema.parse(input ?? {});
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
