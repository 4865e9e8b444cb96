// What annotations are (beat, rhythm, wave, noise) and the labels they imply: the rules and
// thresholds docs/annotation-labels.md states, each checked on both sides of its threshold.
import { describe, expect, it } from 'vitest';
import { classOfCode } from '../../src/shared/classes.js';
import { classifyAnnotations, kindsOf, rhythmSpans, type AnnotationLike } from '../../src/main/datasets/annotation-kinds.js';
import { BEAT_RULES, RHYTHM_LABELS, impliedCodes } from '../../src/main/datasets/annotation-labels.js';

const ann = (sample: number, symbol: string, aux = '', chan = 0): AnnotationLike => ({ sample, symbol, aux, chan });
const input = (name: string, list: AnnotationLike[]) => ({ name, list, classified: classifyAnnotations(list) });
const beats = (counts: Record<string, number>): AnnotationLike[] => {
  const out: AnnotationLike[] = [];
  for (const [symbol, n] of Object.entries(counts)) for (let i = 0; i < n; i++) out.push(ann(out.length * 300, symbol));
  return out;
};

describe('classifyAnnotations', () => {
  it('tells beats from wave peaks by the parentheses around them, per channel', () => {
    const list = [ann(0, '+', '(AFIB'), ann(10, '('), ann(20, 'p'), ann(30, ')'), ann(40, '('), ann(50, 'N'), ann(60, 'N', '', 1), ann(70, ')'), ann(80, '~'), ann(90, '+'), ann(95, 't'), ann(99, '"', 'note')];
    expect(classifyAnnotations(list).map((c) => [c.kind, c.wave, c.part])).toEqual([
      ['rhythm', null, null],
      ['wave', 'P', 'onset'],
      ['wave', 'P', 'peak'],
      ['wave', 'P', 'offset'],
      ['wave', 'QRS', 'onset'],
      ['wave', 'QRS', 'peak'],
      ['beat', null, null], // channel 1 has no open '('
      ['wave', 'QRS', 'offset'],
      ['noise', null, null],
      ['other', null, null], // '+' without a rhythm note
      ['wave', 'T', 'peak'], // a peak with no onset is still a wave mark
      ['other', null, null],
    ]);
    expect(kindsOf(classifyAnnotations(list))).toEqual(['beat', 'rhythm', 'wave', 'noise', 'other']);
  });

  it('rhythm spans last until the next note, the last until the record ends', () => {
    const list = [ann(5, '+', '(N'), ann(10, 'N'), ann(100, '+', '(AFIB'), ann(200, '+', '(N\0')];
    expect(rhythmSpans(list, 1000)).toEqual([
      { rhythm: '(N', from: 5, to: 100 },
      { rhythm: '(AFIB', from: 100, to: 200 },
      { rhythm: '(N', from: 200, to: 1000 },
    ]);
  });
});

describe('impliedCodes', () => {
  const codes = (name: string, list: AnnotationLike[], sex: 'M' | 'F' | null = null, fs = 500) => impliedCodes([input(name, list)], fs, 1e6, sex).get(name);

  it('maps rhythm notes through the table, bigeminy also to premature beats', () => {
    expect(codes('atr', [ann(0, '+', '(AFIB'), ann(500, '+', '(B')])).toEqual(['164889003', '11157007', '427172004']);
    expect(codes('atr', [ann(0, '+', '(XYZ')])).toEqual([]);
  });

  it('ectopic beats: at least 1 % of beats and at least one', () => {
    expect(codes('atr', beats({ N: 99, V: 1 }))).toEqual(['427172004']);
    expect(codes('atr', beats({ N: 199, V: 1 }))).toEqual([]);
    expect(codes('atr', beats({ N: 9, A: 1 }))).toEqual(['284470004']);
  });

  it('bundle branch blocks and pacing: at least half of the beats', () => {
    expect(codes('atr', beats({ L: 50, N: 50 }))).toEqual(['164909002']);
    expect(codes('atr', beats({ L: 49, N: 51 }))).toEqual([]);
    expect(codes('atr', beats({ R: 10 }))).toEqual(['59118001']);
    expect(codes('atr', beats({ '/': 6, f: 4 }))).toEqual(['10370003']);
  });

  it('never takes labels from a detector', () => {
    expect(codes('qrs', [ann(0, '+', '(AFIB'), ...beats({ V: 10 })])).toEqual([]);
    expect(codes('gqrsh', beats({ L: 10 }))).toEqual([]);
  });

  /** Beats 1 s apart (RR 1 s, so QTc = QT): P onset, QRS onset/peak, T offset at the given ms from the QRS onset. */
  const delineated = (prMs: number, qtMs: number, n = 5): AnnotationLike[] =>
    Array.from({ length: n }, (_, k) => {
      const q = 1000 + 500 * k;
      const s = (ms: number) => q + Math.round(ms / 2);
      return [ann(s(-prMs), '('), ann(s(-prMs + 40), 'p'), ann(s(-prMs + 80), ')'), ann(q, '('), ann(q + 20, 'N'), ann(q + 45, ')'), ann(s(200), '('), ann(s(qtMs - 60), 't'), ann(s(qtMs), ')')];
    }).flat();

  it('delineations: PR over 200 ms is 1st-degree AV block; QTc from 450 ms (men) or 460 ms (women, unknown) is long QT', () => {
    expect(codes('ii', delineated(210, 400))).toEqual(['270492004']);
    expect(codes('ii', delineated(190, 400))).toEqual([]);
    expect(codes('ii', delineated(160, 454), 'M')).toEqual(['111975006']);
    expect(codes('ii', delineated(160, 454), 'F')).toEqual([]);
    expect(codes('ii', delineated(160, 454), null)).toEqual([]);
    expect(codes('ii', delineated(160, 470), null)).toEqual(['111975006']);
    // Fewer than three measurable beats: no label.
    expect(codes('ii', delineated(250, 400, 2))).toEqual([]);
  });
});

describe('the mapping tables', () => {
  it('name a source for every entry and only SNOMED-CT codes, scored ones landing in the named class', () => {
    for (const [note, label] of Object.entries(RHYTHM_LABELS)) {
      expect(note.startsWith('(')).toBe(true);
      expect(label.source.length).toBeGreaterThan(20);
      for (const c of label.codes) expect(c).toMatch(/^\d{6,18}$/);
    }
    const cls = (note: string) => RHYTHM_LABELS[note].codes.map((c) => classOfCode(c)?.abbreviation).filter(Boolean);
    expect(cls('(N')).toEqual(['NSR']);
    expect(cls('(AFIB')).toEqual(['AF']);
    expect(cls('(AFL')).toEqual(['AFL']);
    expect(cls('(SBR')).toEqual(['SB']);
    expect(cls('(P')).toEqual(['PR']);
    expect(cls('(B')).toEqual(['PVC']);
    expect(cls('(AB')).toEqual(['PAC']);
    expect(BEAT_RULES.map((r) => classOfCode(r.code)?.abbreviation)).toEqual(['PVC', 'PAC', 'LBBB', 'RBBB', 'PR']);
  });
});
