// The one `thresholds` schema of the evaluate job (jobs/kinds.ts), ours and a foreign model's: every
// shape a job row was written with before the two were joined still parses, and the rule is checked
// where the bundle is known (thresholdRule): counts per class or per output, the range, 'card'.
import { describe, expect, it } from 'vitest';
import { CLASS_COUNT } from '../../src/shared/classes.js';
import { thresholdRule } from '../../src/main/jobs/evaluate-select.js';
import { PARAMS } from '../../src/main/jobs/kinds.js';
import { inspectConfig } from '../api/model-fixtures.js';

const row = (thresholds: unknown) => PARAMS.evaluate.parse({ config: inspectConfig(), bundle: 'b', part: 'all', ...(thresholds === undefined ? {} : { thresholds }) });
const foreign = { keys: ['AFIB', 'normal', 'other'], codes: ['164889003'] };

describe('evaluate job thresholds', () => {
  it('parses the rows both earlier jobs wrote', () => {
    expect(row(undefined).thresholds).toBeUndefined();
    expect(row('from-validation').thresholds).toBe('from-validation');
    expect(row(0.5).thresholds).toBe(0.5);
    expect(row(Array(CLASS_COUNT).fill(0.3)).thresholds).toHaveLength(CLASS_COUNT);
    // the foreign job's own: 'card' and a number given as text
    expect(row('card').thresholds).toBe('card');
    expect(row('0.25').thresholds).toBe(0.25);
    expect(() => row('half')).toThrow();
  });

  it('defaults by bundle: validation or 0.5 for ours, the card for a foreign model', () => {
    expect(thresholdRule(row(undefined), 'all')).toEqual({ kind: 'fixed', value: 0.5 });
    expect(thresholdRule(row(undefined), 'test')).toEqual({ kind: 'validation' });
    expect(thresholdRule(row(undefined), 'test', foreign)).toEqual({ kind: 'card' });
    expect(thresholdRule(row([0.1, 0.2, 0.3]), 'all', foreign)).toEqual({ kind: 'given', values: [0.1, 0.2, 0.3], file: null });
  });

  it('refuses what does not fit the bundle', () => {
    expect(() => thresholdRule(row('card'), 'all')).toThrow(/foreign model/);
    expect(() => thresholdRule(row([0.1, 0.2]), 'all', foreign)).toThrow(/2 thresholds given for 3 of the model's outputs/);
    expect(() => thresholdRule(row([0.1, 0.2, 0.3]), 'all')).toThrow(new RegExp(`3 thresholds given for ${CLASS_COUNT} classes`));
    expect(() => thresholdRule(row(1.5), 'all')).toThrow(/\[0, 1\]/);
  });
});
