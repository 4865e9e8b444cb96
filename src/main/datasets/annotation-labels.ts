// Labels from WFDB annotations, for records that come with no other labels (MIT-BIH, LUDB, ...):
// rhythm notes, beat labels and wave delineations mapped to SNOMED-CT codes (those of the 24
// scored classes where one fits). Every entry names its source; docs/annotations.md has the table.
// Output no person reviewed (qrs, gqrsh, wqrs, ecgpuwave's pu ...) is never used: a program's guess is no label.
import { knownAnnotator } from '../formats/wfdb/annotators.js';
import type { AnnotationLike, Classified } from './annotation-kinds.js';
import { rhythmSpans } from './annotation-kinds.js';

const MITDB = 'MIT-BIH Arrhythmia Database Directory, rhythm labels';
const CINC = 'PhysioNet/CinC Challenge 2020 Dx mapping (SNOMED-CT codes)';

export interface RhythmLabel {
  readonly codes: readonly string[];
  readonly source: string;
}

/**
 * MIT-BIH rhythm notes -> SNOMED-CT. The code is the rhythm's own (as the PhysioNet/CinC 2020 Dx
 * mapping lists it); bigeminy and trigeminy also imply premature beats (class PAC or PVC), since
 * every second or third beat is one. Notes with no SNOMED-CT code in that mapping give no label.
 */
export const RHYTHM_LABELS: Readonly<Record<string, RhythmLabel>> = {
  '(N': { codes: ['426783006'], source: `${MITDB}: normal sinus rhythm; ${CINC}: NSR` },
  '(SBR': { codes: ['426177001'], source: `${MITDB}: sinus bradycardia; ${CINC}: SB` },
  '(AFIB': { codes: ['164889003'], source: `${MITDB}: atrial fibrillation; ${CINC}: AF` },
  '(AFL': { codes: ['164890007'], source: `${MITDB}: atrial flutter; ${CINC}: AFL` },
  '(P': { codes: ['10370003'], source: `${MITDB}: paced rhythm; ${CINC}: PR (pacing rhythm)` },
  '(BI': { codes: ['270492004'], source: `${MITDB}: 1° heart block; ${CINC}: IAVB` },
  '(AB': { codes: ['251173003', '284470004'], source: `${MITDB}: atrial bigeminy; ${CINC}: AB, and PAC (every second beat premature atrial)` },
  '(B': { codes: ['11157007', '427172004'], source: `${MITDB}: ventricular bigeminy; ${CINC}: VBig, and PVC (every second beat premature ventricular)` },
  '(T': { codes: ['251180001', '427172004'], source: `${MITDB}: ventricular trigeminy; ${CINC}: VTrig, and PVC (every third beat premature ventricular)` },
  '(BII': { codes: ['195042002'], source: `${MITDB}: 2° heart block; ${CINC}: IIAVB` },
  '(IVR': { codes: ['49260003'], source: `${MITDB}: idioventricular rhythm; ${CINC}: IR` },
  '(NOD': { codes: ['29320008'], source: `${MITDB}: nodal (A-V junctional) rhythm; ${CINC}: AVJR` },
  '(PREX': { codes: ['195060002'], source: `${MITDB}: pre-excitation (WPW); ${CINC}: VPEx` },
  '(SVTA': { codes: ['426761007'], source: `${MITDB}: supraventricular tachyarrhythmia; ${CINC}: SVT` },
  '(VT': { codes: ['164895002'], source: `${MITDB}: ventricular tachycardia; ${CINC}: VTach` },
  '(VFL': { codes: ['111288001'], source: `${MITDB}: ventricular flutter; ${CINC}: VFL` },
  '(AT': { codes: ['713422000'], source: `Long-Term AF Database rhythm labels: atrial tachycardia; ${CINC}: ATach` },
  '(SAB': { codes: ['65778007'], source: `MIT-BIH / Long-Term AF rhythm labels: sino-atrial block; ${CINC}: SAB` },
  '(VER': { codes: ['81898007'], source: `Long-Term AF Database rhythm labels: ventricular escape rhythm; ${CINC}: VEsR` },
};

export interface BeatRule {
  readonly symbols: readonly string[];
  readonly code: string;
  /** Fraction of all beats the symbols must reach (and at least one beat). */
  readonly fraction: number;
  readonly source: string;
}

/**
 * Beat labels -> classes. Ectopic beats are occasional by nature: a record carries PAC or PVC when
 * at least 1 % of its beats (and at least one) are of that kind, so a 10 s ECG with one PVC is
 * labelled, and MIT-BIH 100 (33 A of 2,273 beats) gets PAC but not PVC for its single V. A bundle
 * branch block or pacing is a state of conduction: at least half of the beats.
 */
export const BEAT_RULES: readonly BeatRule[] = [
  { symbols: ['V', 'r'], code: '427172004', fraction: 0.01, source: 'MIT-BIH beat labels V (PVC), r (R-on-T PVC); CinC class PVC' },
  { symbols: ['A', 'a', 'J', 'S'], code: '284470004', fraction: 0.01, source: 'MIT-BIH beat labels A, a (atrial premature), J (nodal premature), S (supraventricular premature); CinC class PAC/SVPB' },
  { symbols: ['L'], code: '164909002', fraction: 0.5, source: 'MIT-BIH beat label L (left bundle branch block beat); CinC class LBBB' },
  { symbols: ['R'], code: '59118001', fraction: 0.5, source: 'MIT-BIH beat label R (right bundle branch block beat); CinC class RBBB' },
  { symbols: ['/', 'f'], code: '10370003', fraction: 0.5, source: 'MIT-BIH beat labels / (paced), f (paced fusion); CinC class PR' },
];

/** Delineation rules (LUDB-style P, QRS and T onsets and offsets): median intervals over all beats of all leads. */
export const DELINEATION_RULES = {
  /** PR (P onset to QRS onset) > 200 ms: 1st-degree AV block (Surawicz et al., AHA/ACCF/HRS recommendations part III, 2009). */
  prMs: 200,
  prCode: '270492004',
  /** QTc (Bazett) >= 450 ms (men) / 460 ms (women, and sex unknown): prolonged QT (Rautaharju et al., AHA/ACCF/HRS part IV, 2009). */
  qtcMsMale: 450,
  qtcMsOther: 460,
  qtCode: '111975006',
  /** Intervals needed before a median is trusted. */
  minBeats: 3,
} as const;

export interface AnnotatorInput {
  readonly name: string;
  readonly list: readonly AnnotationLike[];
  readonly classified: readonly Classified[];
}

/** Codes each annotator implies (keyed by annotator); empty for detectors. `end`: the record's last sample + 1 at the annotation rate. */
export function impliedCodes(annotators: readonly AnnotatorInput[], fs: number, end: number, sex: 'M' | 'F' | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const pr: number[] = [];
  const qtc: number[] = [];
  const delineators: string[] = [];
  for (const a of annotators) {
    const codes = new Set<string>();
    out.set(a.name, []);
    if (knownAnnotator(a.name)?.reviewed === false) continue;
    for (const span of rhythmSpans(a.list, end)) for (const c of RHYTHM_LABELS[span.rhythm]?.codes ?? []) codes.add(c);
    const beats = a.list.filter((_, i) => a.classified[i].kind === 'beat');
    for (const rule of BEAT_RULES) {
      const n = beats.filter((b) => rule.symbols.includes(b.symbol)).length;
      if (n >= 1 && n >= rule.fraction * beats.length) codes.add(rule.code);
    }
    const found = intervals(a, fs);
    if (found.pr.length + found.qtc.length > 0) delineators.push(a.name);
    pr.push(...found.pr);
    qtc.push(...found.qtc);
    out.set(a.name, [...codes]);
  }
  const delineated: string[] = [];
  const R = DELINEATION_RULES;
  if (pr.length >= R.minBeats && median(pr) > R.prMs) delineated.push(R.prCode);
  if (qtc.length >= R.minBeats && median(qtc) >= (sex === 'M' ? R.qtcMsMale : R.qtcMsOther)) delineated.push(R.qtCode);
  for (const name of delineators) out.set(name, [...new Set([...(out.get(name) ?? []), ...delineated])]);
  return out;
}

interface WaveBox {
  wave: string;
  onset: number | null;
  peak: number | null;
  offset: number | null;
}

/** PR and QTc (ms) of every complete beat one delineation annotator marks. */
function intervals(a: AnnotatorInput, fs: number): { pr: number[]; qtc: number[] } {
  const waves: WaveBox[] = [];
  let current: WaveBox | null = null;
  a.list.forEach((ann, i) => {
    const c = a.classified[i];
    if (c.kind !== 'wave') return;
    if (c.part === 'onset') {
      current = { wave: c.wave ?? '?', onset: ann.sample, peak: null, offset: null };
      waves.push(current);
    } else if (c.part === 'peak') {
      if (!current || current.peak !== null) waves.push((current = { wave: c.wave ?? '?', onset: null, peak: ann.sample, offset: null }));
      else current.peak = ann.sample;
      current.wave = c.wave ?? current.wave;
    } else if (current) {
      current.offset = ann.sample;
      current = null;
    }
  });
  const ms = (samples: number) => (samples * 1000) / fs;
  const qrs = waves.map((w, i) => ({ w, i })).filter((x) => x.w.wave === 'QRS');
  const pr: number[] = [];
  const qtc: number[] = [];
  qrs.forEach(({ w, i }, k) => {
    const prev = k > 0 ? qrs[k - 1].i : -1;
    const next = k + 1 < qrs.length ? qrs[k + 1] : null;
    const p = waves.slice(prev + 1, i).find((x) => x.wave === 'P' && x.onset !== null);
    if (p && w.onset !== null) pr.push(ms(w.onset - (p.onset as number)));
    const t = waves.slice(i + 1, next ? next.i : waves.length).find((x) => x.wave === 'T' && x.offset !== null);
    if (t && w.onset !== null && next && w.peak !== null && next.w.peak !== null) {
      const rr = (next.w.peak - w.peak) / fs;
      if (rr > 0) qtc.push(ms((t.offset as number) - w.onset) / Math.sqrt(rr));
    }
  });
  return { pr, qtc };
}

function median(x: readonly number[]): number {
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
