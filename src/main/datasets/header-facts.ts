// What a scanner needs from a WFDB header without reading signals (segments a multi-segment
// master owns, the signal files named) and the CinC-style '#Key: value' comments as metadata.
import { readFileSync } from 'node:fs';
import { FormatError } from '../formats/types.js';
import type { WfdbHeader } from '../formats/wfdb/header.js';
import { parseHeaderFile } from '../formats/wfdb/header-file.js';
import { splitDx } from './header-comments.js';

/** Reads and parses a header with the WFDB reader's parser; FormatError for an unreadable or invalid one. */
export async function readHeader(path: string): Promise<WfdbHeader> {
  return readHeaderSync(path);
}

/**
 * Synchronous form for scans: a header is a few hundred bytes, and a synchronous read of it costs
 * ~25 us where an async one costs ~200 us of thread-pool round trip (measured: 4,000 headers in
 * 0.1 s vs 0.7-1.0 s). Callers yield to the event loop between batches.
 */
export function readHeaderSync(path: string): WfdbHeader {
  let text: string;
  try {
    text = readFileSync(path, 'latin1'); // headers are ASCII; latin1 never fails on stray bytes
  } catch (err) {
    throw new FormatError('header-unreadable', `cannot read header ${path}: ${(err as Error).message}`);
  }
  return parseHeaderFile(text, path);
}

/** Signal file names a header uses, deduplicated ('~' = no file, excluded). */
export function signalFiles(header: WfdbHeader): string[] {
  return [...new Set(header.signals.map((s) => s.fileName).filter((f) => f !== '~' && f !== ''))];
}

/** Segment record names a multi-segment header owns (null segments excluded). */
export function segmentNames(header: WfdbHeader): string[] {
  return (header.segments ?? []).map((s) => s.name).filter((n): n is string => n !== null);
}

/** 'Age: 74' / ' Dx:59118001,...' -> key (lower-case) -> value, first occurrence wins. */
export function commentFields(comments: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const comment of comments) {
    const text = comment.replace(/^#\s*/, '');
    const colon = text.indexOf(':');
    if (colon <= 0) continue;
    const key = text.slice(0, colon).trim().toLowerCase();
    if (!fields.has(key)) fields.set(key, text.slice(colon + 1).trim());
  }
  return fields;
}

/** '74' -> 74; 'NaN', 'Unknown', '' -> null. */
export function parseAge(value: string | undefined): number | null {
  if (value === undefined) return null;
  const age = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(age) && age >= 0 ? age : null;
}

/** 'Male', 'female', 'M', 'f' -> 'M' / 'F'; anything else ('Unknown', '') -> null. */
export function parseSex(value: string | undefined): 'M' | 'F' | null {
  const v = value?.trim().toLowerCase();
  if (v === 'male' || v === 'm') return 'M';
  if (v === 'female' || v === 'f') return 'F';
  return null;
}

/** '164889003,59118001' (commas, spaces or semicolons) -> codes; empty, 'Unknown' and text parts (free-text diagnoses, see header-comments.ts) dropped. */
export function parseDx(value: string | undefined): string[] {
  return splitDx(value).codes;
}
