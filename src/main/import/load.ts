// One record from candidate to canonical signal: the work each import worker does.
import { statSync } from 'node:fs';
import { adapterByName } from '../datasets/index.js';
import type { Candidate } from '../datasets/types.js';
import { FormatError } from '../formats/types.js';
import { canonicalize } from '../signal/index.js';
import type { CanonicalSettings, LoadedRecord, LoadResult } from './protocol.js';

export type { LoadResult };

const sizes = new Map<string, number>();

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

export async function loadCandidate(candidate: Candidate, settings: CanonicalSettings): Promise<LoadResult> {
  try {
    const adapter = adapterByName(candidate.adapter);
    const { meta, reading } = await adapter.load(candidate);
    // A lead without calibration cannot be brought to mV; storing it would poison training silently.
    const uncalibrated = reading.channels.filter((c) => c.uncalibrated).map((c) => c.name || '(unnamed)');
    if (uncalibrated.length > 0) {
      throw new FormatError('uncalibrated', `${meta.sourcePath}: zero ADC gain (uncalibrated) on ${uncalibrated.join(', ')}: the signal cannot be converted to mV`);
    }
    const canonical = canonicalize(reading, settings);
    const record: LoadedRecord = {
      meta,
      fs: reading.fs,
      sigLen: reading.sigLen,
      leads: reading.channels.map((c) => c.name),
      data: canonical.data,
      missingLeads: canonical.missingLeads,
      derivedLeads: canonical.derivedLeads,
      warnings: [...reading.warnings, ...canonical.warnings, ...meta.notes],
      bytes: bytesOnce(meta.sourcePath),
    };
    return { ok: true, record };
  } catch (err) {
    const e = err as Error & { code?: string };
    const code = err instanceof FormatError ? err.code : typeof e.code === 'string' ? e.code : 'error';
    return { ok: false, failure: { code, message: e.message ?? String(err), path: candidate.path } };
  }
}
