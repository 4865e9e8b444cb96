// Which clinical format a file holds, from its first bytes (never from the extension): DICOM has
// 'DICM' at byte 128; the XML formats are told apart by their root element. Registered reader
// tests call this for every path `readRecord` sees, so it reads one small block and remembers
// the last answer (a path is tested by several readers in a row).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { xmlDecoderLabel } from './xml-encoding.js';

export type ClinicalKind = 'dicom' | 'aecg' | 'muse' | 'xml' | 'edf' | 'ishne' | 'other';

const HEAD_BYTES = 8192;
let last: { key: string; kind: ClinicalKind } | undefined;

/** The first `n` bytes of a regular file, or undefined for anything else (missing, directory, FIFO). */
export function fileHead(path: string, n = HEAD_BYTES): Buffer | undefined {
  try {
    const info = statSync(path);
    if (!info.isFile()) return undefined;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(n, info.size));
      const got = readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** Root element (local name) and its default or prefixed namespace, skipping the prolog. */
export function xmlRoot(head: Buffer): { name: string; ns: string | undefined } | undefined {
  const label = xmlDecoderLabel(head);
  if (!label) return undefined;
  let text: string;
  try {
    text = new TextDecoder(label).decode(head);
  } catch {
    return undefined;
  }
  // Prolog: declaration, processing instructions, comments, DOCTYPE (without an internal subset here).
  const prolog = /^\uFEFF?(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>[]*(?:\[[\s\S]*?\])?\s*>)*/;
  const rest = text.slice(prolog.exec(text)?.[0].length ?? 0);
  const m = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*)/.exec(rest);
  if (!m) return undefined;
  const prefix = m[1] ? m[1].slice(0, -1) : '';
  const attr = new RegExp(`xmlns${prefix ? `:${prefix}` : ''}\\s*=\\s*["']([^"']*)["']`).exec(m[3]);
  return { name: m[2], ns: attr?.[1] };
}

function classify(head: Buffer): ClinicalKind {
  if (head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM') return 'dicom';
  // ISHNE Holter ECG and annotation files (the reader turns the latter away with a reason).
  if (/^(ISHNE1\.0|ANN {2}1\.0)$/.test(head.toString('latin1', 0, 8))) return 'ishne';
  // EDF: version '0' and seven spaces, then printable ASCII in the numeric fields (bytes 168-256)
  // where binary data would not be; the patient fields may hold Latin-1 from lax writers.
  if (head.toString('latin1', 0, 8) === '0       ' && head.subarray(168, 256).every((c) => c >= 0x20 && c < 0x7f)) return 'edf';
  const root = xmlRoot(head);
  if (!root) return 'other';
  if (root.name === 'AnnotatedECG' && root.ns === 'urn:hl7-org:v3') return 'aecg';
  if (root.name === 'RestingECG') return 'muse';
  return 'xml';
}

/** The clinical format of the file at `path` ('other' when not a file or not one of ours). */
export function clinicalKind(path: string): ClinicalKind {
  let key: string;
  try {
    const info = statSync(path);
    if (!info.isFile()) return 'other';
    key = `${path}\0${info.size}\0${info.mtimeMs}`;
  } catch {
    return 'other';
  }
  if (last?.key === key) return last.kind;
  const head = fileHead(path);
  const kind = head ? classify(head) : 'other';
  last = { key, kind };
  return kind;
}
