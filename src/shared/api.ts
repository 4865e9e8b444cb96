// The one Workstation API every front end speaks (Electron IPC, browser-mode HTTP, tests): method
// names, a zod schema for each argument and result, and the TypeScript types inferred from them.
// Transport-free and Node-free: the renderer imports this file as it is.
import { z } from 'zod';
import { STANDARD_LEADS } from './leads.js';
import { pageSchema, recordFilterSchema } from './record-filter.js';
import { errorsInputSchema, errorsSchema, modelsListSchema, predictInputSchema, predictionSchema, reconstructInputSchema, reconstructionSchema } from './api-inspect.js';
import { clusterInputSchema, clusterResultsSchema, curvesInputSchema, curvesSchema, evaluationResultsSchema, liveInputSchema, liveSchema, runDetailSchema, runNameSchema, runsListSchema } from './api-results.js';
import { jobIdSchema, jobLogInputSchema, jobLogSchema, jobSubmitSchema } from './api-jobs.js';
import { annotationsInputSchema, annotationsSchema } from './api-annotations.js';

export { pageSchema, recordFilterSchema } from './record-filter.js';

// --- catalog -------------------------------------------------------------------------------------

const count = z.number().int().min(0);
const perKey = z.record(z.string(), count);
const sex = z.enum(['M', 'F']).nullable();

export const catalogSummarySchema = z.object({
  records: count,
  patients: count,
  per_center: perKey,
  centers: z.array(z.object({ center: z.string(), records: count, patients: count, per_class: perKey })),
  per_class: perKey,
});

export const recordRowSchema = z.object({
  id: z.number().int().positive(),
  record: z.string(),
  center: z.string(),
  patientId: z.number().int(),
  age: z.number().nullable(),
  sex,
  fs: z.number(),
  durationS: z.number(),
  nLeads: count,
  classes: z.array(z.string()),
  missingLeads: z.array(z.string()),
});

export const recordPageSchema = z.object({
  rows: z.array(recordRowSchema),
  total: count,
  totalExact: z.boolean(),
  estimated: count,
  next: z.number().int().nullable(),
});

export const recordDetailSchema = recordRowSchema.extend({
  sourceKey: z.string(),
  sourcePath: z.string(),
  format: z.string(),
  sigLen: count,
  leads: z.array(z.string()),
  recordedAt: z.string().nullable(),
  patientKey: z.string(),
  ownRecord: z.boolean(),
  shard: z.number().int().nullable(),
  offset: z.number().int().nullable(),
  importRunId: z.number().int().nullable(),
  /** Seconds of zero padding at the end of the canonical record (a record shorter than the window); 0: none. */
  paddedS: z.number().min(0),
  labels: z.array(z.object({ code: z.string(), classIndex: z.number().int().nullable(), abbreviation: z.string().nullable() })),
});

// --- signals -------------------------------------------------------------------------------------

/** Display filters, applied on the main side; all off by default (the raw trace). */
export const signalFiltersSchema = z
  .object({
    /** 0.5 Hz high-pass: baseline-wander removal. */
    baseline: z.boolean().default(false),
    /** Mains notch in Hz, 0 = off. */
    notch: z.literal([0, 50, 60]).default(0),
    /** Low-pass corner in Hz, 0 = off (40: monitoring, 150: diagnostic). */
    lowpass: z.literal([0, 40, 150]).default(0),
  })
  .strict();

/** Longest window one call returns: long records (Holter, INCART's 30 min) are read in windows. */
export const MAX_WINDOW_SECONDS = 120;

export const signalsInputSchema = z
  .object({
    id: z.number().int().positive(),
    /** 'raw': the record's own file at its own rate; 'canonical': the 100 Hz store row. */
    source: z.enum(['raw', 'canonical']).default('raw'),
    /** Window in samples at the source's rate (raw only): first inclusive, last exclusive. */
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(1).optional(),
    filters: signalFiltersSchema.default({ baseline: false, notch: 0, lowpass: 0 }),
  })
  .strict()
  .refine((s) => s.from === undefined || s.to === undefined || s.to > s.from, { message: 'to must be greater than from' });

export const leadTraceSchema = z.object({
  lead: z.enum(STANDARD_LEADS),
  /** present: a channel records it; derived: computed from two limb leads; missing: all null. */
  status: z.enum(['present', 'derived', 'missing']),
  /** mV; null marks an invalid or missing sample. */
  samples: z.array(z.number().nullable()),
});

export const signalsSchema = z.object({
  id: z.number().int().positive(),
  source: z.enum(['raw', 'canonical']),
  fs: z.number().positive(),
  /** The window actually returned, in samples at fs. */
  from: count,
  to: count,
  /** Samples in the whole record (or the canonical row) at fs. */
  totalLen: count,
  leads: z.array(leadTraceSchema).length(STANDARD_LEADS.length),
  /** The filters that were applied (a requested one the rate cannot carry is off here and noted). */
  filters: z.object({ baseline: z.boolean(), notch: z.number(), lowpass: z.number() }),
  notes: z.array(z.string()),
  rhythm: z.object({
    /** R peaks as sample indices within the window. */
    rPeaks: z.array(count),
    bpm: z.number().nullable(),
    rrMs: z.array(z.number()),
  }),
});

// --- system --------------------------------------------------------------------------------------

export const systemInfoSchema = z.object({
  app: z.string(),
  version: z.string(),
  workspace: z.string(),
  catalog: z.boolean(),
  store: z.object({ rate: z.number(), length: count, dtype: z.string() }).nullable(),
  runtime: z.string(),
  /**
   * What this front end can do beyond the common API, so the renderer adapts without knowing which
   * front end it runs in: nativeDialogs = `dialog.chooseFolder` works (Electron), else a text field.
   */
  capabilities: z.object({ nativeDialogs: z.boolean() }),
  /** Dataset layouts `import.start` accepts (besides auto-detection). */
  importDatasets: z.array(z.string()),
});

// --- native dialogs (optional capability) --------------------------------------------------------

export const chooseFolderInputSchema = z
  .object({
    /** What the folder is for: the dialog's title and button say so. */
    purpose: z.enum(['data', 'workspace']),
  })
  .strict();

export const chooseFolderSchema = z.object({ folder: z.string().nullable() });

// --- workspace -----------------------------------------------------------------------------------

const folderPath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), { message: 'NUL in path' });

// --- import started from the UI ------------------------------------------------------------------

export const importStartSchema = z
  .object({
    folder: folderPath,
    /** Adapter name (system.info's importDatasets); absent = detected from the folder. */
    dataset: z.string().regex(/^[a-z0-9-]{1,32}$/).optional(),
  })
  .strict();

export const importJobIdSchema = z.object({ id: z.number().int().positive() }).strict();

export const importJobSchema = z.object({
  id: z.number().int().positive(),
  folder: z.string(),
  dataset: z.string().nullable(),
  state: z.enum(['starting', 'scanning', 'running', 'done', 'failed', 'cancelled']),
  /** The catalog's import run, once the job has one. */
  run: z.number().int().nullable(),
  done: count,
  total: count,
  failed: count,
  /** Records per second (recent window) and seconds left at that rate. */
  rate: z.number().min(0),
  etaS: z.number().min(0).nullable(),
  elapsedS: z.number().min(0),
  imported: count,
  skipped: count,
  /** Per-record errors as the catalog keeps them (first 200). */
  errors: z.array(z.object({ key: z.string().nullable(), path: z.string().nullable(), code: z.string(), message: z.string() })),
  /** Why the job as a whole failed (bad folder, unknown layout, crash). */
  message: z.string().nullable(),
});

// --- jobs: training and experiments in their own processes ---------------------------------------

export const jobSummarySchema = z.object({
  id: z.number().int().positive(),
  kind: z.string(),
  /** 'lodo' or 'scaling' for experiment jobs. */
  experiment: z.string().nullable(),
  config: z.string().nullable(),
  state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
  progress: z.number().min(0).max(1),
  etaS: z.number().min(0).nullable(),
  message: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
});

export const jobsListSchema = z.object({
  jobs: z.array(jobSummarySchema),
  /** Bundled experiment configs a new job can use. */
  configs: z.array(z.string()),
});

export const jobStartSchema = z
  .object({
    experiment: z.enum(['lodo', 'scaling']),
    /** A bundled config's name (jobs.list's configs). */
    config: z.string().regex(/^[a-z0-9-]{1,40}$/),
    /** Training engine; absent: the config's. */
    engine: z.enum(['tfjs', 'torch', 'slurm', 'auto']).optional(),
  })
  .strict();

// --- the method table ----------------------------------------------------------------------------

const none = z.object({}).strict().default({});

export const API = {
  'system.info': { input: none, output: systemInfoSchema },
  'catalog.summary': { input: none, output: catalogSummarySchema },
  'catalog.query': {
    input: z.object({ filter: recordFilterSchema.default({}), page: pageSchema.default({ limit: 50 }) }).strict(),
    output: recordPageSchema,
  },
  'record.get': { input: z.object({ id: z.number().int().positive() }).strict(), output: recordDetailSchema },
  'record.signals': { input: signalsInputSchema, output: signalsSchema },
  // WFDB annotations on the viewer's window (src/shared/api-annotations.ts).
  'record.annotations': { input: annotationsInputSchema, output: annotationsSchema },
  'dialog.chooseFolder': { input: chooseFolderInputSchema, output: chooseFolderSchema },
  'workspace.open': { input: z.object({ folder: folderPath }).strict(), output: systemInfoSchema },
  'import.start': { input: importStartSchema, output: importJobSchema },
  'import.status': { input: importJobIdSchema, output: importJobSchema },
  'import.cancel': { input: importJobIdSchema, output: importJobSchema },
  'jobs.list': { input: none, output: jobsListSchema },
  'jobs.start': { input: jobStartSchema, output: jobSummarySchema },
  'jobs.cancel': { input: z.object({ id: z.number().int().positive() }).strict(), output: jobSummarySchema },
  // Jobs of every kind from the UI's forms (src/shared/api-jobs.ts).
  'jobs.submit': { input: jobSubmitSchema, output: jobSummarySchema },
  'jobs.resume': { input: jobIdSchema, output: jobSummarySchema },
  'jobs.log': { input: jobLogInputSchema, output: jobLogSchema },
  // Model inspection (src/shared/api-inspect.ts).
  'models.list': { input: none, output: modelsListSchema },
  'inspect.reconstruct': { input: reconstructInputSchema, output: reconstructionSchema },
  'inspect.predict': { input: predictInputSchema, output: predictionSchema },
  'inspect.errors': { input: errorsInputSchema, output: errorsSchema },
  // Results (src/shared/api-results.ts).
  'results.runs': { input: none, output: runsListSchema },
  'results.run': { input: z.object({ run: runNameSchema }).strict(), output: runDetailSchema },
  'results.curves': { input: curvesInputSchema, output: curvesSchema },
  'results.live': { input: liveInputSchema, output: liveSchema },
  'results.evaluation': { input: jobIdSchema, output: evaluationResultsSchema },
  'results.cluster': { input: clusterInputSchema, output: clusterResultsSchema },
} as const;

export type ApiMethod = keyof typeof API;
export const API_METHODS = Object.keys(API) as ApiMethod[];
export type ApiInput<M extends ApiMethod> = z.input<(typeof API)[M]['input']>;
/** The input after validation and defaults, as the implementation sees it. */
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API)[M]['input']>;
export type ApiOutput<M extends ApiMethod> = z.output<(typeof API)[M]['output']>;

/** What a front end's client offers the renderer: one typed call, whatever carries it. */
export interface ApiClient {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
}

export type RecordFilterInput = z.input<typeof recordFilterSchema>;
export type CatalogSummary = ApiOutput<'catalog.summary'>;
export type JobSummary = ApiOutput<'jobs.start'>;
export type RecordPage = ApiOutput<'catalog.query'>;
export type RecordRow = z.output<typeof recordRowSchema>;
export type RecordDetail = ApiOutput<'record.get'>;
export type Signals = ApiOutput<'record.signals'>;
export type SignalFilters = z.output<typeof signalFiltersSchema>;
export type SystemInfo = ApiOutput<'system.info'>;
export type ImportJob = ApiOutput<'import.status'>;
export type * from './api-inspect.js';
export type * from './api-results.js';
export type * from './api-annotations.js';
export type { JobSubmit } from './api-jobs.js';

export type ApiErrorCode = 'invalid-input' | 'not-found' | 'unknown-method' | 'unsupported' | 'forbidden' | 'failed';

/** A failed call as every transport reports it: a code to branch on and a message to show. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Electron: the one IPC channel the preload exposes (ipcRenderer.invoke(IPC_CHANNEL, method, input)). */
export const IPC_CHANNEL = 'openecg:call';

/**
 * What the main process answers on IPC_CHANNEL: an envelope rather than a thrown error, because
 * Electron flattens a thrown error to its message and the renderer needs the code.
 */
export const ipcReplySchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type IpcReply = z.infer<typeof ipcReplySchema>;

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API, name);
}

/** Validates a method's input; the ApiError names every bad field. */
export function parseInput<M extends ApiMethod>(method: M, input: unknown): ApiParsedInput<M> {
  const result = API[method].input.safeParse(input ?? {});
  if (!result.success) throw new ApiError('invalid-input', `${method}: ${z.prettifyError(result.error)}`);
  return result.data as ApiParsedInput<M>;
}

/** Validates a result coming over a transport (the renderer trusts nothing it did not check). */
export function parseOutput<M extends ApiMethod>(method: M, output: unknown): ApiOutput<M> {
  const result = API[method].output.safeParse(output);
  if (!result.success) throw new ApiError('failed', `${method}: malformed result: ${z.prettifyError(result.error)}`);
  return result.data as ApiOutput<M>;
}
