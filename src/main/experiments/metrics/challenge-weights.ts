// The PhysioNet/CinC Challenge reward matrix for the 24 scored classes, verbatim.
// Source: physionetchallenges/evaluation-2021, weights.csv (commit e024f4e312385b4c0119e9b14daeb701a3888817),
// the 24-class table with equivalent codes already merged ("713427006|59118001" etc.). Its entries equal
// the 2020 challenge's 27 x 27 weights.csv with the three equivalent pairs collapsed, so one table serves both.
// Kept as the CSV text rather than retyped numbers so it can be diffed against the official file.
import { CLASSES, classOfCode } from '../../../shared/classes.js';

export const CHALLENGE_WEIGHTS_SOURCE =
  'physionetchallenges/evaluation-2021 weights.csv @ e024f4e312385b4c0119e9b14daeb701a3888817 (= 2020 weights.csv with equivalent classes merged)';

/** SNOMED-CT code of the normal class (sinus rhythm), the "inactive" baseline of the metric. */
export const CHALLENGE_NORMAL_CODE = '426783006';

const WEIGHTS_CSV = `\
,270492004,164889003,164890007,426627000,713427006|59118001,713426002,445118002,39732003,164909002,251146004,698252002,10370003,284470004|63593006,427172004|17338001,164947007,111975006,164917005,47665007,427393009,426177001,426783006,427084000,164934002,59931005
270492004,1,0.3,0.3,0.5,0.4,0.5,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,0.5,0.35,0.2,0.45,0.5,0.5,0.45,0.425,0.3,0.3
164889003,0.3,1,0.5,0.3,0.4,0.3,0.35,0.35,0.475,0.425,0.35,0.375,0.3375,0.375,0.3,0.45,0.4,0.35,0.3,0.3,0.25,0.375,0.5,0.5
164890007,0.3,0.5,1,0.3,0.4,0.3,0.35,0.35,0.475,0.425,0.35,0.375,0.3375,0.375,0.3,0.45,0.4,0.35,0.3,0.3,0.25,0.375,0.5,0.5
426627000,0.5,0.3,0.3,1,0.4,0.5,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,0.5,0.35,0.2,0.45,0.5,0.5,0.45,0.425,0.3,0.3
713427006|59118001,0.4,0.4,0.4,0.4,1,0.4,0.45,0.45,0.425,0.475,0.45,0.475,0.4375,0.475,0.4,0.45,0.3,0.45,0.4,0.4,0.35,0.475,0.4,0.4
713426002,0.5,0.3,0.3,0.5,0.4,1,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,0.5,0.35,0.2,0.45,0.5,0.5,0.45,0.425,0.3,0.3
445118002,0.45,0.35,0.35,0.45,0.45,0.45,1,0.5,0.375,0.425,0.5,0.475,0.4875,0.475,0.45,0.4,0.25,0.5,0.45,0.45,0.4,0.475,0.35,0.35
39732003,0.45,0.35,0.35,0.45,0.45,0.45,0.5,1,0.375,0.425,0.5,0.475,0.4875,0.475,0.45,0.4,0.25,0.5,0.45,0.45,0.4,0.475,0.35,0.35
164909002,0.325,0.475,0.475,0.325,0.425,0.325,0.375,0.375,1,0.45,0.375,0.4,0.3625,0.4,0.325,0.475,0.375,0.375,0.325,0.325,0.275,0.4,0.475,0.475
251146004,0.375,0.425,0.425,0.375,0.475,0.375,0.425,0.425,0.45,1,0.425,0.45,0.4125,0.45,0.375,0.475,0.325,0.425,0.375,0.375,0.325,0.45,0.425,0.425
698252002,0.45,0.35,0.35,0.45,0.45,0.45,0.5,0.5,0.375,0.425,1,0.475,0.4875,0.475,0.45,0.4,0.25,0.5,0.45,0.45,0.4,0.475,0.35,0.35
10370003,0.425,0.375,0.375,0.425,0.475,0.425,0.475,0.475,0.4,0.45,0.475,1,0.4625,0.5,0.425,0.425,0.275,0.475,0.425,0.425,0.375,0.5,0.375,0.375
284470004|63593006,0.4625,0.3375,0.3375,0.4625,0.4375,0.4625,0.4875,0.4875,0.3625,0.4125,0.4875,0.4625,1,0.4625,0.4625,0.3875,0.2375,0.4875,0.4625,0.4625,0.4125,0.4625,0.3375,0.3375
427172004|17338001,0.425,0.375,0.375,0.425,0.475,0.425,0.475,0.475,0.4,0.45,0.475,0.5,0.4625,1,0.425,0.425,0.275,0.475,0.425,0.425,0.375,0.5,0.375,0.375
164947007,0.5,0.3,0.3,0.5,0.4,0.5,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,1,0.35,0.2,0.45,0.5,0.5,0.45,0.425,0.3,0.3
111975006,0.35,0.45,0.45,0.35,0.45,0.35,0.4,0.4,0.475,0.475,0.4,0.425,0.3875,0.425,0.35,1,0.35,0.4,0.35,0.35,0.3,0.425,0.45,0.45
164917005,0.2,0.4,0.4,0.2,0.3,0.2,0.25,0.25,0.375,0.325,0.25,0.275,0.2375,0.275,0.2,0.35,1,0.25,0.2,0.2,0.15,0.275,0.4,0.4
47665007,0.45,0.35,0.35,0.45,0.45,0.45,0.5,0.5,0.375,0.425,0.5,0.475,0.4875,0.475,0.45,0.4,0.25,1,0.45,0.45,0.4,0.475,0.35,0.35
427393009,0.5,0.3,0.3,0.5,0.4,0.5,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,0.5,0.35,0.2,0.45,1,0.5,0.45,0.425,0.3,0.3
426177001,0.5,0.3,0.3,0.5,0.4,0.5,0.45,0.45,0.325,0.375,0.45,0.425,0.4625,0.425,0.5,0.35,0.2,0.45,0.5,1,0.45,0.425,0.3,0.3
426783006,0.45,0.25,0.25,0.45,0.35,0.45,0.4,0.4,0.275,0.325,0.4,0.375,0.4125,0.375,0.45,0.3,0.15,0.4,0.45,0.45,1,0.375,0.25,0.25
427084000,0.425,0.375,0.375,0.425,0.475,0.425,0.475,0.475,0.4,0.45,0.475,0.5,0.4625,0.5,0.425,0.425,0.275,0.475,0.425,0.425,0.375,1,0.375,0.375
164934002,0.3,0.5,0.5,0.3,0.4,0.3,0.35,0.35,0.475,0.425,0.35,0.375,0.3375,0.375,0.3,0.45,0.4,0.35,0.3,0.3,0.25,0.375,1,0.5
59931005,0.3,0.5,0.5,0.3,0.4,0.3,0.35,0.35,0.475,0.425,0.35,0.375,0.3375,0.375,0.3,0.45,0.4,0.35,0.3,0.3,0.25,0.375,0.5,1
`;

/** Weight of predicting class `column` for a record labelled `row`, keyed by abbreviation. */
export type WeightTable = ReadonlyMap<string, ReadonlyMap<string, number>>;

function parseWeights(): WeightTable {
  const lines = WEIGHTS_CSV.trim().split('\n').map((l) => l.split(','));
  const abbreviationOf = (cell: string): string => {
    // Merged cells list equivalent codes; the first code names the class, as in the official loader.
    const c = classOfCode(cell.split('|')[0]);
    if (!c) throw new Error(`challenge weights: unknown code ${cell}`);
    return c.abbreviation;
  };
  const columns = lines[0].slice(1).map(abbreviationOf);
  const table = new Map<string, Map<string, number>>();
  for (const line of lines.slice(1)) {
    const row = new Map<string, number>();
    columns.forEach((col, j) => row.set(col, Number(line[j + 1])));
    table.set(abbreviationOf(line[0]), row);
  }
  return table;
}

/** The official table keyed by class abbreviation (all 24 CLASSES). */
export const CHALLENGE_WEIGHTS: WeightTable = parseWeights();

/**
 * The weight matrix for the given classes in the given order, or undefined if one of them is not scored.
 * The official loader also sets the diagonal to 1; the table's diagonal already is.
 */
export function challengeWeightMatrix(abbreviations: readonly string[]): number[][] | undefined {
  if (!abbreviations.every((a) => CHALLENGE_WEIGHTS.has(a))) return undefined;
  return abbreviations.map((a) => abbreviations.map((b) => CHALLENGE_WEIGHTS.get(a)!.get(b)!));
}

/** Abbreviation of the normal class in CLASSES (NSR). */
export const CHALLENGE_NORMAL_CLASS = CLASSES.find((c) => c.snomed.includes(CHALLENGE_NORMAL_CODE))!.abbreviation;
