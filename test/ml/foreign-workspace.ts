// A workspace for the foreign-model tests: real CinC records from ../shared (five centers, 500 and
// 1000 Hz, 10 s to 38 s, centers whose 2020 gains the import corrects) imported as a user would,
// plus two generated 12-lead WFDB records: a 3 s one (zero-padded to a 10 s model input) and a
// 40 ms one (too short for a zero-phase filter: skipped with its reason).
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runImport } from '../../src/main/import/pipeline.js';
import { CINC, writePulseRecord } from '../api/fixtures.js';

export const FOREIGN_RECORDS = [
  'cpsc/A0001', 'cpsc/A0002', 'cpsc/A0003', 'cpsc/A0004', 'cpsc/A0005',
  'chapman/JS00001', 'chapman/JS00007', 'chapman/JS00008',
  'georgia/E00001', 'georgia/E00003', 'georgia/E00007',
  'ptbxl/HR00001', 'ptbxl/HR00006', 'ptbxl/HR00008', 'ptbxl/HR00599',
  'ptb/S0001',
];

export const SHORT_RECORD = 'short3s';
export const TINY_RECORD = 'tiny40ms';

export async function foreignWorkspace(root: string): Promise<string> {
  const workspace = join(root, 'ws');
  const cinc = join(root, 'cinc');
  mkdirSync(cinc, { recursive: true });
  for (const r of FOREIGN_RECORDS) for (const ext of ['.hea', '.mat']) copyFileSync(join(CINC, `${r}${ext}`), join(cinc, `${r.split('/')[1]}${ext}`));
  const generated = join(root, 'generated');
  writePulseRecord(generated, { name: SHORT_RECORD, fs: 500, length: 1500, pulses: [{ at: 200, mv: 1.2 }, { at: 600, mv: 1.1 }, { at: 1000, mv: 1.3 }], offsetMv: 0.1 });
  writePulseRecord(generated, { name: TINY_RECORD, fs: 500, length: 20, pulses: [{ at: 10, mv: 1 }] });
  await runImport({ folder: cinc, workspace, workers: 0 });
  await runImport({ folder: generated, workspace, dataset: 'wfdb', center: 'generated', workers: 0 });
  return workspace;
}
