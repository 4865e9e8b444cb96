// The record filter and page that every front end sends and the catalog answers: one zod
// definition, so the API boundary and the catalog validate the same thing.
import { z } from 'zod';
import { CLASSES, CLASS_COUNT } from './classes.js';

const classRef = z.union([
  z.number().int().min(0).max(CLASS_COUNT - 1),
  z
    .string()
    .min(1)
    .transform((s, ctx) => {
      const hit = CLASSES.find((c) => c.abbreviation.toLowerCase() === s.trim().toLowerCase());
      if (!hit) {
        ctx.addIssue({ code: 'custom', message: `unknown class '${s}' (expected one of the 24 abbreviations)` });
        return z.NEVER;
      }
      return hit.index;
    }),
]);

export const recordFilterSchema = z
  .object({
    centers: z.array(z.string().min(1).max(200)).max(100).optional(),
    /** Class abbreviations ('AF') or indexes (1). */
    classes: z.array(classRef).max(CLASS_COUNT).optional(),
    /** 'any' (default): a record with at least one of the classes; 'all': with every one. */
    classMatch: z.enum(['any', 'all']).optional(),
    sex: z.enum(['M', 'F']).optional(),
    ageMin: z.number().min(0).max(150).optional(),
    ageMax: z.number().min(0).max(150).optional(),
    /** Case-insensitive substring of the record name. */
    text: z.string().trim().max(200).optional(),
    splitSet: z.number().int().positive().optional(),
    part: z.enum(['train', 'val', 'test']).optional(),
  })
  .strict()
  .refine((f) => f.ageMin === undefined || f.ageMax === undefined || f.ageMin <= f.ageMax, {
    message: 'ageMin must not exceed ageMax',
  })
  .refine((f) => f.part === undefined || f.splitSet !== undefined, { message: 'part needs a splitSet' });

export const pageSchema = z
  .object({
    limit: z.number().int().min(1).max(1000).default(50),
    /** Keyset pagination: rows with id greater than this (the previous page's `next`). */
    after: z.number().int().min(0).optional(),
    /** Plain offset, for jumping to a page; costs a scan of the skipped rows. */
    offset: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((p) => p.after === undefined || p.offset === undefined, { message: 'use either after or offset, not both' });

export type RecordFilterInput = z.input<typeof recordFilterSchema>;
export type RecordFilter = z.output<typeof recordFilterSchema>;
export type PageInput = z.input<typeof pageSchema>;
export type Page = z.output<typeof pageSchema>;
