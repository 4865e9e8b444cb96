// Annotator names (file extensions) PhysioNet databases use, and what their files hold: for the
// import's catalog, the viewer's legend and docs/annotations.md. Any other extension whose
// content reads as annotations is still an annotator (findAnnotators); it just has no description.

/** beats: beat labels (and rhythm notes); qrs: detector output; waves: P/QRS/T onsets, peaks, ends; other: episodes, alarms, stages. */
export type AnnotatorKind = 'beats' | 'qrs' | 'waves' | 'other';

export interface KnownAnnotator {
  readonly kind: AnnotatorKind;
  /** Reviewed by people (cardiologists, annotators) rather than a program's raw output. */
  readonly reviewed: boolean;
  readonly meaning: string;
}

const LUDB_LEADS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];

export const KNOWN_ANNOTATORS: Readonly<Record<string, KnownAnnotator>> = {
  atr: { kind: 'beats', reviewed: true, meaning: 'reference annotations: cardiologists\' beat labels and rhythm changes ("+" with "(AFIB", "(N", ...), noise, comments (MIT-BIH, most PhysioNet ECG databases)' },
  ecg: { kind: 'beats', reviewed: true, meaning: 'reference beat annotations of the ECG signal in multi-signal records (e.g. MIT-BIH Polysomnographic database)' },
  ari: { kind: 'beats', reviewed: true, meaning: 'beat labels from the ARISTOTLE arrhythmia analyser, reviewed (the MGH/MF waveform database\'s reference annotations)' },
  man: { kind: 'beats', reviewed: true, meaning: 'manually reviewed beat annotations (QT database)' },
  qrsc: { kind: 'qrs', reviewed: true, meaning: 'reviewed QRS detections (wfdb-python annotation class)' },
  blh: { kind: 'beats', reviewed: true, meaning: 'reviewed beat labels (wfdb-python annotation class)' },
  blm: { kind: 'beats', reviewed: false, meaning: 'machine beat labels (wfdb-python annotation class)' },
  qrs: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by a program (e.g. sqrs, wqrs, gqrs; Apnea-ECG, Fantasia, many others)' },
  gqrs: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by the WFDB gqrs detector' },
  gqrsh: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by gqrs, as published beside some PhysioNet records (gqrs output under its "h" name)' },
  wqrs: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by the WFDB wqrs detector (length transform; marks onsets and J points)' },
  sqrs: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by the WFDB sqrs detector (single-lead slope criterion)' },
  sqrs125: { kind: 'qrs', reviewed: false, meaning: 'QRS detections by sqrs125 (sqrs tuned for 125 Hz signals)' },
  pu: { kind: 'waves', reviewed: false, meaning: 'P, QRS and T onsets, peaks and ends found by ecgpuwave on both leads (QT database)' },
  pu0: { kind: 'waves', reviewed: false, meaning: 'ecgpuwave waveform boundaries on lead 0 (QT database)' },
  pu1: { kind: 'waves', reviewed: false, meaning: 'ecgpuwave waveform boundaries on lead 1 (QT database)' },
  q1c: { kind: 'waves', reviewed: true, meaning: 'waveform onsets, peaks and ends of selected beats marked by cardiologist 1 (QT database)' },
  q2c: { kind: 'waves', reviewed: true, meaning: 'waveform onsets, peaks and ends of selected beats marked by cardiologist 2 (QT database)' },
  ...Object.fromEntries(
    LUDB_LEADS.map((lead) => [lead, { kind: 'waves' as const, reviewed: true, meaning: `P, QRS and T onsets "(", peaks "p"/"N"/"t" and ends ")" on lead ${lead.toUpperCase().replace('AV', 'aV')}, by cardiologists (LUDB: one file per lead)` }]),
  ),
  wabp: { kind: 'other', reviewed: false, meaning: 'arterial blood pressure pulse onsets found by the WFDB wabp detector' },
  apn: { kind: 'other', reviewed: true, meaning: 'per-minute apnea labels: "A" apnea, "N" normal breathing (Apnea-ECG database)' },
  st: { kind: 'other', reviewed: true, meaning: 'sleep stages and apnea events as aux notes (MIT-BIH Polysomnographic database)' },
  sta: { kind: 'other', reviewed: true, meaning: 'ST episodes, protocol A (Long-Term ST database)' },
  stb: { kind: 'other', reviewed: true, meaning: 'ST episodes, protocol B (Long-Term ST database)' },
  stc: { kind: 'other', reviewed: true, meaning: 'ST episodes, protocol C (Long-Term ST database)' },
  alh: { kind: 'other', reviewed: true, meaning: 'reviewed alarms (wfdb-python annotation class)' },
  alm: { kind: 'other', reviewed: false, meaning: 'machine alarms (wfdb-python annotation class)' },
  bph: { kind: 'other', reviewed: true, meaning: 'reviewed blood pressure beat detections (wfdb-python annotation class)' },
  bpm: { kind: 'other', reviewed: false, meaning: 'machine blood pressure beat detections (wfdb-python annotation class)' },
};

/** What an annotator's files hold, when its name is a known one (case-insensitive). */
export function knownAnnotator(name: string): KnownAnnotator | undefined {
  return KNOWN_ANNOTATORS[name.toLowerCase()];
}
