// Reading a header file from disk, with the failures a user can act on named plainly.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { printable } from '../printable.js';
import { FormatError } from '../types.js';
import { parseHeader, type WfdbHeader } from './header.js';

export function readHeaderFile(path: string): WfdbHeader {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FormatError('missing', `${path}: header file not found`);
    throw new FormatError('unreadable', `${path}: cannot read header file (${code ?? (err as Error).message})`);
  }
  return parseHeaderFile(text, path);
}

/**
 * Parses the text of the header file at `path` and checks that it is this record's header: its
 * record line must name the file's record, as the WFDB library requires ("record name in record
 * header is incorrect"). Random bytes whose first line happens to parse are refused here. The
 * parser already drops a `.mat`/`.dat` suffix (CinC `E00666.mat`) and a segment count (`041s/2`);
 * case is not compared, for files renamed on case-insensitive file systems.
 */
export function parseHeaderFile(text: string, path: string): WfdbHeader {
  const header = parseHeader(text, path);
  const file = basename(path).replace(/\.hea$/i, '');
  if (header.record.toLowerCase() !== file.toLowerCase()) {
    throw new FormatError('header-name', `${path}: the record line names record '${printable(header.record)}', not '${file}': not this record's header`);
  }
  return header;
}
