// predictions.csv: one writer and one reader for every evaluation, and the logits-to-probabilities step.
import { describe, expect, it } from 'vitest';
import { CLASSES } from '../../src/shared/classes.js';
import { classColumns, parsePredictionsCsv, predictionsCsv } from '../../src/main/experiments/predictions-csv.js';
import { probabilityColumns, sigmoid } from '../../src/main/ml/infer/probabilities.js';

describe('predictions.csv', () => {
  it('round-trips record, patient and the 24 class probabilities', () => {
    const rows = [{ id: 3, patient: 11 }, { id: 9, patient: 12 }];
    const scores = CLASSES.map((_, c) => Float32Array.from([c / 100, 1 - c / 100]));
    const text = predictionsCsv(rows, scores);
    expect(text.split('\n')[0]).toBe(['record', 'patient', ...CLASSES.map((c) => c.abbreviation)].join(','));
    const p = parsePredictionsCsv(text, 'p.csv');
    expect(p.records).toEqual([3, 9]);
    expect(p.patients).toEqual(['11', '12']);
    const cols = classColumns(p, 'p.csv');
    cols.forEach((col, c) => expect(Array.from(col)).toEqual(Array.from(scores[c], (v) => Number(v.toPrecision(6)))));
  });

  it('refuses what is not a predictions file, naming the line', () => {
    expect(() => parsePredictionsCsv('', 'a.csv')).toThrow(/a\.csv is empty/);
    expect(() => parsePredictionsCsv('id,AF\n1,0.5\n', 'b.csv')).toThrow(/first column must be 'record'/);
    expect(() => parsePredictionsCsv('record,patient,AF\n1,2,x\n', 'c.csv')).toThrow(/c\.csv line 2: score 'x'/);
    expect(() => parsePredictionsCsv('record,AF\n1\n', 'd.csv')).toThrow(/d\.csv line 2: 1 cells/);
    expect(parsePredictionsCsv('record,AF\n1,0.25\n', 'e.csv').patients).toBeNull();
    expect(() => classColumns(parsePredictionsCsv('record,AF\n1,0.25\n', 'e.csv'), 'e.csv')).toThrow(/no column for class/);
    expect(() => predictionsCsv([{ id: 1, patient: 1 }], [Float32Array.of(0.5)])).toThrow(/1 score columns for 24 classes/);
  });

  it('turns record-major logits into [class][record] probabilities', () => {
    const logits = Float32Array.from([0, 2, -2, 1]);
    const p = probabilityColumns(logits, 2, 24);
    expect(p).toHaveLength(2);
    expect(Array.from(p[0])).toEqual([0.5, Math.fround(sigmoid(-2))]);
    expect(Array.from(p[1])).toEqual([Math.fround(sigmoid(2)), Math.fround(sigmoid(1))]);
    expect(probabilityColumns(new Float32Array(0), 0, 24)).toHaveLength(24);
  });
});
