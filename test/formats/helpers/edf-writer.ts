// EDF / EDF+C / EDF+D files written byte for byte as https://www.edfplus.info/specs/edf.html and
// edfplus.html lay them out, for the EDF reader's tests and the format benchmark. Written here,
// independently of the reader: fixed-width ASCII fields, int16 little-endian samples, and for
// EDF+ an 'EDF Annotations' signal whose first TAL in every record keeps the record's time.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

export interface EdfSignalSpec {
  readonly label: string;
  readonly units?: string;
  readonly transducer?: string;
  readonly prefilter?: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly samplesPerRecord: number;
}

export interface TalSpec {
  readonly onset: number;
  readonly duration?: number;
  readonly texts: readonly string[];
}

export interface EdfSpec {
  readonly variant: 'EDF' | 'EDF+C' | 'EDF+D';
  readonly patient?: string;
  readonly recording?: string;
  /** 'dd.mm.yy' and 'hh.mm.ss'. */
  readonly startDate?: string;
  readonly startTime?: string;
  readonly recordDuration: number;
  readonly records: number;
  readonly signals: readonly EdfSignalSpec[];
  /** Bytes per record of the annotations signal (EDF+ only): samples = bytes / 2. */
  readonly annotationSamples?: number;
  /** EDF+D: start time (s) of each data record; EDF+C: k * duration. */
  readonly recordOnsets?: readonly number[];
  /** Extra TALs stored in record k. */
  readonly tals?: (k: number) => readonly TalSpec[];
  /** Overrides for broken-file tests: raw text of fields as written. */
  readonly headerBytesField?: string;
  readonly recordsField?: string;
}

/** Digital value of signal `s` (index among `signals`) at sample `n` of that signal. */
export type DigitalSource = (s: number, n: number) => number;

function field(text: string, width: number): string {
  if (text.length > width) throw new Error(`EDF field '${text}' is longer than ${width}`);
  return text.padEnd(width, ' ');
}

function num(v: number): string {
  let t = String(v);
  if (t.length > 8) t = v.toPrecision(6);
  return t;
}

const hasAnnotations = (spec: EdfSpec) => spec.variant !== 'EDF' && (spec.annotationSamples ?? 0) > 0;

/** The header: 256 fixed bytes and 256 per signal (annotation signal last). */
export function edfHeader(spec: EdfSpec): Buffer {
  const signals = [...spec.signals];
  const all: EdfSignalSpec[] = hasAnnotations(spec)
    ? [...signals, { label: 'EDF Annotations', physicalMin: -1, physicalMax: 1, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: spec.annotationSamples! }]
    : signals;
  const ns = all.length;
  let h = '';
  h += field('0', 8);
  h += field(spec.patient ?? (spec.variant === 'EDF' ? '' : 'X X X X'), 80);
  h += field(spec.recording ?? (spec.variant === 'EDF' ? '' : 'Startdate X X X X'), 80);
  h += field(spec.startDate ?? '01.01.00', 8);
  h += field(spec.startTime ?? '00.00.00', 8);
  h += field(spec.headerBytesField ?? String(256 * (ns + 1)), 8);
  h += field(spec.variant === 'EDF' ? '' : spec.variant, 44);
  h += field(spec.recordsField ?? String(spec.records), 8);
  h += field(num(spec.recordDuration), 8);
  h += field(String(ns), 4);
  const col = (width: number, f: (s: EdfSignalSpec) => string) => all.map((s) => field(f(s), width)).join('');
  h += col(16, (s) => s.label);
  h += col(80, (s) => s.transducer ?? '');
  h += col(8, (s) => s.units ?? '');
  h += col(8, (s) => num(s.physicalMin));
  h += col(8, (s) => num(s.physicalMax));
  h += col(8, (s) => String(s.digitalMin));
  h += col(8, (s) => String(s.digitalMax));
  h += col(80, (s) => s.prefilter ?? '');
  h += col(8, (s) => String(s.samplesPerRecord));
  h += col(32, () => '');
  return Buffer.from(h, 'latin1');
}

export function edfRecordBytes(spec: EdfSpec): number {
  return 2 * (spec.signals.reduce((a, s) => a + s.samplesPerRecord, 0) + (hasAnnotations(spec) ? spec.annotationSamples! : 0));
}

function tal(t: TalSpec): string {
  const onset = `${t.onset >= 0 ? '+' : ''}${t.onset}`;
  return `${onset}${t.duration !== undefined ? `\x15${t.duration}` : ''}\x14${t.texts.map((x) => `${x}\x14`).join('')}\x00`;
}

/** Data record k: each signal's samples, then the TALs (time-keeping first). */
export function edfRecord(spec: EdfSpec, k: number, digital: DigitalSource): Buffer {
  const out = Buffer.alloc(edfRecordBytes(spec));
  let at = 0;
  spec.signals.forEach((s, i) => {
    for (let j = 0; j < s.samplesPerRecord; j++, at += 2) out.writeInt16LE(digital(i, k * s.samplesPerRecord + j), at);
  });
  if (hasAnnotations(spec)) {
    const onset = spec.recordOnsets?.[k] ?? k * spec.recordDuration;
    const text = tal({ onset, texts: [''] }) + (spec.tals?.(k) ?? []).map(tal).join('');
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length > 2 * spec.annotationSamples!) throw new Error(`record ${k}: TALs need ${bytes.length} bytes`);
    bytes.copy(out, at);
  }
  return out;
}

export function edfBytes(spec: EdfSpec, digital: DigitalSource): Buffer {
  const parts = [edfHeader(spec)];
  for (let k = 0; k < spec.records; k++) parts.push(edfRecord(spec, k, digital));
  return Buffer.concat(parts);
}

/**
 * A long file without writing all of it: the header, the records listed in `written`, and the
 * rest left as a hole (zeros, sparse on disk) by extending the file to its full length.
 */
export function writeSparseEdf(path: string, spec: EdfSpec, digital: DigitalSource, written: readonly number[]): number {
  const fd = openSync(path, 'w');
  try {
    const header = edfHeader(spec);
    writeSync(fd, header, 0, header.length, 0);
    const rb = edfRecordBytes(spec);
    for (const k of written) {
      const rec = edfRecord(spec, k, digital);
      writeSync(fd, rec, 0, rec.length, header.length + k * rb);
    }
    const size = header.length + spec.records * rb;
    ftruncateSync(fd, size);
    return size;
  } finally {
    closeSync(fd);
  }
}
