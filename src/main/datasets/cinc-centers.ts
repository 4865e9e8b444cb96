// Which source center a PhysioNet/CinC 2020/2021 record comes from, and the known 2020-release
// gain errors of three of them.
import { basename } from 'node:path';

/**
 * Center from the record name's prefix (the challenge renamed every record so the prefix tells the
 * source): A = CPSC 2018, Q = CPSC-Extra, I = St Petersburg INCART, S = PTB, HR = PTB-XL,
 * E = Georgia, JS00001-JS10646 = Chapman-Shaoxing, JS10647 and later = Ningbo.
 */
export function centerOfRecord(record: string): string | null {
  const name = record.toUpperCase();
  if (name.startsWith('HR')) return 'PTB-XL';
  const js = /^JS(\d+)/.exec(name);
  if (js) return Number(js[1]) <= 10646 ? 'Chapman-Shaoxing' : 'Ningbo';
  switch (name[0]) {
    case 'A':
      return 'CPSC';
    case 'Q':
      return 'CPSC-Extra';
    case 'I':
      return 'INCART';
    case 'S':
      return 'PTB';
    case 'E':
      return 'Georgia';
    default:
      return null;
  }
}

/** Folder names the challenge downloads use (2020 'PhysioNetChallenge2020_Training_CPSC', 2021 'cpsc_2018', ...). */
const FOLDER_CENTERS: readonly [RegExp, string][] = [
  [/cpsc.*extra|extra.*cpsc|2018.*extra/i, 'CPSC-Extra'],
  [/cpsc/i, 'CPSC'],
  [/incart|petersburg/i, 'INCART'],
  [/ptb[-_ ]?xl/i, 'PTB-XL'],
  [/ptb/i, 'PTB'],
  [/georgia|g12ec/i, 'Georgia'],
  [/chapman|shaoxing/i, 'Chapman-Shaoxing'],
  [/ningbo/i, 'Ningbo'],
];

/** Center for a record whose name has no known prefix: from its folder's name, else the folder name itself. */
export function centerOfFolder(folder: string): string {
  const name = basename(folder);
  for (const [pattern, center] of FOLDER_CENTERS) if (pattern.test(name)) return center;
  return name;
}

/**
 * Gains the 2020 release wrote for int16 data that the 2021 release (same .mat files) labels
 * 1000/mV. The 2020 values are errors: they give amplitudes 4.88x too small (Georgia), 5x too large
 * (PTB-XL) or 2000x too small (PTB) against every other source and against the original PTB/PTB-XL.
 */
export const GAIN_ERRORS_2020: Readonly<Record<string, number>> = {
  Georgia: 4880,
  'PTB-XL': 200,
  PTB: 2000000,
};

export const CORRECT_GAIN = 1000;
