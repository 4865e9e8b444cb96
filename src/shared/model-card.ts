// The model card of a foreign model (docs/model-card.md): what its input tensor expects (rate,
// length, leads in its own order, units, filter, normalisation, layout) and what its outputs mean
// (activation, classes mapped to our 24 where they can be, thresholds). Shared: the main side
// validates a card.json against it and brings records to its spec; the renderer shows it.
import { z } from 'zod';
import { CLASSES, classByAbbreviation, classOfCode } from './classes.js';
import { STANDARD_LEADS, type StandardLead } from './leads.js';

/** A card that cannot be used; the message is one line: where (card.input.leads[3]) and what is wrong. */
export class ModelCardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelCardError';
  }
}

const BY_LOWER = new Map<string, StandardLead>(STANDARD_LEADS.map((l) => [l.toLowerCase(), l]));

/** 'AVR', 'avr', 'Lead aVR', ' V1 ' -> the standard spelling, or null for anything else. */
export function cardLeadName(name: string): StandardLead | null {
  const s = name.trim().toLowerCase().replace(/^lead[\s_:]*/, '');
  return BY_LOWER.get(s) ?? null;
}

const text = z.string().trim().min(1, 'must not be empty').max(1000);
const hz = z.number().positive('must be a positive frequency in Hz').finite();

const leadSchema = z.string().transform((s, ctx) => {
  const lead = cardLeadName(s);
  if (lead === null) {
    ctx.addIssue({ code: 'custom', message: `'${s}' is not one of the 12 standard leads (${STANDARD_LEADS.join(', ')})` });
    return z.NEVER;
  }
  return lead;
});

export const cardFilterSchema = z
  .object({
    type: z.enum(['bandpass', 'highpass', 'lowpass']),
    design: z.literal('butterworth'),
    order: z.number().int().min(1).max(16),
    low: hz.optional(),
    high: hz.optional(),
    zeroPhase: z.boolean(),
  })
  .strict();

export const cardNormalizationSchema = z.union([
  z.enum(['none', 'per-lead-zscore', 'global-zscore']),
  z.object({ mean: z.array(z.number().finite()).min(1), std: z.array(z.number().positive('must be > 0').finite()).min(1) }).strict(),
]);

export const cardInputSchema = z
  .object({
    name: text,
    layout: z.enum(['NCL', 'NLC']),
    rate: hz.max(100_000),
    samples: z.number().int().min(1).max(10_000_000),
    leads: z.array(leadSchema).min(1).max(12),
    units: z.enum(['mV', 'uV']),
    filter: cardFilterSchema.nullable().default(null),
    normalization: cardNormalizationSchema.default('none'),
  })
  .strict();

const abbreviations = CLASSES.map((c) => c.abbreviation);

export const cardClassSchema = z
  .object({
    name: text,
    class: z.string().trim().optional(),
    snomed: z
      .union([z.string(), z.number().int()])
      .transform((v) => String(v).trim())
      .refine((v) => /^\d{6,18}$/.test(v), 'must be a SNOMED-CT code (6 to 18 digits)')
      .optional(),
  })
  .strict();

export const cardOutputSchema = z
  .object({
    name: text,
    activation: z.enum(['sigmoid', 'softmax', 'none']),
    classes: z.array(cardClassSchema).min(1).max(10_000),
    thresholds: z.array(z.number().finite()).optional(),
  })
  .strict();

export const modelCardSchema = z
  .object({
    name: text,
    version: z.union([text, z.number().transform(String)]),
    source: text,
    licence: text,
    description: z.string().max(10_000).optional(),
    input: cardInputSchema,
    output: cardOutputSchema,
  })
  .strict()
  .superRefine((card, ctx) => {
    const { input, output } = card;
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    input.leads.forEach((l, i) => {
      const first = input.leads.indexOf(l);
      if (first !== i) issue(['input', 'leads', i], `lead ${l} repeats input.leads[${first}]`);
    });
    const f = input.filter;
    if (f) {
      const nyquist = input.rate / 2;
      const needs = { bandpass: ['low', 'high'], highpass: ['low'], lowpass: ['high'] }[f.type];
      for (const k of ['low', 'high'] as const) {
        if (needs.includes(k) && f[k] === undefined) issue(['input', 'filter', k], `a ${f.type} filter needs '${k}' (Hz)`);
        if (!needs.includes(k) && f[k] !== undefined) issue(['input', 'filter', k], `a ${f.type} filter takes ${needs.map((n) => `'${n}'`).join(' and ')} only`);
        if (f[k] !== undefined && (f[k] as number) >= nyquist) issue(['input', 'filter', k], `${f[k]} Hz is not below the Nyquist frequency ${nyquist} Hz of input.rate ${input.rate} Hz`);
      }
      if (f.type === 'bandpass' && f.low !== undefined && f.high !== undefined && f.low >= f.high) issue(['input', 'filter'], `low ${f.low} Hz must be below high ${f.high} Hz`);
    }
    const norm = input.normalization;
    if (typeof norm === 'object') {
      for (const k of ['mean', 'std'] as const) {
        if (norm[k].length !== input.leads.length) issue(['input', 'normalization', k], `${norm[k].length} values for ${input.leads.length} leads in input.leads`);
      }
    }
    output.classes.forEach((c, i) => {
      const at = ['output', 'classes', i];
      const byAbbr = c.class === undefined ? undefined : classByAbbreviationLoose(c.class);
      if (c.class !== undefined && !byAbbr) issue([...at, 'class'], `'${c.class}' is not one of our 24 classes (${abbreviations.join(', ')})`);
      const byCode = c.snomed === undefined ? undefined : classOfCode(c.snomed);
      if (byAbbr && c.snomed !== undefined && byCode?.abbreviation !== byAbbr.abbreviation) {
        issue([...at, 'snomed'], `${c.snomed} is ${byCode ? `class ${byCode.abbreviation}` : 'none of our 24 classes'}, but class says ${byAbbr.abbreviation}`);
      }
    });
    const t = output.thresholds;
    if (t) {
      if (t.length !== output.classes.length) issue(['output', 'thresholds'], `${t.length} thresholds for ${output.classes.length} classes`);
      if (output.activation !== 'none') {
        t.forEach((v, i) => (v < 0 || v > 1) && issue(['output', 'thresholds', i], `${v} is outside [0, 1] (the ${output.activation} outputs are probabilities)`));
      }
    }
  });

export type ModelCard = z.output<typeof modelCardSchema>;
export type CardInput = ModelCard['input'];
export type CardFilter = z.output<typeof cardFilterSchema>;
export type CardNormalization = z.output<typeof cardNormalizationSchema>;

function classByAbbreviationLoose(name: string) {
  const exact = classByAbbreviation(name.trim());
  if (exact) return exact;
  const lower = name.trim().toLowerCase();
  return CLASSES.find((c) => c.abbreviation.toLowerCase() === lower);
}

/** 'input.leads[3]' from a zod issue path. */
function where(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`), 'card');
}

/** Zod's issue in plain words: an unknown key names itself, a wrong type says what was expected. */
function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `${where(issue.path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_value') return `${where(issue.path)}: must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'normalization') {
    return `${where(issue.path)}: must be "none", "per-lead-zscore", "global-zscore" or { "mean": [...], "std": [...] }`;
  }
  return `${where(issue.path)}: ${issue.message}`;
}

/** A checked card, or a ModelCardError naming every problem (one line, '; ' between them). */
export function parseModelCard(json: unknown): ModelCard {
  const r = modelCardSchema.safeParse(json);
  if (r.success) return r.data;
  const problems = r.error.issues.map(describe);
  const shown = problems.slice(0, 5).join('; ');
  throw new ModelCardError(`invalid model card: ${shown}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
}

/** One output of the model and what it means in our terms. */
export interface CardClassMapping {
  /** Output index in the model's output vector. */
  readonly output: number;
  /** The model's own name for the class (shown where it has no mapping). */
  readonly name: string;
  /** Our class index (src/shared/classes.ts) or null when the output maps to none of the 24. */
  readonly classIndex: number | null;
  readonly abbreviation: string | null;
  readonly snomed: string | null;
  /** How the mapping was found. */
  readonly via: 'class' | 'snomed' | null;
}

/** Each output's class: by its abbreviation, else by its SNOMED-CT code through the classes table, else none. */
export function mapCardClasses(card: ModelCard): CardClassMapping[] {
  return card.output.classes.map((c, output) => {
    const byAbbr = c.class === undefined ? undefined : classByAbbreviationLoose(c.class);
    const hit = byAbbr ?? (c.snomed === undefined ? undefined : classOfCode(c.snomed));
    return {
      output,
      name: c.name,
      classIndex: hit ? hit.index : null,
      abbreviation: hit ? hit.abbreviation : null,
      snomed: c.snomed ?? (hit ? hit.snomed[0] : null),
      via: byAbbr ? 'class' : hit ? 'snomed' : null,
    };
  });
}
