// A small RFC 4180 CSV reader: quoted fields, doubled quotes, embedded commas and line breaks,
// CRLF or LF, a leading UTF-8 BOM. Streams the file so MIMIC's ~800,000-row index never sits in memory whole.
import { createReadStream } from 'node:fs';
import { FormatError } from '../formats/types.js';

/** Incremental parser: feed() text chunks, get the rows completed so far. */
export class CsvParser {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** A quote seen inside a quoted field: either the closing quote or the first of a doubled pair. */
  private quotePending = false;
  private started = false;
  /** A CR ended the last row; a directly following LF belongs to it. */
  private afterCr = false;

  feed(text: string): string[][] {
    const rows: string[][] = [];
    let start = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (this.afterCr) {
        this.afterCr = false;
        if (ch === '\n') continue;
      }
      if (this.quoted) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.quoted = false; // the pending quote closed the field; handle ch as unquoted text
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += ch;
          continue;
        }
      }
      if (ch === ',') {
        this.row.push(this.field);
        this.field = '';
      } else if (ch === '\n' || ch === '\r') {
        this.row.push(this.field);
        this.field = '';
        rows.push(this.row);
        this.row = [];
        this.afterCr = ch === '\r';
      } else if (ch === '"' && this.field.length === 0) {
        this.quoted = true;
      } else {
        this.field += ch;
      }
    }
    return rows;
  }

  /** Flushes the last row when the file does not end with a line break. */
  end(): string[][] {
    if (this.quoted && !this.quotePending) throw new FormatError('csv-quote', 'CSV ends inside a quoted field');
    this.quoted = false;
    this.quotePending = false;
    if (this.field.length === 0 && this.row.length === 0) return [];
    this.row.push(this.field);
    const rows = [this.row];
    this.row = [];
    this.field = '';
    return rows;
  }
}

/** Parses a whole CSV text into rows of fields (blank lines dropped). */
export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.feed(text), ...parser.end()].filter((r) => !isBlank(r));
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0].trim() === '';
}

/** Streams the rows of a CSV file, blank lines dropped. */
export async function* csvFileRows(path: string): AsyncGenerator<string[]> {
  const parser = new CsvParser();
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    for (const row of parser.feed(chunk)) if (!isBlank(row)) yield row;
  }
  for (const row of parser.end()) if (!isBlank(row)) yield row;
}

export interface CsvTable {
  readonly columns: readonly string[];
  /** One object per data row, keyed by column name; missing trailing fields read as ''. */
  readonly rows: AsyncIterable<Readonly<Record<string, string>>>;
}

/**
 * Opens a CSV with a header row and checks that the required columns are there.
 * Throws FormatError('csv-columns') naming the missing ones, so a wrong index file stops the import early.
 */
export async function openCsvTable(path: string, required: readonly string[]): Promise<CsvTable> {
  const source = csvFileRows(path);
  let first: IteratorResult<string[]>;
  try {
    first = await source.next();
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError('csv-unreadable', `cannot read ${path}: ${(err as Error).message}`);
  }
  if (first.done) throw new FormatError('csv-empty', `${path} is empty (no header row)`);
  const columns = first.value.map((c) => c.trim());
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new FormatError('csv-columns', `${path} lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found: ${columns.join(', ')})`);
  }
  async function* rows(): AsyncGenerator<Readonly<Record<string, string>>> {
    for await (const fields of source) {
      const row: Record<string, string> = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]] = fields[i] ?? '';
      yield row;
    }
  }
  return { columns, rows: rows() };
}

/** Reads only the header row (cheap detection). Returns null when the file is missing or unreadable. */
export async function csvHeader(path: string): Promise<string[] | null> {
  try {
    for await (const row of csvFileRows(path)) return row.map((c) => c.trim());
    return [];
  } catch {
    return null;
  }
}
