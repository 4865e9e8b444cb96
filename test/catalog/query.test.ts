import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES, classOfCode } from '../../src/shared/classes.js';
import { Catalog, parseFilter, type NewRecord, type RecordFilterInput } from '../../src/main/catalog/index.js';
import { chooseDriver, estimate, matchingIds, type Driver } from '../../src/main/catalog/plan.js';
import { resolveCenters } from '../../src/main/catalog/query.js';
import { generatedRecords, workspace } from './fixtures.js';

const CENTERS = ['alpha', 'beta', 'gamma', 'delta'];
let catalog: Catalog;
let records: (NewRecord & { id: number })[];

beforeAll(() => {
  catalog = Catalog.open(workspace());
  const rows = generatedRecords(3000, CENTERS, 11);
  const { ids } = catalog.insertRecords(rows);
  records = rows.map((r, i) => ({ ...r, id: ids[i] }));
});
afterAll(() => catalog.close());

/** The filter evaluated in plain code over the inputs: what every query plan must return. */
function expected(input: RecordFilterInput): number[] {
  const f = parseFilter(input);
  return records
    .filter((r) => {
      if (f.centers && !f.centers.includes(r.center)) return false;
      if (f.classes && f.classes.length) {
        const have = new Set(r.codes.map((c) => classOfCode(c)?.index).filter((i) => i !== undefined));
        const ok = f.classMatch === 'all' ? f.classes.every((c) => have.has(c)) : f.classes.some((c) => have.has(c));
        if (!ok) return false;
      }
      if (f.sex && r.sex !== f.sex) return false;
      if (f.ageMin !== undefined && (r.age === null || r.age < f.ageMin)) return false;
      if (f.ageMax !== undefined && (r.age === null || r.age > f.ageMax)) return false;
      if (f.text && !r.record.toLowerCase().includes(f.text.toLowerCase())) return false;
      return true;
    })
    .map((r) => r.id);
}

const FILTERS: RecordFilterInput[] = [
  {},
  { centers: ['beta'] },
  { centers: ['alpha', 'gamma'], sex: 'F' },
  { classes: ['AF'] },
  { classes: [1, 'rbbb'], classMatch: 'any', centers: ['delta'] },
  { classes: ['NSR', 'AF'], classMatch: 'all' },
  { centers: ['alpha'], classes: ['LQT'], sex: 'M', ageMin: 30, ageMax: 60, text: '1' },
  { ageMin: 90 },
  { ageMin: 40, ageMax: 40 },
  { text: 'be001' },
  { text: 'GA0' },
  { text: '%' },
  { centers: ['nowhere'] },
];

describe('matchingIds', () => {
  for (const filter of FILTERS) {
    it(`returns the same records through every driver for ${JSON.stringify(filter)}`, () => {
      const f = parseFilter(filter);
      const centerIds = f.centers ? resolveCenters(catalog.db, f.centers) : undefined;
      if (centerIds?.length === 0) return expect(expected(filter)).toEqual([]);
      const all = catalog.centers().map((c) => c.id);
      const drivers: Driver[] = ['id', 'slice'];
      if (f.classes?.length) drivers.push('class');
      if (f.text && f.text.length >= 3 && !/[%_\\]/.test(f.text)) drivers.push('text');
      const want = expected(filter);
      for (const driver of drivers) {
        const q = matchingIds(f, driver, centerIds, all);
        const got = catalog.db.prepare(`${q.sql} ORDER BY r.id`).pluck().all(...q.params);
        expect({ driver, got }).toEqual({ driver, got: want });
      }
    });
  }
});

describe('queryRecords', () => {
  it('pages through every match once, in id order, by keyset and by offset alike', () => {
    const filter = { centers: ['alpha', 'beta'], sex: 'F' as const };
    const want = expected(filter);
    expect(want.length).toBeGreaterThan(300);
    const byKeyset: number[] = [];
    let after: number | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = catalog.queryRecords(filter, { limit: 97, after });
      byKeyset.push(...page.rows.map((r) => r.id));
      expect(page.total).toBe(want.length);
      expect(page.totalExact).toBe(true);
      if (page.next === null) break;
      after = page.next;
    }
    expect(byKeyset).toEqual(want);
    const byOffset: number[] = [];
    for (let offset = 0; offset < want.length; offset += 97) {
      byOffset.push(...catalog.queryRecords(filter, { limit: 97, offset }).rows.map((r) => r.id));
    }
    expect(byOffset).toEqual(want);
  });

  it('returns rows with their center, demographics and class abbreviations', () => {
    const page = catalog.queryRecords({ classes: ['AF'], centers: ['gamma'] }, { limit: 5 });
    expect(page.rows).toHaveLength(5);
    for (const row of page.rows) {
      const source = records.find((r) => r.id === row.id)!;
      expect(row.record).toBe(source.record);
      expect(row.center).toBe('gamma');
      expect(row.age).toBe(source.age);
      expect(row.sex).toBe(source.sex);
      expect(row.classes).toContain('AF');
      const want = CLASSES.filter((c) => source.codes.some((code) => c.snomed.includes(code))).map((c) => c.abbreviation);
      expect(row.classes).toEqual(want);
    }
    expect(page.total).toBe(expected({ classes: ['AF'], centers: ['gamma'] }).length);
  });

  it('counts exactly for every listed filter', () => {
    for (const filter of FILTERS) {
      const page = catalog.queryRecords(filter, { limit: 10 });
      expect({ filter, total: page.total }).toEqual({ filter, total: expected(filter).length });
      expect(page.rows.map((r) => r.id)).toEqual(expected(filter).slice(0, 10));
    }
  });

  it('rejects bad filters and pages with the field named', () => {
    expect(() => catalog.queryRecords({ classes: ['XYZ'] })).toThrow(/unknown class 'XYZ'/);
    expect(() => catalog.queryRecords({ classes: [24] })).toThrow(/classes/);
    expect(() => catalog.queryRecords({ ageMin: 50, ageMax: 20 })).toThrow(/ageMin must not exceed ageMax/);
    expect(() => catalog.queryRecords({ part: 'test' })).toThrow(/part needs a splitSet/);
    expect(() => catalog.queryRecords({ sex: 'X' })).toThrow(/sex/);
    expect(() => catalog.queryRecords({ center: ['alpha'] })).toThrow(/center/);
    expect(() => catalog.queryRecords({}, { limit: 0 })).toThrow(/limit/);
    expect(() => catalog.queryRecords({}, { after: 5, offset: 5 })).toThrow(/either after or offset/);
  });
});

describe('the planner', () => {
  it('walks in id order for dense filters and seeks the index or class rows for sparse ones', () => {
    const ids = (names: string[]) => resolveCenters(catalog.db, names);
    const dense = parseFilter({ centers: ['alpha'], sex: 'F' });
    expect(chooseDriver(estimate(catalog.db, dense, ids(['alpha'])), 51, true)).toBe('id');
    const narrow = parseFilter({ centers: ['alpha'], ageMin: 40, ageMax: 41, classes: ['AF'], sex: 'M' });
    expect(chooseDriver(estimate(catalog.db, narrow, ids(['alpha'])), 51, true)).toBe('slice');
    // Pacing rhythm is in none of the generated records but five added here.
    const paced = generatedRecords(5, ['gamma'], 5, 'paced-').map((r) => ({ ...r, codes: ['10370003'] }));
    const pacedIds = catalog.insertRecords(paced).ids;
    records.push(...paced.map((r, i) => ({ ...r, id: pacedIds[i] })));
    const rare = parseFilter({ classes: ['PR'], sex: 'F' });
    expect(chooseDriver(estimate(catalog.db, rare, undefined), 51, false)).toBe('class');
    expect(catalog.queryRecords({ classes: ['PR'] }).rows.map((r) => r.id)).toEqual(pacedIds);
    const name = parseFilter({ text: 'be0012' });
    const est = estimate(catalog.db, name, undefined);
    expect(est.textRows).toBe(expected({ text: 'be0012' }).length);
    expect(chooseDriver(est, 51, false)).toBe('text');
  });
});
