// What each annotation of a file is, as drawn and as used for labels: a beat, a rhythm change, a
// wave boundary or peak, a noise mark or something else. The same symbol can be two things: LUDB
// marks the QRS peak with 'N' between '(' and ')', which is a wave peak there, not a beat label.
import { isBeatSymbol, rhythmOf, type AnnotationKind, type Wave } from '../../shared/annotations.js';

/** The fields classification looks at (formats/wfdb/annotations.ts WfdbAnnotation has them). */
export interface AnnotationLike {
  readonly sample: number;
  readonly symbol: string;
  readonly chan: number;
  readonly aux: string;
}

export interface Classified {
  readonly kind: AnnotationKind;
  /** For wave marks: the wave ('(' and ')' take the wave of the peak they enclose). */
  readonly wave: Wave | null;
  /** For wave marks: onset '(', peak, offset ')'. */
  readonly part: 'onset' | 'peak' | 'offset' | null;
}

const PEAK_WAVES: Readonly<Record<string, Wave>> = { p: 'P', t: 'T', u: 'U' };

/** Kind, wave and part of every annotation, in input order (which is time order in a file). */
export function classifyAnnotations(list: readonly AnnotationLike[]): Classified[] {
  const out: Classified[] = new Array<Classified>(list.length);
  // Per channel: the index of an open '(' and the wave seen inside it.
  const open = new Map<number, { at: number; wave: Wave | null }>();
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    const state = open.get(a.chan);
    if (a.symbol === '(') {
      out[i] = { kind: 'wave', wave: null, part: 'onset' };
      open.set(a.chan, { at: i, wave: null });
    } else if (a.symbol === ')') {
      out[i] = { kind: 'wave', wave: state?.wave ?? null, part: 'offset' };
      open.delete(a.chan);
    } else if (PEAK_WAVES[a.symbol] || (state && isBeatSymbol(a.symbol))) {
      const wave = PEAK_WAVES[a.symbol] ?? 'QRS';
      out[i] = { kind: 'wave', wave, part: 'peak' };
      if (state) {
        state.wave = wave;
        out[state.at] = { kind: 'wave', wave, part: 'onset' };
      }
    } else if (isBeatSymbol(a.symbol)) {
      out[i] = { kind: 'beat', wave: null, part: null };
    } else if (rhythmOf(a.symbol, a.aux)) {
      out[i] = { kind: 'rhythm', wave: null, part: null };
    } else if (a.symbol === '~' || a.symbol === '|') {
      out[i] = { kind: 'noise', wave: null, part: null };
    } else {
      out[i] = { kind: 'other', wave: null, part: null };
    }
  }
  return out;
}

/** The kinds present, in ANNOTATION_KINDS order. */
export function kindsOf(classified: readonly Classified[]): AnnotationKind[] {
  const seen = new Set(classified.map((c) => c.kind));
  return (['beat', 'rhythm', 'wave', 'noise', 'other'] as const).filter((k) => seen.has(k));
}

export interface RhythmSpan {
  /** The rhythm note, e.g. "(AFIB". */
  readonly rhythm: string;
  /** Samples at the annotation rate: [from, to). */
  readonly from: number;
  readonly to: number;
}

/** Rhythm segments: each rhythm note lasts until the next one, the last until `end` (the record's end). */
export function rhythmSpans(list: readonly AnnotationLike[], end: number): RhythmSpan[] {
  const spans: RhythmSpan[] = [];
  let current: { rhythm: string; from: number } | null = null;
  for (const a of list) {
    const rhythm = rhythmOf(a.symbol, a.aux);
    if (!rhythm) continue;
    if (current) spans.push({ ...current, to: a.sample });
    current = { rhythm, from: a.sample };
  }
  if (current) spans.push({ ...current, to: Math.max(current.from, end) });
  return spans;
}
