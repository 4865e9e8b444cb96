// WFDB annotations as the workstation shows and uses them: what each symbol means (wfdb-python's
// symbols, the WFDB library's ecgcodes.h) and which kind of mark it is drawn as. Used by the
// import (kinds), the API (kinds, waves, meanings) and the viewer. The known annotators (file
// extensions) are formats/wfdb/annotators.ts's; docs/annotation-labels.md explains the kinds.

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
