// The OpenECG paper's published figures, transcribed from ../shared/openecg/PAPER.md exactly as it
// gives them. A figure PAPER.md does not give is null and is shown as "not published": nothing
// here is estimated, interpolated or filled in.

export type PaperMethod = 'byol' | 'simclr' | 'mae';
export const PAPER_METHODS: readonly PaperMethod[] = ['byol', 'simclr', 'mae'];

export interface PaperLodoRow {
  /** The target as PAPER.md names it. */
  readonly target: string;
  /** Center names of our importers that are this target (normalised: lower case, letters and digits only). */
  readonly aliases: readonly string[];
  /** PAPER.md line of the row. */
  readonly line: number;
  /** Δ = w/ − w/o per method, in the paper's (unstated, most likely AUROC-point) unit. */
  readonly delta: Readonly<Record<PaperMethod, number | null>>;
  /** Absolute AUROC of each arm: PAPER.md §5 line 105, "not available". */
  readonly aurocWithout: Readonly<Record<PaperMethod, number | null>>;
  readonly aurocWith: Readonly<Record<PaperMethod, number | null>>;
}

export const PAPER_SOURCE = '../shared/openecg/PAPER.md';
/** The LODO Δ table: PAPER.md §5, lines 91-98 (source tag [S1], unit per line 89). */
export const PAPER_LODO_TABLE_LINES = { header: 91, first: 93, last: 98, unit: 89, absolute: 105 } as const;
/** PAPER.md line 89: "The unit is not stated; most likely AUROC in percentage points [inf]." */
export const PAPER_DELTA_UNIT_NOTE = 'The unit is not stated; most likely AUROC in percentage points';

const none = { byol: null, simclr: null, mae: null } as const;

export const PAPER_LODO: readonly PaperLodoRow[] = [
  // PAPER.md line 93: | CPSC | +3.6 | +2.6 | +3.1 |
  { target: 'CPSC', aliases: ['cpsc', 'cpsc2018'], line: 93, delta: { byol: 3.6, simclr: 2.6, mae: 3.1 }, aurocWithout: none, aurocWith: none },
  // PAPER.md line 94: | PTB-XL | +0.8 | +0.9 | +0.8 |
  { target: 'PTB-XL', aliases: ['ptbxl'], line: 94, delta: { byol: 0.8, simclr: 0.9, mae: 0.8 }, aurocWithout: none, aurocWith: none },
  // PAPER.md line 95: | Chapman | +0.2 | +0.2 | +0.1 |  (line 39/44: Chapman = Shaoxing + Ningbo)
  { target: 'Chapman', aliases: ['chapman', 'chapmanshaoxing', 'shaoxing', 'ningbo', 'chapmanshaoxingningbo'], line: 95, delta: { byol: 0.2, simclr: 0.2, mae: 0.1 }, aurocWithout: none, aurocWith: none },
  // PAPER.md line 96: | PTB | +1.1 | +1.2 | +1.5 |
  { target: 'PTB', aliases: ['ptb', 'ptbdiagnostic'], line: 96, delta: { byol: 1.1, simclr: 1.2, mae: 1.5 }, aurocWithout: none, aurocWith: none },
  // PAPER.md line 97: | Georgia | +1.2 | +1.2 | +2.4 |
  { target: 'Georgia', aliases: ['georgia', 'g12ec'], line: 97, delta: { byol: 1.2, simclr: 1.2, mae: 2.4 }, aurocWithout: none, aurocWith: none },
  // PAPER.md line 98: | INCART | +4.4 | +3.2 | +2.9 |
  { target: 'INCART', aliases: ['incart', 'stpetersburgincart', 'stpetersburg'], line: 98, delta: { byol: 4.4, simclr: 3.2, mae: 2.9 }, aurocWithout: none, aurocWith: none },
];

export interface PaperScaling {
  readonly method: PaperMethod;
  /** Saturation as a fraction of the data, [low, high]; null when PAPER.md gives no figure. */
  readonly saturation: readonly [number, number] | null;
  readonly line: number;
  /** What PAPER.md says, quoted verbatim from the line. */
  readonly note: string;
}

/** PAPER.md line 26 ([A]) and line 106 ([A], [S1]); per-fraction numbers are "not available". */
export const PAPER_SCALING: readonly PaperScaling[] = [
  { method: 'byol', saturation: [0.6, 0.7], line: 26, note: 'BYOL and MAE saturate at about 60–70% of the data' },
  { method: 'mae', saturation: [0.6, 0.7], line: 26, note: 'BYOL and MAE saturate at about 60–70% of the data' },
  { method: 'simclr', saturation: null, line: 106, note: 'SimCLR still improves past 80%' },
];

/** PAPER.md line 107 ([A]): "BYOL and MAE beat SimCLR"; no numbers (line 105: absolute AUROC/F1 not available). */
export const PAPER_RANKING = { line: 107, better: ['byol', 'mae'] as readonly PaperMethod[], worse: 'simclr' as PaperMethod } as const;

/** Lower case, letters and digits only: how a center name is matched to a paper target. */
export const normaliseCenter = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The paper's LODO row for one of our centers, or null when the paper has no such target. */
export function paperTargetOf(center: string): PaperLodoRow | null {
  const key = normaliseCenter(center);
  return PAPER_LODO.find((r) => r.aliases.includes(key)) ?? null;
}

/** The paper method of one of our method labels ('byol-resnet18_1d-w0.0625-d0.25' -> 'byol'). */
export function paperMethodOf(label: string): PaperMethod | null {
  const m = /^(byol|simclr|mae)(-|$)/.exec(label.toLowerCase());
  return m ? (m[1] as PaperMethod) : null;
}
