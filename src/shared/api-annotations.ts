// `record.annotations`: a record's WFDB annotators and its annotations in the window the viewer
// shows, on that window's own time axis (docs/annotations.md, "Viewer"). Raw view: the window is
// [from, to) of the record's samples, as record.signals takes it. Canonical view: the 10 s the
// import chose, starting at the record's sample windowStart; t = seconds from the window's start.
import { z } from 'zod';
import { ANNOTATION_KINDS, WAVES } from './annotations.js';
import { STANDARD_LEADS } from './leads.js';

const count = z.number().int().min(0);
/** An annotator is a file extension: letters, digits, '_' and '-' (wfdb-python's rule, and no path parts). */
export const annotatorNameSchema = z.string().regex(/^[A-Za-z0-9_~-]{1,32}$/, 'an annotator is a file extension: letters, digits, _, ~ or -');

export const annotationsInputSchema = z
  .object({
    id: z.number().int().positive(),
    source: z.enum(['raw', 'canonical']).default('raw'),
    /** Window in samples at the record's rate (raw only), as record.signals: first inclusive, last exclusive; default the first 10 s. */
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(1).optional(),
    /** Annotators to read (default: all the record has). */
    annotators: z.array(annotatorNameSchema).max(64).optional(),
  })
  .strict()
  .refine((s) => s.from === undefined || s.to === undefined || s.to > s.from, { message: 'to must be greater than from' });

export const annotatorInfoSchema = z.object({
  name: z.string(),
  count,
  kinds: z.array(z.enum(ANNOTATION_KINDS)),
  /** SNOMED-CT codes its annotations imply (the record's labels when it had none). */
  codes: z.array(z.string()),
  /** What the annotator is, for the known ones (formats/wfdb/annotators.ts). */
  meaning: z.string().nullable(),
  /** A program's output no person reviewed (detectors, ecgpuwave): never a source of labels. */
  detector: z.boolean(),
  /** LUDB-style per-lead file: the lead it delineates. */
  lead: z.enum(STANDARD_LEADS).nullable(),
});

export const annotationMarkSchema = z.object({
  annotator: z.string(),
  /** Sample number in the annotation file (the record's frame rate). */
  sample: count,
  /** Seconds from the window's start on the displayed axis (may be < 0 or beyond the window only for rhythm context). */
  t: z.number(),
  symbol: z.string(),
  kind: z.enum(ANNOTATION_KINDS),
  wave: z.enum(WAVES).nullable(),
  part: z.enum(['onset', 'peak', 'offset']).nullable(),
  /** The standard lead the mark belongs to (LUDB file name, else the channel's lead); null: the whole record. */
  lead: z.enum(STANDARD_LEADS).nullable(),
  subtype: z.number().int(),
  chan: z.number().int(),
  num: z.number().int(),
  aux: z.string(),
  meaning: z.string(),
});

export const rhythmBandSchema = z.object({
  annotator: z.string(),
  rhythm: z.string(),
  meaning: z.string(),
  /** Seconds from the window's start, clipped to the window. */
  t0: z.number(),
  t1: z.number(),
});

export const annotationsSchema = z.object({
  id: z.number().int().positive(),
  source: z.enum(['raw', 'canonical']),
  /** Seconds on the record's own time axis where the displayed window starts (canonical: windowStart / record fs). */
  start: z.number().min(0),
  /** Seconds the window spans. */
  seconds: z.number().min(0),
  annotators: z.array(annotatorInfoSchema),
  annotations: z.array(annotationMarkSchema),
  rhythms: z.array(rhythmBandSchema),
  notes: z.array(z.string()),
});

export type Annotations = z.output<typeof annotationsSchema>;
export type AnnotationMark = z.output<typeof annotationMarkSchema>;
export type AnnotatorInfo = z.output<typeof annotatorInfoSchema>;
export type RhythmBand = z.output<typeof rhythmBandSchema>;
