// The [from, to) sample window a caller asked for, checked against the record's length.
import { FormatError, type ReadOptions } from '../types.js';

export function sampleRange(total: number, opts: ReadOptions, where: string): { from: number; to: number } {
  const from = opts.from ?? 0;
  const to = opts.to ?? total;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > total) {
    throw new FormatError('range', `${where}: sample range [${from}, ${to}) is outside the record's ${total} samples`);
  }
  return { from, to };
}
