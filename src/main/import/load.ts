// Records from candidate to stored bytes: the work each import worker does, a batch at a time.
import { statSync } from 'node:fs';
import { LEAD_COUNT } from '../../shared/leads.js';
import { adapterByName } from '../datasets/index.js';
import type { Candidate } from '../datasets/types.js';
import { unframe } from '../formats/frames.js';
import { recycleFrames, recycleSamples } from '../formats/sample-pool.js';
import { printable } from '../formats/printable.js';
import { FormatError, isFramed, type FramedReading, type Reading } from '../formats/types.js';
import { canonicalize, type Canonical } from '../signal/index.js';
import { canonicalizeFrames } from '../signal/canonical-frames.js';
import { encodeRecord, sampleBytes } from '../signal/store-encode.js';
import type { LoadResult, LoadSettings } from './protocol.js';

export type { LoadResult };

const sizes = new Map<string, number>();
/** Sampling rates the import takes, in Hz (ECG devices record at 50 Hz to a few kHz). */
const MIN_FS = 1;
const MAX_FS = 100_000;

/** Bytes of a signal file, counted once per file (an HDF5 part holds thousands of records). */
function bytesOnce(path: string): number {
  if (sizes.has(path)) return 0;
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // The reader already succeeded; a vanished file only loses the byte count.
  }
  sizes.set(path, size);
  return size;
}

// The canonical record before encoding, reused: one allocation per thread, not per record.
let canonicalScratch = new Float32Array(0);

/**
 * Loads, canonicalizes and encodes a batch; `transfer` lists the encoded records' buffers, which a
 * worker moves to the main thread rather than copying. One buffer per record (24 KB by default)
 * measured faster than one per batch (buffers of a few hundred KB are mapped and unmapped each time).
 */
export async function loadBatch(candidates: readonly Candidate[], settings: LoadSettings): Promise<{ results: LoadResult[]; transfer: ArrayBuffer[] }> {
  const results: LoadResult[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const candidate of candidates) {
    const result = await loadCandidate(candidate, settings);
    if (result.ok) transfer.push(result.record.encoded.buffer as ArrayBuffer);
    results.push(result);
  }
  return { results, transfer };
}

/** The canonical record in canonicalScratch: int16 frames by the fused path where it applies, else decoded and canonicalized. */
function toCanonical(loaded: Reading | FramedReading, settings: LoadSettings): { canonical: Canonical; readerWarnings: readonly string[] } {
  if (isFramed(loaded)) {
    const fused = canonicalizeFrames(loaded, settings, canonicalScratch);
    if (fused) return { canonical: fused.canonical, readerWarnings: [...loaded.warnings, ...fused.readerWarnings] };
  }
  const reading = isFramed(loaded) ? unframe(loaded) : loaded;
  const canonical = canonicalize(reading, settings, canonicalScratch);
  // Only the encoded copy leaves loadCandidate: the next record reuses the samples.
  recycleSamples(reading.signals);
  return { canonical, readerWarnings: reading.warnings };
}

/**
 * Why a record gives none of the 12 leads. Usable = a channel named as a standard lead (I, II, III,
 * aVR, aVL, aVF, V1-V6 and their aliases, MLII taken as II; signal/leads.ts), in a voltage unit,
 * calibrated, with valid samples in the window; one is enough (missing leads are zero-filled).
 */
function noUsableLead(source: string, channels: readonly string[]): string {
  const names = channels.map((c) => `'${printable(c || '(unnamed)', 24)}'`);
  const shown = names.length > 8 ? [...names.slice(0, 8), `... (${names.length} in all)`] : names;
  return `${source}: no channel gives one of the 12 standard leads as a calibrated voltage with valid samples (channels: ${shown.join(', ')})`;
}

async function loadCandidate(candidate: Candidate, settings: LoadSettings): Promise<LoadResult> {
  try {
    const adapter = adapterByName(candidate.adapter);
    const { meta, reading } = adapter.loadFramed ? await adapter.loadFramed(candidate) : await adapter.load(candidate);
    if (reading.sigLen <= 0 || reading.channels.length === 0) {
      if (isFramed(reading)) recycleFrames(reading.frames.samples);
      throw new FormatError('no-samples', `${meta.sourcePath}: the record has ${reading.channels.length === 0 ? 'no signals' : 'no samples'}`);
    }
    // Beyond these the resampler has no ratio (or a window of absurd length); a damaged header gave 1e-300 Hz and 1e20 Hz.
    if (!(reading.fs >= MIN_FS && reading.fs <= MAX_FS)) {
      if (isFramed(reading)) recycleFrames(reading.frames.samples);
      throw new FormatError('sampling-rate', `${meta.sourcePath}: sampling rate ${reading.fs} Hz is outside the ${MIN_FS}-${MAX_FS} Hz the import takes`);
    }
    // A lead without calibration cannot be brought to mV; storing it would poison training silently.
    const uncalibrated = reading.channels.filter((c) => c.uncalibrated).map((c) => c.name || '(unnamed)');
    if (uncalibrated.length > 0) {
      if (isFramed(reading)) recycleFrames(reading.frames.samples);
      throw new FormatError('uncalibrated', `${meta.sourcePath}: zero ADC gain (uncalibrated) on ${uncalibrated.join(', ')}: the signal cannot be converted to mV`);
    }
    // From here to the encoding nothing awaits: batches interleave at awaits, and they share the scratch.
    const values = LEAD_COUNT * settings.length;
    if (canonicalScratch.length !== values) canonicalScratch = new Float32Array(values);
    const { canonical, readerWarnings } = toCanonical(reading, settings);
    // All 12 leads zero would be a record of nothing: refuse it (docs/defaults.md, "usable lead").
    if (canonical.missingLeads.length === LEAD_COUNT) throw new FormatError('no-usable-lead', noUsableLead(meta.sourcePath, canonical.unmatchedChannels));
    const encoded = new Uint8Array(values * sampleBytes(settings.dtype));
    const clipped = encodeRecord(canonical.data, settings.dtype, encoded, 0);
    return {
      ok: true,
      record: {
        meta,
        fs: reading.fs,
        sigLen: reading.sigLen,
        leads: reading.channels.map((c) => c.name),
        encoded,
        clipped,
        missingLeads: canonical.missingLeads,
        windowStart: canonical.windowStart,
        paddedS: (settings.length - canonical.validLength) / settings.rate,
        derivedLeads: canonical.derivedLeads,
        warnings: [...readerWarnings, ...canonical.warnings, ...meta.notes],
        bytes: bytesOnce(meta.sourcePath),
      },
    };
  } catch (err) {
    const e = err as Error & { code?: string };
    const code = err instanceof FormatError ? err.code : typeof e.code === 'string' ? e.code : 'error';
    return { ok: false, failure: { code, message: e.message ?? String(err), path: candidate.path } };
  }
}
