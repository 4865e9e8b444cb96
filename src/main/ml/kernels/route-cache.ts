// The route table on disk (docs/kernels.md, "Pinned routes"). Two files of one format:
// - the machine's cache, <configuration folder>/kernel-routes.json: routes measured on this machine,
//   one table per timing context (ONNX Runtime threads, the kernels' code versions), valid only on
//   the CPU model and core count it names; the first process measures, later ones reuse;
// - a run's table, <run or checkpoint folder>/kernel-routes.json: the routes a run used, pinned
//   first when it resumes, so it continues on them whatever the machine's cache says since.
// Precedence: OPENECG_CONV=gemm|xnnpack (forced) > the run's table > the machine's cache > measuring.
// Files are written atomically (tmp + rename); a corrupt or foreign file is ignored with a log line.
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { z } from 'zod';
import { configDir } from '../../datasets/site-key-store.js';
import { appRoot } from '../../platform/app-paths.js';
import { pinSharedRoutes, sharedRoutes, sharedRoutesVersion, type SharedRoute } from './route-share.js';

export const ROUTES_FILE = 'kernel-routes.json';
const FORMAT = 'openecg-kernel-routes/1';
/** OPENECG_KERNEL_CACHE=off: the machine's cache is neither read nor written (every process measures). */
export const CACHE_ENV = 'OPENECG_KERNEL_CACHE';

const cost = z.number().nullable(); // Infinity (a shape ONNX Runtime refused) is written as null
const entry = z.object({ route: z.enum(['gemm', 'xnnpack']), gemmMs: cost, xnnpackMs: cost, threads: z.number().int().nonnegative() });
const machineSchema = z.object({ cpu: z.string(), cores: z.number().int().positive() });
const routesSchema = z.record(z.string(), entry);
const cacheSchema = z.object({
  format: z.literal(FORMAT),
  machine: machineSchema,
  tables: z.array(z.object({ threads: z.number().int().nonnegative(), kernels: z.string(), routes: routesSchema })),
});
const runSchema = z.object({ format: z.literal(FORMAT), machine: machineSchema, kernels: z.string(), routes: routesSchema });

type Entry = z.infer<typeof entry>;
export type MachineTables = z.infer<typeof cacheSchema>['tables'];
export type Machine = z.infer<typeof machineSchema>;

let log: (line: string) => void = (line) => process.stderr.write(`openecg: ${line}\n`);

/** Where the route tables' notices go (default: stderr). */
export function setRouteLog(fn: (line: string) => void): void {
  log = fn;
}

export function thisMachine(): Machine {
  return { cpu: cpus()[0]?.model.trim() || 'unknown', cores: availableParallelism() };
}

let kernelsVersion: string | undefined;
/** The code whose timings the cache holds: the app's, XNNPACK's (tfjs-backend-wasm) and ONNX Runtime's versions. */
export function kernelsCode(): string {
  if (kernelsVersion) return kernelsVersion;
  const version = (pkg: string) => {
    try {
      return (JSON.parse(readFileSync(join(appRoot(), pkg, 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
    } catch {
      return '?';
    }
  };
  kernelsVersion = `openecg-workstation ${version('.')}, tfjs-backend-wasm ${version('node_modules/@tensorflow/tfjs-backend-wasm')}, onnxruntime-node ${version('node_modules/onnxruntime-node')}`;
  return kernelsVersion;
}

export function machineCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), ROUTES_FILE);
}

const cacheOff = (env: NodeJS.ProcessEnv) => (env[CACHE_ENV] ?? '').toLowerCase() === 'off';
const toEntry = (r: SharedRoute): Entry => ({ route: r.route, gemmMs: Number.isFinite(r.gemmMs) ? r.gemmMs : null, xnnpackMs: Number.isFinite(r.xnnpackMs) ? r.xnnpackMs : null, threads: r.threads });
const fromEntry = (e: Entry, source: SharedRoute['source']): SharedRoute => ({ route: e.route, gemmMs: e.gemmMs ?? Infinity, xnnpackMs: e.xnnpackMs ?? Infinity, threads: e.threads, source });

function writeAtomic(file: string, doc: unknown): void {
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(doc, null, 1)}\n`);
    renameSync(tmp, file);
  } catch (err) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw err;
  }
}

/** Reads and checks a route file; undefined (with a log line) when missing parts, corrupt or of another format. */
function readChecked<T>(file: string, schema: z.ZodType<T>, what: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
    log(`${what} ${file} is not a kernel route table (${parsed.error.issues[0]?.message ?? 'invalid'}): ignored`);
  } catch (err) {
    log(`${what} ${file} is unreadable (${(err as Error).message.split('\n')[0]}): ignored`);
  }
  return undefined;
}

// ---- the machine's cache ----

/** This thread's copy of the machine's tables; undefined until first needed. */
let machine: MachineTables | undefined;
let savedVersion = -1;

function loadMachineFile(env: NodeJS.ProcessEnv): MachineTables {
  if (cacheOff(env)) return [];
  const file = machineCacheFile(env);
  const doc = readChecked(file, cacheSchema, 'the kernel route cache');
  if (!doc) return [];
  const here = thisMachine();
  if (doc.machine.cpu !== here.cpu || doc.machine.cores !== here.cores) {
    log(`the kernel route cache ${file} was measured on another machine (${doc.machine.cpu}, ${doc.machine.cores} cores): ignored, routes measured again`);
    return [];
  }
  return doc.tables;
}

function machineTables(): MachineTables {
  // Workers never read the file: their coordinator hands them its copy (adoptMachineRoutes).
  machine ??= isMainThread ? loadMachineFile(process.env) : [];
  return machine;
}

/** The machine cache's route of a shape measured at `threads` ONNX Runtime threads with this code. */
export function machineRoute(key: string, threads: number): SharedRoute | undefined {
  const code = kernelsCode();
  const e = machineTables().find((t) => t.threads === threads && t.kernels === code)?.routes[key];
  return e ? fromEntry(e, 'machine') : undefined;
}

/** What the coordinator hands its data-parallel workers. */
export function machineRoutesForWorkers(): MachineTables {
  return machineTables();
}

export function adoptMachineRoutes(tables: MachineTables): void {
  machine = tables;
}

/** Forgets the cache's copy without reading the file again (tests measure afresh); reloadMachineRoutes reads it. */
export function forgetMachineRoutes(): void {
  machine = [];
}

export function reloadMachineRoutes(): void {
  machine = undefined;
}

/**
 * Adds the routes measured in this process (this thread and its workers) to the machine's cache.
 * Main thread only; merged with the file as it is now (other processes may have added shapes).
 * Never throws: a cache that cannot be written only costs measuring again.
 */
export function saveMachineRoutes(env: NodeJS.ProcessEnv = process.env): void {
  if (!isMainThread || cacheOff(env)) return;
  const version = sharedRoutesVersion();
  if (version === savedVersion) return;
  savedVersion = version;
  const measured = [...sharedRoutes()].filter(([, r]) => r.source === 'measured');
  if (!measured.length) return;
  const file = machineCacheFile(env);
  try {
    const tables = structuredClone(loadQuiet(file));
    const code = kernelsCode();
    for (const [key, r] of measured) {
      let t = tables.find((x) => x.threads === r.threads && x.kernels === code);
      if (!t) tables.push((t = { threads: r.threads, kernels: code, routes: {} }));
      t.routes[key] ??= toEntry(r);
    }
    mkdirSync(configDir(env), { recursive: true });
    writeAtomic(file, { format: FORMAT, machine: thisMachine(), tables });
    machine = tables;
  } catch (err) {
    log(`the kernel route cache ${file} could not be written (${(err as Error).message.split('\n')[0]}): routes will be measured again`);
  }
}

/** The file's tables if valid and of this machine, else none (the reason was logged at load). */
function loadQuiet(file: string): MachineTables {
  try {
    const doc = cacheSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    const here = thisMachine();
    return doc.success && doc.data.machine.cpu === here.cpu && doc.data.machine.cores === here.cores ? doc.data.tables : [];
  } catch {
    return [];
  }
}

// ---- a run's table ----

export function runRoutesFile(dir: string): string {
  return join(dir, ROUTES_FILE);
}

/**
 * Pins the routes of a run's table (a resumed run continues on the routes it started with).
 * Returns how many, or 0 when the folder has none or an unusable one (logged).
 */
export function pinRunRoutes(dir: string): number {
  const file = runRoutesFile(dir);
  const doc = readChecked(file, runSchema, "the run's kernel route table");
  if (!doc) return 0;
  pinSharedRoutes(new Map(Object.entries(doc.routes).map(([k, e]) => [k, fromEntry(e, 'run')])));
  return Object.keys(doc.routes).length;
}

/**
 * Writes the routes this process used into the run's table (kept: shapes pinned from it before and
 * not met again). Returns the table's counts per route.
 */
export function writeRunRoutes(dir: string): { shapes: number; gemm: number; xnnpack: number } {
  const file = runRoutesFile(dir);
  const before = existsSync(file) ? (readQuietRun(file) ?? {}) : {};
  const routes: Record<string, Entry> = { ...before };
  for (const [key, r] of sharedRoutes()) routes[key] = toEntry(r);
  const shapes = Object.keys(routes).length;
  const gemm = Object.values(routes).filter((e) => e.route === 'gemm').length;
  if (shapes === 0) return { shapes, gemm, xnnpack: 0 };
  mkdirSync(dir, { recursive: true });
  writeAtomic(file, { format: FORMAT, machine: thisMachine(), kernels: kernelsCode(), routes });
  return { shapes, gemm, xnnpack: shapes - gemm };
}

function readQuietRun(file: string): Record<string, Entry> | undefined {
  try {
    const doc = runSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return doc.success ? doc.data.routes : undefined;
  } catch {
    return undefined;
  }
}
