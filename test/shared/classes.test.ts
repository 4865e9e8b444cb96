import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLASSES, classOfCode } from '../../src/shared/classes.js';

describe('the 24 scored classes', () => {
  it('equal ../shared/openecg/classes.csv row for row', () => {
    const rows = readFileSync(new URL('../../../shared/openecg/classes.csv', import.meta.url), 'utf8').trim().split(/\r?\n/).slice(1);
    expect(CLASSES).toHaveLength(rows.length);
    rows.forEach((line, i) => {
      const [index, abbreviation, name, codes] = line.split(',');
      expect(CLASSES[i]).toEqual({ index: Number(index), abbreviation, name, snomed: codes.split('|') });
    });
  });

  it('merge the equivalent codes into one class', () => {
    expect(classOfCode('59118001')?.abbreviation).toBe('RBBB');
    expect(classOfCode('713427006')?.abbreviation).toBe('RBBB');
    expect(classOfCode('17338001')?.abbreviation).toBe('PVC');
    expect(classOfCode('164884008')).toBeUndefined();
  });
});
