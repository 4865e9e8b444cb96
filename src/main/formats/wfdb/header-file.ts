// Reading a header file from disk, with the failures a user can act on named plainly.
import { readFileSync } from 'node:fs';
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
  return parseHeader(text, path);
}
