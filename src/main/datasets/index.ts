// The adapter registry: by name (workers get the name in each candidate) or detected from a folder.
import { readdir, stat } from 'node:fs/promises';
import { FormatError } from '../formats/types.js';
import { cincAdapter } from './cinc.js';
import { code15Adapter } from './code15.js';
import { mimicAdapter } from './mimic.js';
import { ptbxlAdapter } from './ptbxl.js';
import { lazySiteAdapter } from './site-lazy.js';
import type { DatasetAdapter } from './types.js';
import { wfdbAdapter } from './wfdb.js';

export type { Candidate, DatasetAdapter, RecordMeta, ScanReport } from './types.js';
export { createPtbxlAdapter } from './ptbxl.js';

/** Most specific first; detection still compares scores, the order only breaks ties. */
export const ADAPTERS: readonly DatasetAdapter[] = [ptbxlAdapter, code15Adapter, mimicAdapter, cincAdapter, lazySiteAdapter, wfdbAdapter];

export function adapterByName(name: string): DatasetAdapter {
  const adapter = ADAPTERS.find((a) => a.name === name);
  if (!adapter) throw new FormatError('unknown-adapter', `unknown dataset adapter '${name}' (known: ${ADAPTERS.map((a) => a.name).join(', ')})`);
  return adapter;
}

/**
 * The adapter scoring highest for the folder. Plain WFDB scores whenever a '.hea' exists, so it is
 * the fallback. FormatError for a missing, empty or unrecognised folder.
 */
export async function detectAdapter(folder: string): Promise<DatasetAdapter> {
  let info;
  try {
    info = await stat(folder);
  } catch (err) {
    throw new FormatError('folder-missing', `cannot open folder ${folder}: ${(err as Error).message}`);
  }
  if (!info.isDirectory()) throw new FormatError('not-a-folder', `${folder} is not a folder`);
  const visible = (await readdir(folder)).filter((n) => !n.startsWith('.'));
  if (visible.length === 0) throw new FormatError('empty-folder', `folder ${folder} is empty: nothing to import`);
  let best: DatasetAdapter | null = null;
  let bestScore = 0;
  for (const adapter of ADAPTERS) {
    if (adapter.detectCeiling !== undefined && adapter.detectCeiling <= bestScore) continue;
    const score = await adapter.detect(folder);
    if (score > bestScore) {
      best = adapter;
      bestScore = score;
    }
  }
  if (!best) {
    throw new FormatError(
      'no-records',
      `no readable records in ${folder}: found no WFDB header (.hea), ptbxl_database.csv, record_list.csv or exams.csv + .hdf5 parts`,
    );
  }
  return best;
}
