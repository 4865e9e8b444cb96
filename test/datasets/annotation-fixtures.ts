// Folders of WFDB records with annotation files, written for the import, API and e2e tests:
// MIT-BIH record 100 with its real .atr, and LUDB-style 12-lead pulse records with per-lead
// delineation files (.i ... .v6), a beat file, and a sibling that is no annotation file.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writePulseRecord, type PulseRecord } from '../api/fixtures.js';
import { writeMitAnnotations, type Ann } from './annotation-writer.js';

export const WFDB_SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/wfdb/', import.meta.url));

/** LUDB's annotator names: the lead, lower case. */
export const LUDB_ANNOTATORS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];

/** QRS peaks of the LUDB-style record: every 0.8 s from 0.5 s, 500 Hz. */
export const PEAKS = Array.from({ length: 12 }, (_, k) => 250 + 400 * k);
/** The premature ventricular beat among them. */
export const V_AT = PEAKS[5];

/** One lead's delineation: P 300-200 ms before the R peak (PR 260 ms), QRS +-40 ms, T ends 320 ms (+ lead index samples) after. */
export function delineation(lead: number): Ann[] {
  return PEAKS.flatMap((q) => [
    { sample: q - 150, symbol: '(' },
    { sample: q - 125, symbol: 'p' },
    { sample: q - 100, symbol: ')' },
    { sample: q - 20, symbol: '(' },
    { sample: q, symbol: 'N' },
    { sample: q + 20, symbol: ')' },
    { sample: q + 60, symbol: '(' },
    { sample: q + 100, symbol: 't' },
    { sample: q + 160 + lead, symbol: ')' },
  ]);
}

export const BEATS: Ann[] = [{ sample: 0, symbol: '+', aux: '(N' }, ...PEAKS.map((q) => ({ sample: q, symbol: q === V_AT ? 'V' : 'N' }))];

const pulses = (name: string): PulseRecord => ({ name, fs: 500, length: 5000, pulses: PEAKS.map((at) => ({ at, mv: 1 })) });

/** Removes the header's '#Dx' line: a record with no labels of its own. */
function withoutDx(dir: string, name: string): void {
  const path = join(dir, `${name}.hea`);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^#Dx:.*\n/m, ''));
}

/**
 * `<root>/mitdb`: 100 (.hea, .dat, .atr). `<root>/ludb`: 1 (no labels of its own; atr beats with a rhythm
 * note, 12 delineation files, a '.xws' that is no annotation file) and 2 (#Dx sinus rhythm, atr saying AFIB).
 */
export function writeAnnotatedFolders(root: string): { mitdb: string; ludb: string } {
  const mitdb = join(root, 'mitdb');
  const ludb = join(root, 'ludb');
  mkdirSync(mitdb, { recursive: true });
  for (const ext of ['hea', 'dat', 'atr']) copyFileSync(join(WFDB_SAMPLES, `100.${ext}`), join(mitdb, `100.${ext}`));
  writePulseRecord(ludb, pulses('1'));
  withoutDx(ludb, '1');
  writeMitAnnotations(join(ludb, '1.atr'), BEATS);
  LUDB_ANNOTATORS.forEach((name, lead) => writeMitAnnotations(join(ludb, `1.${name}`), delineation(lead)));
  writeFileSync(join(ludb, '1.xws'), 'LightWAVE scribble: not an annotation file\n');
  writePulseRecord(ludb, pulses('2'));
  writeMitAnnotations(join(ludb, '2.atr'), [{ sample: 0, symbol: '+', aux: '(AFIB' }, ...PEAKS.map((q) => ({ sample: q, symbol: 'N' }))]);
  return { mitdb, ludb };
}

