import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvParser, csvHeader, openCsvTable, parseCsv } from '../../src/main/datasets/csv.js';
import { FormatError } from '../../src/main/formats/types.js';
import { tempFolder } from './fixtures.js';

const TRICKY = '\ufeffid,text,n\r\n1,"a, b",2\r\n2,"say ""hi""",3\n3,"two\r\nlines",4\r\n4,,\n\n5,last,6';
const EXPECTED = [
  ['id', 'text', 'n'],
  ['1', 'a, b', '2'],
  ['2', 'say "hi"', '3'],
  ['3', 'two\r\nlines', '4'],
  ['4', '', ''],
  ['5', 'last', '6'],
];

describe('CSV parser', () => {
  it('handles quotes, doubled quotes, embedded commas and line breaks, CRLF, BOM, blank lines, no final newline', () => {
    expect(parseCsv(TRICKY)).toEqual(EXPECTED);
  });

  it('gives the same rows whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 7]) {
      const parser = new CsvParser();
      const rows: string[][] = [];
      for (let i = 0; i < TRICKY.length; i += size) rows.push(...parser.feed(TRICKY.slice(i, i + size)));
      rows.push(...parser.end());
      expect(rows.filter((r) => !(r.length === 1 && r[0] === '')), `chunk ${size}`).toEqual(EXPECTED);
    }
  });

  it('rejects a file ending inside a quoted field', () => {
    expect(() => parseCsv('a,b\n1,"open')).toThrow(/ends inside a quoted field/);
  });

  it('reads a table by column name and names every missing required column', async () => {
    const dir = tempFolder('csv');
    const path = join(dir, 'index.csv');
    writeFileSync(path, TRICKY);
    expect(await csvHeader(path)).toEqual(['id', 'text', 'n']);
    expect(await csvHeader(join(dir, 'absent.csv'))).toBeNull();
    const table = await openCsvTable(path, ['id', 'n']);
    const rows = [];
    for await (const r of table.rows) rows.push(r);
    expect(rows[1]).toEqual({ id: '2', text: 'say "hi"', n: '3' });
    expect(rows).toHaveLength(5);
    const err = await openCsvTable(path, ['id', 'patient_id', 'scp_codes']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).code).toBe('csv-columns');
    expect((err as FormatError).message).toContain('lacks required columns patient_id, scp_codes');
  });
});
