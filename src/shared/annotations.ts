// WFDB annotations as the workstation shows and uses them: what each symbol means (wfdb-python's
// symbols, the WFDB library's ecgcodes.h), which kind of mark it is drawn as, and the annotators
// (file extensions) PhysioNet databases ship. Used by the import (kinds, reference or detector),
// the API (kinds, waves) and the viewer (legend). docs/annotations.md explains them.

/** How a mark is drawn: beat symbol above the trace, rhythm band, wave mark on its lead, noise, other. */
export const ANNOTATION_KINDS = ['beat', 'rhythm', 'wave', 'noise', 'other'] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Wave a delineation mark belongs to. */
export const WAVES = ['P', 'QRS', 'T', 'U'] as const;
export type Wave = (typeof WAVES)[number];

/** Beat symbols (the WFDB library's isqrs()) and what they mean. */
export const BEAT_SYMBOLS: Readonly<Record<string, string>> = {
  N: 'normal beat',
  L: 'left bundle branch block beat',
  R: 'right bundle branch block beat',
  B: 'bundle branch block beat (unspecified)',
  A: 'atrial premature beat',
  a: 'aberrated atrial premature beat',
  J: 'nodal (junctional) premature beat',
  S: 'supraventricular premature or ectopic beat',
  V: 'premature ventricular contraction',
  r: 'R-on-T premature ventricular contraction',
  F: 'fusion of ventricular and normal beat',
  e: 'atrial escape beat',
  j: 'nodal (junctional) escape beat',
  n: 'supraventricular escape beat',
  E: 'ventricular escape beat',
  '/': 'paced beat',
  f: 'fusion of paced and normal beat',
  Q: 'unclassifiable beat',
  '?': 'beat not classified during learning',
};

/** Non-beat symbols. */
export const OTHER_SYMBOLS: Readonly<Record<string, string>> = {
  '+': 'rhythm change (the rhythm in the aux note)',
  '~': 'change in signal quality',
  '|': 'isolated QRS-like artifact',
  '(': 'wave onset',
  ')': 'wave offset',
  p: 'P-wave peak',
  t: 'T-wave peak',
  u: 'U-wave peak',
  s: 'ST change',
  T: 'T-wave change',
  '*': 'systole',
  D: 'diastole',
  '"': 'comment',
  '=': 'measurement',
  '^': 'non-conducted pacer spike',
  '!': 'ventricular flutter wave',
  '[': 'start of ventricular flutter/fibrillation',
  ']': 'end of ventricular flutter/fibrillation',
  '@': 'link to external data',
  x: 'non-conducted P-wave (blocked APC)',
  '`': 'PQ junction',
  "'": 'J point',
};

/** MIT-BIH rhythm notes ('+' annotations' aux) and their meaning (MIT-BIH Arrhythmia Database Directory). */
export const RHYTHM_NAMES: Readonly<Record<string, string>> = {
  '(AB': 'atrial bigeminy',
  '(AFIB': 'atrial fibrillation',
  '(AFL': 'atrial flutter',
  '(B': 'ventricular bigeminy',
  '(BII': '2° heart block',
  '(BI': '1° heart block',
  '(IVR': 'idioventricular rhythm',
  '(N': 'normal sinus rhythm',
  '(NOD': 'nodal (A-V junctional) rhythm',
  '(P': 'paced rhythm',
  '(PREX': 'pre-excitation (WPW)',
  '(SBR': 'sinus bradycardia',
  '(SVTA': 'supraventricular tachyarrhythmia',
  '(T': 'ventricular trigeminy',
  '(VFL': 'ventricular flutter',
  '(VT': 'ventricular tachycardia',
  '(AT': 'atrial tachycardia',
  '(SAB': 'sino-atrial block',
  '(ASYS': 'asystole',
  '(HGEA': 'high-grade ventricular ectopic activity',
  '(VER': 'ventricular escape rhythm',
};

export function isBeatSymbol(symbol: string): boolean {
  return Object.prototype.hasOwnProperty.call(BEAT_SYMBOLS, symbol);
}

/** The rhythm a '+' annotation starts ("(AFIB"), or null when its aux note is no rhythm. */
export function rhythmOf(symbol: string, aux: string): string | null {
  if (symbol !== '+') return null;
  const note = aux.replace(/\0+$/, '').trim();
  return note.startsWith('(') ? note : null;
}

export function symbolMeaning(symbol: string, aux = ''): string {
  const rhythm = rhythmOf(symbol, aux);
  if (rhythm) return RHYTHM_NAMES[rhythm] ?? rhythm.slice(1);
  return BEAT_SYMBOLS[symbol] ?? OTHER_SYMBOLS[symbol] ?? `annotation '${symbol}'`;
}

export interface KnownAnnotator {
  readonly meaning: string;
  /** Written by an algorithm, not audited by a person: its beats say nothing about the diagnosis. */
  readonly detector: boolean;
  /** LUDB-style per-lead file: the annotator's name is the lead it delineates. */
  readonly lead?: string;
}

const ludb = (lead: string): KnownAnnotator => ({ meaning: `P, QRS and T onsets, peaks and offsets in lead ${lead}, by cardiologists (LUDB)`, detector: false, lead });

/** Annotators PhysioNet databases ship (their documentation and the WFDB Applications Guide). */
export const KNOWN_ANNOTATORS: Readonly<Record<string, KnownAnnotator>> = {
  atr: { meaning: 'reference beat, rhythm and signal-quality labels, reviewed by cardiologists (MIT-BIH and most PhysioNet databases)', detector: false },
  qrs: { meaning: 'QRS detector output, not reviewed (sqrs or similar)', detector: true },
  sqrs: { meaning: 'QRS detections by sqrs', detector: true },
  wqrs: { meaning: 'QRS detections by wqrs (length-transform detector)', detector: true },
  gqrs: { meaning: 'QRS detections by gqrs', detector: true },
  gqrsh: { meaning: 'QRS detections by gqrs, high-sensitivity setting', detector: true },
  ecgpuwave: { meaning: 'P, QRS and T boundaries by ecgpuwave', detector: true },
  pu: { meaning: 'P, QRS and T boundaries by ecgpuwave, both signals (QT Database)', detector: true },
  pu0: { meaning: 'P, QRS and T boundaries by ecgpuwave, signal 0 (QT Database)', detector: true },
  pu1: { meaning: 'P, QRS and T boundaries by ecgpuwave, signal 1 (QT Database)', detector: true },
  q1c: { meaning: 'wave boundaries marked by cardiologist 1, corrected (QT Database)', detector: false },
  q2c: { meaning: 'wave boundaries marked by cardiologist 2, corrected (QT Database)', detector: false },
  qt1: { meaning: 'wave boundaries marked by cardiologist 1 (QT Database)', detector: false },
  qt2: { meaning: 'wave boundaries marked by cardiologist 2 (QT Database)', detector: false },
  apn: { meaning: 'apnea labels, one per minute (Apnea-ECG Database)', detector: false },
  st: { meaning: 'ST episode annotations (Long-Term ST Database)', detector: false },
  sta: { meaning: 'ST episodes, protocol A (Long-Term ST Database)', detector: false },
  stb: { meaning: 'ST episodes, protocol B (Long-Term ST Database)', detector: false },
  stc: { meaning: 'ST episodes, protocol C (Long-Term ST Database)', detector: false },
  i: ludb('I'),
  ii: ludb('II'),
  iii: ludb('III'),
  avr: ludb('aVR'),
  avl: ludb('aVL'),
  avf: ludb('aVF'),
  v1: ludb('V1'),
  v2: ludb('V2'),
  v3: ludb('V3'),
  v4: ludb('V4'),
  v5: ludb('V5'),
  v6: ludb('V6'),
};

export function knownAnnotator(name: string): KnownAnnotator | undefined {
  return Object.prototype.hasOwnProperty.call(KNOWN_ANNOTATORS, name) ? KNOWN_ANNOTATORS[name] : undefined;
}
