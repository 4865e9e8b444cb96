// The deviation tests' file round: write the altered file, read it through readRecord, or expect a
// one-line FormatError.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FormatError, readRecord, type Reading } from '../../../src/main/formats/index.js';

export function deviationFiles(dir: string, encoding: BufferEncoding = 'utf8') {
  const read = async (content: string | Buffer, name: string): Promise<Reading> => {
    const path = join(dir, name);
    if (typeof content === 'string') writeFileSync(path, content, encoding);
    else writeFileSync(path, content);
    return readRecord(path);
  };
  const refusal = async (content: string | Buffer, name: string): Promise<FormatError> => {
    const err = await read(content, name).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).not.toContain('\n');
    return err as FormatError;
  };
  return { read, refusal };
}
