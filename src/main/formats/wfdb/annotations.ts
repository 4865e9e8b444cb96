// WFDB annotation files beside a record (`100.atr`, `sel100.pu0`, LUDB's `1.ii`): read in chunks
// (a window keeps only its annotations), times in frames of the record (the header's frame rate;
// a file declaring another time resolution is rescaled as the WFDB library does), symbols as
// wfdb-python's rdann gives them. Formats and codes: annotation-decode.ts, annotation-codes.ts.
import { existsSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FormatError } from '../types.js';
import { annotationSymbol } from './annotation-codes.js';
import { AhaDecoder, isAhaStart, MitDecoder, type AnnotationDecoder, type RawAnnotation } from './annotation-decode.js';
import type { WfdbHeader } from './header.js';
import { readHeaderFile } from './header-file.js';

export interface WfdbAnnotation {
  /** Frame number in the record (wfdb-python's rdann `sample`). */
  sample: number;
  /** wfdb-python's symbol: 'N', 'V', '+', '(', ')', 'p', 't', '~', '|', ...; '' for codes without one. */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** The aux note ('(AFIB', '(N', ...), '' when none. */
  aux: string;
}

export interface AnnotationReading {
  record: string;
  annotator: string;
  /** Frames per second the samples count (the record's frame rate). */
  fs: number;
  /** Annotations in the whole file. */
  total: number;
  /** Those within [from, to) when a window is asked, else all. */
  annotations: WfdbAnnotation[];
  format: 'mit' | 'aha';
  warnings: string[];
}

export interface AnnotationReadOptions {
  /** First sample (inclusive). */
  from?: number;
  /** Last sample (exclusive). */
  to?: number;
  /** Frame rate to use when the record has no WFDB header (e.g. an EDF record with a WFDB annotation file). */
  fs?: number;
}

export type AnnotationSummary = Omit<AnnotationReading, 'annotations'>;

const CHUNK = 1 << 16;
const PROBE = 1 << 16;
const ANNOTATOR_NAME = /^[A-Za-z0-9_~-]+$/;
// Never annotation files, whatever their bytes (signal, header and other known containers).
const NOT_ANNOTATIONS = new Set(
  'hea dat mat xyz edf bdf rec csv tsv json xml txt md html htm pdf png jpg jpeg svg gz zip bz2 xz flac hdf5 h5 npy npz pkl wav dcm scp ecg ini cfg log sha256 md5'.split(' '),
);

/**
 * The record's base path (no extension): from its .hea path, the base itself, or a signal file
 * beside its header (`100.dat`), as formats/index.ts's wfdbHeaderPath accepts records.
 */
function recordBase(recordPath: string): string {
  if (/\.hea$/i.test(recordPath)) return recordPath.slice(0, -4);
  if (existsSync(`${recordPath}.hea`)) return recordPath;
  const base = recordPath.replace(/\.[^./\\]+$/, '');
  return base !== recordPath && existsSync(`${base}.hea`) ? base : recordPath;
}

function headerOf(base: string): WfdbHeader | undefined {
  return existsSync(`${base}.hea`) ? readHeaderFile(`${base}.hea`) : undefined;
}

/** Rounds halves up, as the WFDB library's round_to_time. */
function roundToTime(x: number): number {
  return x >= 0 ? Math.floor(x + 0.5) : Math.ceil(x - 0.5);
}

/**
 * Streams every annotation of `<record>.<annotator>` to `visit`, in file order, converted to the
 * record's frames; returns what the file holds besides them. Nothing but one chunk is kept.
 */
export async function forEachAnnotation(
  recordPath: string,
  annotator: string,
  visit: (a: WfdbAnnotation) => void,
  opts: Pick<AnnotationReadOptions, 'fs'> = {},
): Promise<AnnotationSummary> {
  if (!ANNOTATOR_NAME.test(annotator)) throw new FormatError('missing', `'${annotator}' is not an annotator name (letters, digits, '_', '-')`);
  const base = recordBase(recordPath);
  const file = `${base}.${annotator}`;
  const header = headerOf(base);
  const recordFs = header?.fs ?? opts.fs;
  let total = 0;
  const unnamed = new Map<number, number>();
  let decoder: AnnotationDecoder | undefined;
  let scale = 1;
  let scaleKnown = false;
  const sink = (raw: RawAnnotation): void => {
    const defs = decoder!.definitions;
    if (!scaleKnown) {
      // Definitions precede the first annotation, so the resolution is known by now.
      scaleKnown = true;
      if (recordFs !== undefined && defs.timeResolution !== undefined && Math.abs(defs.timeResolution - recordFs) > 1e-9 * recordFs) scale = recordFs / defs.timeResolution;
    }
    const symbol = defs.symbols.get(raw.code) ?? annotationSymbol(raw.code);
    if (symbol === '') unnamed.set(raw.code, (unnamed.get(raw.code) ?? 0) + 1);
    total++;
    visit({ sample: scale === 1 ? raw.time : roundToTime(raw.time * scale), symbol, subtype: raw.subtype, chan: raw.chan, num: raw.num, aux: raw.aux });
  };
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FormatError('missing', `${file}: no such annotation file (annotator '${annotator}' of record ${basename(base)})`);
    throw new FormatError('unreadable', `${file}: cannot read annotation file (${code ?? (err as Error).message})`);
  }
  try {
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      decoder ??= bytesRead >= 2 && isAhaStart(chunk[0], chunk[1]) ? new AhaDecoder(file, sink) : new MitDecoder(file, sink);
      decoder.push(chunk);
    }
  } finally {
    await handle.close();
  }
  if (!decoder) throw new FormatError('truncated', `${file}: empty annotation file (not even the end marker)`);
  decoder.end();
  const defs = decoder.definitions;
  const fs = recordFs ?? defs.timeResolution;
  if (fs === undefined) throw new FormatError('missing', `${file}: no header ${base}.hea and the file states no time resolution: its frame rate is unknown`);
  const warnings = [...decoder.warnings];
  if (scale !== 1) warnings.push(`${file}: times written at ${defs.timeResolution} ticks/s, rescaled to the record's ${fs} frames/s`);
  for (const [code, n] of unnamed) warnings.push(`${file}: ${n} annotation${n === 1 ? '' : 's'} with code ${code}, which has no symbol (wfdb-python gives NaN): symbol ''`);
  return { record: header?.record ?? basename(base), annotator, fs, total, format: decoder.format, warnings };
}

/** Reads `<record>.<annotator>`; with from/to only that window's annotations are kept. */
export async function readAnnotations(recordPath: string, annotator: string, opts: AnnotationReadOptions = {}): Promise<AnnotationReading> {
  const from = opts.from ?? 0;
  const to = opts.to ?? Infinity;
  if (from < 0 || !(to >= from)) throw new FormatError('range', `annotation window [${from}, ${to}) is empty or negative`);
  const annotations: WfdbAnnotation[] = [];
  const summary = await forEachAnnotation(recordPath, annotator, (a) => {
    if (a.sample >= from && a.sample < to) annotations.push(a);
  }, opts);
  return { ...summary, annotations };
}

/**
 * The annotators of a record: every sibling `<record>.<ext>` whose content reads as MIT or AHA
 * annotations (header, signal files and known containers never), sorted by extension.
 */
export async function findAnnotators(recordPath: string): Promise<string[]> {
  const base = recordBase(recordPath);
  const dir = dirname(base);
  const name = basename(base);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  let signalFiles = new Set<string>();
  try {
    signalFiles = new Set((headerOf(base)?.signals ?? []).map((s) => s.fileName));
  } catch {
    // An unreadable header names no signal files; the content probe still decides.
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(`${name}.`) || signalFiles.has(entry)) continue;
    const ext = entry.slice(name.length + 1);
    if (!ANNOTATOR_NAME.test(ext) || NOT_ANNOTATIONS.has(ext.toLowerCase())) continue;
    const path = join(dir, entry);
    try {
      const st = await stat(path);
      if (!st.isFile()) continue;
      const handle = await open(path, 'r');
      try {
        const buf = new Uint8Array(Math.min(PROBE, st.size));
        const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
        if (looksLikeAnnotations(buf.subarray(0, bytesRead), st.size <= PROBE)) found.push(ext);
      } finally {
        await handle.close();
      }
    } catch {
      // Unreadable siblings are not annotators.
    }
  }
  return found.sort();
}

/**
 * Cheap content probe: do these bytes (a whole file, or its first bytes when `complete` is false)
 * read as WFDB annotations? At least one annotation, times (almost) never going back, legal codes only,
 * and for a whole file the end marker with nothing after it.
 */
export function looksLikeAnnotations(bytes: Uint8Array, complete = true): boolean {
  if (bytes.length < 2) return false;
  if (isAhaStart(bytes[0], bytes[1])) return looksLikeAha(bytes, complete);
  if (complete && bytes.length === 2) return bytes[0] === 0 && bytes[1] === 0; // an empty annotation file
  let count = 0;
  let last = 0;
  let backward = 0;
  const decoder = new MitDecoder('probe', (a) => {
    if (a.time < last) backward++;
    last = a.time;
    count++;
  });
  try {
    decoder.push(bytes);
    if (complete) decoder.end();
  } catch {
    return false;
  }
  if (!complete && decoder.pendingAnnotation) count++;
  // Files keep (time, num, chan) order; allow the odd unsorted one (1 %), never noise's jumps.
  return count > 0 && backward <= count / 100 && (!complete || decoder.warnings.length === 0);
}

function looksLikeAha(bytes: Uint8Array, complete: boolean): boolean {
  let last = 0;
  let i = 0;
  for (; i + 16 <= bytes.length; i += 16) {
    if (bytes[i] === 0xff) break;
    if (bytes[i] !== 0 || (bytes[i + 6] | (bytes[i + 7] << 8)) !== i / 16 + 1) return false;
    const time = ((bytes[i + 3] << 24) | (bytes[i + 2] << 16) | (bytes[i + 5] << 8) | bytes[i + 4]) | 0;
    if (time < last) return false;
    last = time;
  }
  if (i === 0) return false;
  if (!complete) return true;
  for (; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}
