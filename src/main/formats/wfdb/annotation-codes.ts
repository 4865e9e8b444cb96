// WFDB annotation codes (annot(5), ecgcodes.h): code <-> symbol as wfdb-python's ann_label_table
// gives them, the WFDB library's descriptions, and the AHA <-> MIT code maps of ecgmap.h.

/** Highest annotation code (ACMAX); 59-63 are the pseudo-codes below, 50-58 are never written. */
export const ACMAX = 49;
export const NOTANN = 0;
export const NOTE = 22;
export const SKIP = 59;
export const NUM = 60;
export const SUB = 61;
export const CHN = 62;
export const AUX = 63;

/**
 * Symbol per code 0-49, exactly wfdb-python's ann_label_table. Codes 15, 17 and 42-49 have no
 * entry there (rdann gives NaN); they read as '' here (the WFDB C library prints them '[15]').
 */
export const ANNOTATION_SYMBOLS: readonly string[] = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', // 0-9
  'E', 'j', '/', 'Q', '~', '', '|', '', 's', 'T', // 10-19
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', // 20-29
  '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(', // 30-39
  ')', 'r', '', '', '', '', '', '', '', '', // 40-49
];

/** wfdb-python's descriptions (ann_labels); '' where the code is undefined. */
export const ANNOTATION_DESCRIPTIONS: readonly string[] = [
  'Not an actual annotation', 'Normal beat', 'Left bundle branch block beat', 'Right bundle branch block beat',
  'Aberrated atrial premature beat', 'Premature ventricular contraction', 'Fusion of ventricular and normal beat',
  'Nodal (junctional) premature beat', 'Atrial premature contraction', 'Premature or ectopic supraventricular beat',
  'Ventricular escape beat', 'Nodal (junctional) escape beat', 'Paced beat', 'Unclassifiable beat',
  'Signal quality change', '', 'Isolated QRS-like artifact', '', 'ST change', 'T-wave change', 'Systole', 'Diastole',
  'Comment annotation', 'Measurement annotation', 'P-wave peak', 'Left or right bundle branch block',
  'Non-conducted pacer spike', 'T-wave peak', 'Rhythm change', 'U-wave peak', 'Learning', 'Ventricular flutter wave',
  'Start of ventricular flutter/fibrillation', 'End of ventricular flutter/fibrillation', 'Atrial escape beat',
  'Supraventricular escape beat', 'Link to external data (aux_note contains URL)', 'Non-conducted P-wave (blocked APB)',
  'Fusion of paced and normal beat', 'Waveform onset', 'Waveform end', 'R-on-T premature ventricular contraction',
  '', '', '', '', '', '', '', '',
];

/** Codes that mark a QRS complex (ecgmap.h isqrs, wfdb-python is_qrs). */
const QRS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 25, 30, 31, 34, 35, 38, 41]);

export function isQrsCode(code: number): boolean {
  return QRS.has(code);
}

/** The symbol of a code, '' for codes without one. */
export function annotationSymbol(code: number): string {
  return ANNOTATION_SYMBOLS[code] ?? '';
}

/** The code of a standard symbol (first match, as strann does), undefined for others. */
export function annotationCode(symbol: string): number | undefined {
  if (symbol === '') return undefined;
  const i = ANNOTATION_SYMBOLS.indexOf(symbol, 1);
  return i > 0 ? i : undefined;
}

// ecgmap.h ammap: AHA code letters 'E'..']' to MIT codes (0 where the letter means nothing).
const AHA_TO_MIT: Readonly<Record<string, number>> = { E: 10, F: 6, N: 1, O: NOTE, P: 12, Q: 13, R: 41, U: 14, V: 5, '[': 32, ']': 33 };

/** MIT code for an AHA annotation letter (byte value), 0 when the letter is not an AHA code. */
export function ahaToMit(letter: number): number {
  return AHA_TO_MIT[String.fromCharCode(letter)] ?? 0;
}

// ecgmap.h mamap: MIT code -> AHA letter.
const MIT_TO_AHA = 'ONNNN' + 'VFNNN' + 'ENPQU' + 'OOOOO' + 'OOOOO' + 'NOOOO' + 'QO[]N' + 'NOONO' + 'OROOO' + 'OOOOO';

/** AHA letter for an MIT code and subtype ('U' only for noise subtype -1, as mamap). */
export function mitToAha(code: number, subtype: number): string {
  if (code <= 0 || code > ACMAX) return 'O';
  const a = MIT_TO_AHA[code];
  return a === 'U' && subtype !== -1 ? 'O' : a;
}
