// EDF+ annotations: the 'EDF Annotations' signal of each data record holds Time-stamped
// Annotation Lists (TALs): '+onset[\x15duration]\x14text\x14text\x14\x00', then NUL padding.
// The first TAL of every record starts with an empty text: its onset is that data record's
// start time (seconds after the header's start), which is how EDF+D places records with gaps.
import type { RecordAnnotation } from '../types.js';

export interface Tal {
  readonly onset: number;
  readonly duration?: number;
  readonly texts: readonly string[];
}

export interface RecordTals {
  readonly tals: readonly Tal[];
  /** The record's start time from its time-keeping TAL, when present and well formed. */
  readonly start?: number;
  /** Malformed TALs skipped (described without their text). */
  readonly problems: readonly string[];
}

const ONSET = /^[+-]\d+(\.\d*)?$/;
const DURATION = /^\d+(\.\d*)?$/;
const utf8 = new TextDecoder('utf-8');

/** Parses the annotation bytes of one data record. */
export function parseTals(bytes: Uint8Array): RecordTals {
  const tals: Tal[] = [];
  const problems: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0) {
      i++;
      continue;
    }
    let end = bytes.indexOf(0, i);
    if (end < 0) end = bytes.length;
    const tal = bytes.subarray(i, end);
    const at = i;
    i = end + 1;
    const sep = tal.indexOf(0x14);
    if (sep < 0) {
      problems.push(`TAL at byte ${at} has no onset separator (0x14)`);
      continue;
    }
    const head = Buffer.from(tal.subarray(0, sep)).toString('latin1');
    const [onsetText, durationText, extra] = head.split('\x15');
    if (!ONSET.test(onsetText) || extra !== undefined || (durationText !== undefined && !DURATION.test(durationText))) {
      problems.push(`TAL at byte ${at} has a malformed onset or duration '${head.split('\x15').join(' ')}'`);
      continue;
    }
    // Texts end with 0x14 each; the last split piece is what follows the final 0x14 (empty).
    const texts = utf8.decode(tal.subarray(sep + 1)).split('\x14');
    if (texts.length > 1 && texts[texts.length - 1] === '') texts.pop();
    tals.push({ onset: Number(onsetText), ...(durationText !== undefined ? { duration: Number(durationText) } : {}), texts });
  }
  const first = tals[0];
  const start = first && first.texts[0] === '' ? first.onset : undefined;
  return { tals, ...(start !== undefined ? { start } : {}), problems };
}

/**
 * Only the record's start time (its first TAL's onset, when that TAL is the time-keeping one):
 * what placing EDF+D records needs, without decoding texts, for files with many records.
 */
export function recordStart(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  const sep = bytes.indexOf(0x14, i);
  // The time-keeping TAL is '+onset\x14\x14': its first text is empty.
  if (sep < 0 || bytes[sep + 1] !== 0x14) return undefined;
  const head = Buffer.from(bytes.subarray(i, sep)).toString('latin1');
  const onset = head.split('\x15')[0];
  return ONSET.test(onset) ? Number(onset) : undefined;
}

/** The annotations a record's TALs carry, without the empty time-keeping text. */
export function annotationsOf(tals: readonly Tal[]): RecordAnnotation[] {
  const out: RecordAnnotation[] = [];
  for (const t of tals) {
    for (const text of t.texts) {
      if (text === '') continue;
      out.push({ onset: t.onset, ...(t.duration !== undefined ? { duration: t.duration } : {}), text });
    }
  }
  return out;
}
