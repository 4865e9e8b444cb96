// `record.annotations`: the record's annotators (from the catalog) and the annotations in the
// window the viewer draws, placed on that window's own axis. Raw view: t = sample/fs_ann - from/fs.
// Canonical view: the import's window starts at source sample windowStart, and the store's
// resampling is zero-phase (resample_poly), so t = sample/fs_ann - windowStart/fs.
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ApiError, MAX_WINDOW_SECONDS, type ApiParsedInput } from '../../shared/api.js';
import type { AnnotationMark, Annotations, AnnotatorInfo, RhythmBand } from '../../shared/api-annotations.js';
import { symbolMeaning } from '../../shared/annotations.js';
import { STANDARD_LEADS, type StandardLead } from '../../shared/leads.js';
import type { Catalog, RecordDetail } from '../catalog/index.js';
import { classifyAnnotations, rhythmSpans } from '../datasets/annotation-kinds.js';
import { knownAnnotator, readAnnotations, type AnnotationReading } from '../formats/index.js';
import { identifyLead } from '../signal/leads.js';
import { DEFAULT_WINDOW_SECONDS } from './signals.js';

type Input = ApiParsedInput<'record.annotations'>;

/** Whole files, a few kept: the viewer pages through a record window by window, and a rhythm in force needs the notes before the window. */
const cache = new Map<string, { key: string; reading: AnnotationReading }>();
const CACHE_FILES = 16;

async function readWhole(recordPath: string, annotator: string): Promise<AnnotationReading> {
  const file = `${recordPath}.${annotator}`;
  const info = await stat(file).catch(() => null);
  if (!info) throw new ApiError('not-found', `record.annotations: annotation file ${basename(file)} is no longer beside the record`);
  const key = `${info.size}:${info.mtimeMs}`;
  const hit = cache.get(file);
  if (hit && hit.key === key) return hit.reading;
  const reading = await readAnnotations(recordPath, annotator);
  cache.delete(file);
  cache.set(file, { key, reading });
  while (cache.size > CACHE_FILES) cache.delete(cache.keys().next().value as string);
  return reading;
}

/** The record's path without extension: the import folder plus the source key, else beside its signal file. */
function recordPath(catalog: Catalog, detail: RecordDetail): string[] {
  const run = detail.importRunId === null ? undefined : catalog.importRun(detail.importRunId);
  const paths = run ? [join(run.folder, detail.sourceKey)] : [];
  paths.push(join(dirname(detail.sourcePath), detail.record));
  return paths;
}

async function existingRecordPath(catalog: Catalog, detail: RecordDetail): Promise<string> {
  const candidates = recordPath(catalog, detail);
  for (const p of candidates) if (await stat(`${p}.hea`).catch(() => null)) return p;
  throw new ApiError('not-found', `record.annotations: the header of ${detail.record} is no longer where it was imported from`);
}

/** A per-lead delineation file's lead (LUDB: 'v1' is V1), else null. */
function annotatorLead(annotator: string): StandardLead | null {
  if (knownAnnotator(annotator)?.kind !== 'waves') return null;
  return identifyLead(annotator)?.lead ?? null;
}

function leadOf(annotator: string, chan: number, leads: readonly string[]): StandardLead | null {
  const own = annotatorLead(annotator);
  if (own) return own;
  const name = leads[chan];
  const id = name === undefined ? null : identifyLead(name);
  return id && STANDARD_LEADS.includes(id.lead) ? id.lead : null;
}

export async function recordAnnotationsApi(catalog: Catalog, detail: RecordDetail, input: Input): Promise<Annotations> {
  const stored = catalog.recordAnnotations(detail.id);
  if (!stored) throw new ApiError('not-found', `no record ${detail.id} in the catalog`);
  const notes: string[] = [];
  const fs = detail.fs;
  // The displayed window, in seconds on the record's own axis.
  let start: number;
  let seconds: number;
  if (input.source === 'canonical') {
    const settings = catalog.settings();
    const rate = Number(settings['store.rate'] ?? 100);
    seconds = Number(settings['store.length'] ?? 1000) / rate;
    if (stored.windowStart === null) notes.push('the canonical window of this record was not kept at import (imported by an earlier version): annotations are placed as if it started at 0 s; re-import to place them exactly');
    start = (stored.windowStart ?? 0) / fs;
  } else {
    const from = Math.min(input.from ?? 0, Math.max(0, detail.sigLen - 1));
    const wanted = input.to ?? from + Math.round(DEFAULT_WINDOW_SECONDS * fs);
    if (wanted - from > MAX_WINDOW_SECONDS * fs) {
      throw new ApiError('invalid-input', `record.annotations: a window holds at most ${MAX_WINDOW_SECONDS} s (${MAX_WINDOW_SECONDS * fs} samples at ${fs} Hz)`);
    }
    start = from / fs;
    seconds = (Math.min(wanted, detail.sigLen) - from) / fs;
  }
  const wantedNames = input.annotators ?? stored.annotators.map((a) => a.name);
  const unknown = wantedNames.filter((n) => !stored.annotators.some((a) => a.name === n));
  if (unknown.length > 0) {
    const have = stored.annotators.map((a) => a.name).join(', ') || 'none';
    throw new ApiError('not-found', `record.annotations: record ${detail.record} has no annotator ${unknown.join(', ')} (it has: ${have})`);
  }
  const annotators: AnnotatorInfo[] = stored.annotators.map((a) => {
    const known = knownAnnotator(a.name);
    return {
      name: a.name,
      count: a.count,
      kinds: a.kinds.filter((k): k is AnnotatorInfo['kinds'][number] => ['beat', 'rhythm', 'wave', 'noise', 'other'].includes(k)),
      codes: [...a.codes],
      meaning: known?.meaning ?? null,
      detector: known ? !known.reviewed : false,
      lead: annotatorLead(a.name),
    };
  });
  const annotations: AnnotationMark[] = [];
  const rhythms: RhythmBand[] = [];
  if (wantedNames.length > 0) {
    const path = await existingRecordPath(catalog, detail);
    for (const name of wantedNames) {
      const reading = await readWhole(path, name);
      const afs = reading.fs > 0 ? reading.fs : fs;
      const list = reading.annotations;
      const classified = classifyAnnotations(list);
      // Half a sample of slack either side, so a mark on the window's first or last sample is kept.
      const lo = Math.floor((start * afs) - 0.5);
      const hi = Math.ceil((start + seconds) * afs);
      list.forEach((a, i) => {
        const c = classified[i];
        if (a.sample < lo || a.sample >= hi || c.kind === 'rhythm') return;
        annotations.push({
          annotator: name,
          sample: a.sample,
          t: a.sample / afs - start,
          symbol: a.symbol,
          kind: c.kind,
          wave: c.wave,
          part: c.part,
          lead: leadOf(name, a.chan, detail.leads),
          subtype: a.subtype,
          chan: a.chan,
          num: a.num,
          aux: a.aux,
          meaning: symbolMeaning(a.symbol, a.aux),
        });
      });
      const end = Math.round((detail.sigLen * afs) / fs);
      for (const span of rhythmSpans(list, end)) {
        const t0 = Math.max(0, span.from / afs - start);
        const t1 = Math.min(seconds, span.to / afs - start);
        if (t1 > t0) rhythms.push({ annotator: name, rhythm: span.rhythm, meaning: symbolMeaning('+', span.rhythm), t0, t1 });
      }
      for (const w of reading.warnings) notes.push(`${name}: ${w}`);
    }
  }
  return { id: detail.id, source: input.source, start, seconds, annotators, annotations, rhythms, notes };
}
