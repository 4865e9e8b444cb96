// Test corpora for the import pipeline: the real CinC records in ../shared, copied under new names,
// plus one broken record of every kind the importer must survive.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const CINC = join(SHARED, 'ecg-samples', 'cinc');
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface LabelRow {
  readonly center: string;
  readonly record: string;
  readonly fs: number;
  readonly sigLen: number;
  readonly dx: string[];
}

export function cincLabels(): LabelRow[] {
  const lines = readFileSync(join(SHARED, 'ecg-samples', 'reference-cinc', 'labels.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const [center, record, fs, , sigLen, , , dx] = l.split(',');
    return { center, record, fs: Number(fs), sigLen: Number(sigLen), dx: dx.split(';') };
  });
}

/** `count` copies of the 10 s CinC records as `<folder>/<center>/<prefix><900000+i>`. */
export function copiesOfCinc(folder: string, count: number): string[] {
  const sources = cincLabels().filter((r) => r.fs === 500 && r.sigLen === 5000);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const src = sources[i % sources.length];
    const name = `${src.record.match(/^[A-Z]+/)![0]}${900000 + i}`;
    const out = join(folder, src.center);
    mkdirSync(out, { recursive: true });
    const header = readFileSync(join(CINC, src.center, `${src.record}.hea`), 'utf8').split(src.record).join(name);
    writeFileSync(join(out, `${name}.hea`), header);
    copyFileSync(join(CINC, src.center, `${src.record}.mat`), join(out, `${name}.mat`));
    names.push(name);
  }
  return names;
}

const GOOD = 'A0002';

/** A header of a real record with its record name changed (and optionally edited). */
function header(name: string, edit: (lines: string[]) => string[] = (l) => l): string {
  const text = readFileSync(join(CINC, 'cpsc', `${GOOD}.hea`), 'utf8').split(GOOD).join(name);
  return edit(text.split(/\r?\n/)).join('\n');
}

/**
 * A CinC-layout folder with two good records and one broken record of each kind. Returns the
 * broken records' names with a word their error message must contain.
 */
export function brokenCorpus(folder: string): Record<string, RegExp> {
  const dir = join(folder, 'cpsc');
  mkdirSync(dir, { recursive: true });
  const mat = readFileSync(join(CINC, 'cpsc', `${GOOD}.mat`));
  for (const name of ['A0901', 'A0902']) {
    writeFileSync(join(dir, `${name}.hea`), header(name));
    writeFileSync(join(dir, `${name}.mat`), mat);
  }
  const broken: Record<string, RegExp> = {};
  // A header naming a signal file that is not there.
  writeFileSync(join(dir, 'A0911.hea'), header('A0911'));
  broken.A0911 = /names signal file A0911\.mat, which does not exist/;
  // A truncated signal file.
  writeFileSync(join(dir, 'A0912.hea'), header('A0912'));
  writeFileSync(join(dir, 'A0912.mat'), mat.subarray(0, mat.length / 3));
  broken.A0912 = /truncated: the header says 5000 samples/;
  // Fewer signal lines than declared.
  writeFileSync(join(dir, 'A0913.hea'), header('A0913', (l) => [l[0], ...l.slice(1, 7), ...l.slice(13)]));
  writeFileSync(join(dir, 'A0913.mat'), mat);
  broken.A0913 = /12 signals declared but only 6 signal lines/;
  // A non-numeric field.
  writeFileSync(join(dir, 'A0914.hea'), header('A0914', (l) => [l[0].replace('500', 'five-hundred'), ...l.slice(1)]));
  writeFileSync(join(dir, 'A0914.mat'), mat);
  broken.A0914 = /sampling frequency 'five-hundred' is not a number/;
  // A zero ADC gain.
  writeFileSync(join(dir, 'A0915.hea'), header('A0915', (l) => l.map((x, i) => (i === 1 ? x.replace('1000/mV', '0/mV') : x))));
  writeFileSync(join(dir, 'A0915.mat'), mat);
  broken.A0915 = /zero ADC gain/;
  // A .mat that is not MATLAB v4 (a MAT v5 text header).
  writeFileSync(join(dir, 'A0916.hea'), header('A0916'));
  const v5 = Buffer.alloc(mat.length);
  v5.write('MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024', 0, 'latin1');
  writeFileSync(join(dir, 'A0916.mat'), v5);
  broken.A0916 = /not a MATLAB v4 MAT-file/;
  return broken;
}

/** A folder holding only a symbolic-link loop and a dangling link beside one good record. */
export function linkTraps(folder: string): void {
  mkdirSync(join(folder, 'loop'), { recursive: true });
  symlinkSync('..', join(folder, 'loop', 'back'));
  symlinkSync(join(folder, 'nowhere'), join(folder, 'dangling.hea'));
  const dir = join(folder, 'cpsc');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'A0901.hea'), header('A0901'));
  copyFileSync(join(CINC, 'cpsc', `${GOOD}.mat`), join(dir, 'A0901.mat'));
}

export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}
