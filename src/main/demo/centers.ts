// The synthetic centers of the demo corpus: each differs the way real collections do (sampling
// rate, file layout, ADC gain and resolution, noise, mains frequency, lead naming and order,
// record length, age and sex mix, class prevalence, patients with several records).
import type { NoiseProfile } from './synth/noise.js';

export type DemoLayout = 'cinc-mat' | 'wfdb-212-long' | 'wfdb-212' | 'wfdb-16' | 'ptbxl' | 'mimic' | 'code15';
/** The dataset adapter of src/main/datasets that reads the layout. */
export type DemoAdapter = 'cinc' | 'wfdb' | 'ptbxl' | 'mimic' | 'code15';

export interface DemoCenter {
  readonly name: string;
  /** Subfolder of the corpus root. */
  readonly folder: string;
  readonly layout: DemoLayout;
  readonly adapter: DemoAdapter;
  readonly fs: number;
  /** ADC units per mV (0: float32 values in mV). */
  readonly gain: number;
  readonly adcBits: 12 | 16 | 32;
  readonly mainsHz: 50 | 60;
  /** Channel names in file order, and the standard lead (0..11, I..V6) each channel holds. */
  readonly leadNames: readonly string[];
  readonly leadOrder: readonly number[];
  /** Record lengths (s) drawn uniformly from this list. */
  readonly durations: readonly number[];
  /** Share of the corpus's records. */
  readonly share: number;
  readonly age: { readonly mean: number; readonly sd: number; readonly min: number; readonly max: number };
  readonly femaleShare: number;
  /** Mean records per patient (1: every record its own patient). */
  readonly recordsPerPatient: number;
  readonly noise: Omit<NoiseProfile, 'mainsHz'>;
  /** Rhythm class weights (exactly one rhythm per record). */
  readonly rhythms: Readonly<Record<string, number>>;
  /** Probability of each non-rhythm class, before the compatibility rules. */
  readonly modifiers: Readonly<Record<string, number>>;
  /** Whether the files carry labels (MIMIC-style centers are pre-training only). */
  readonly labelled: boolean;
}

const STD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const IDENTITY = STD.map((_, i) => i);

export const RHYTHM_CLASSES = ['NSR', 'SB', 'STach', 'SA', 'Brady', 'AF', 'AFL', 'PR'] as const;
/** Rhythms with sinus P waves (PR interval, premature atrial beats are defined on them). */
export const SINUS_RHYTHMS: ReadonlySet<string> = new Set(['NSR', 'SB', 'STach', 'SA']);

const ALL_MODIFIERS = { IAVB: 0.07, LPR: 0.03, RBBB: 0.08, IRBBB: 0.05, LBBB: 0.04, NSIVCB: 0.03, LAD: 0.08, RAD: 0.04, LAnFB: 0.03, LQRSV: 0.04, LQT: 0.05, TInv: 0.06, TAb: 0.08, PAC: 0.08, PVC: 0.08, QAb: 0.04 };

export const DEMO_CENTERS: readonly DemoCenter[] = [
  {
    name: 'Meridian',
    folder: 'meridian',
    layout: 'cinc-mat',
    adapter: 'cinc',
    fs: 500,
    gain: 1000,
    adcBits: 16,
    mainsHz: 50,
    leadNames: STD,
    leadOrder: IDENTITY,
    durations: [10, 10, 12, 15, 20, 30],
    share: 0.18,
    age: { mean: 61, sd: 17, min: 18, max: 95 },
    femaleShare: 0.45,
    recordsPerPatient: 1,
    noise: { baselineMv: 0.08, emgUv: 10, mainsUv: 8 },
    rhythms: { NSR: 0.42, SB: 0.1, STach: 0.1, SA: 0.06, Brady: 0.02, AF: 0.2, AFL: 0.05, PR: 0.05 },
    modifiers: { ...ALL_MODIFIERS, IAVB: 0.1, RBBB: 0.14, PAC: 0.12, PVC: 0.12 },
    labelled: true,
  },
  {
    name: 'Lakeside Holter',
    folder: 'lakeside',
    layout: 'wfdb-212-long',
    adapter: 'wfdb',
    fs: 257,
    gain: 200,
    adcBits: 12,
    mainsHz: 50,
    leadNames: ['I', 'II', 'III', 'AVR', 'AVL', 'AVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    leadOrder: IDENTITY,
    durations: [120, 180, 300],
    share: 0.005,
    age: { mean: 58, sd: 13, min: 18, max: 85 },
    femaleShare: 0.4,
    recordsPerPatient: 2,
    noise: { baselineMv: 0.15, emgUv: 18, mainsUv: 15 },
    rhythms: { NSR: 0.5, SB: 0.12, STach: 0.06, SA: 0.05, AF: 0.17, AFL: 0.03, PR: 0.07 },
    modifiers: { ...ALL_MODIFIERS, PAC: 0.35, PVC: 0.45 },
    labelled: true,
  },
  {
    name: 'Quarry County',
    folder: 'quarry',
    layout: 'wfdb-212',
    adapter: 'wfdb',
    fs: 250,
    gain: 200,
    adcBits: 12,
    mainsHz: 60,
    leadNames: ['DI', 'DII', 'DIII', 'aVR', 'aVL', 'aVF', 'C1', 'C2', 'C3', 'C4', 'C5', 'C6'],
    leadOrder: IDENTITY,
    durations: [10],
    share: 0.09,
    age: { mean: 66, sd: 15, min: 20, max: 99 },
    femaleShare: 0.52,
    recordsPerPatient: 1,
    noise: { baselineMv: 0.2, emgUv: 22, mainsUv: 25 },
    rhythms: { NSR: 0.55, SB: 0.12, STach: 0.08, SA: 0.05, Brady: 0.04, AF: 0.1, AFL: 0.03, PR: 0.03 },
    modifiers: ALL_MODIFIERS,
    labelled: true,
  },
  {
    name: 'Tundra University',
    folder: 'tundra',
    layout: 'wfdb-16',
    adapter: 'wfdb',
    fs: 1000,
    gain: 2000,
    adcBits: 16,
    mainsHz: 50,
    leadNames: ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'],
    leadOrder: IDENTITY,
    durations: [10, 15, 20],
    share: 0.08,
    age: { mean: 55, sd: 14, min: 17, max: 87 },
    femaleShare: 0.3,
    recordsPerPatient: 1.8,
    noise: { baselineMv: 0.05, emgUv: 6, mainsUv: 4 },
    rhythms: { NSR: 0.7, SB: 0.1, STach: 0.05, SA: 0.06, AF: 0.06, AFL: 0.01, PR: 0.02 },
    modifiers: { ...ALL_MODIFIERS, QAb: 0.2, TInv: 0.12 },
    labelled: true,
  },
  {
    name: 'Fjord Registry',
    folder: 'fjord',
    layout: 'ptbxl',
    adapter: 'ptbxl',
    fs: 500,
    gain: 1000,
    adcBits: 16,
    mainsHz: 50,
    leadNames: ['I', 'II', 'III', 'AVR', 'AVL', 'AVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    leadOrder: IDENTITY,
    durations: [10],
    share: 0.22,
    age: { mean: 60, sd: 17, min: 18, max: 95 },
    femaleShare: 0.48,
    recordsPerPatient: 1.2,
    noise: { baselineMv: 0.1, emgUv: 12, mainsUv: 10 },
    // PTB-XL has no statement for non-sinus bradycardia.
    rhythms: { NSR: 0.72, SB: 0.07, STach: 0.06, SA: 0.05, AF: 0.07, AFL: 0.01, PR: 0.02 },
    modifiers: ALL_MODIFIERS,
    labelled: true,
  },
  {
    name: 'Prairie Hospital',
    folder: 'prairie',
    layout: 'mimic',
    adapter: 'mimic',
    fs: 500,
    gain: 200,
    adcBits: 16,
    mainsHz: 60,
    // MIMIC-IV-ECG headers list aVF before aVL.
    leadNames: ['I', 'II', 'III', 'aVR', 'aVF', 'aVL', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    leadOrder: [0, 1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 11],
    durations: [10],
    share: 0.23,
    age: { mean: 64, sd: 17, min: 18, max: 91 },
    femaleShare: 0.49,
    recordsPerPatient: 3,
    noise: { baselineMv: 0.12, emgUv: 14, mainsUv: 20 },
    rhythms: { NSR: 0.5, SB: 0.1, STach: 0.12, SA: 0.04, Brady: 0.02, AF: 0.15, AFL: 0.03, PR: 0.04 },
    modifiers: ALL_MODIFIERS,
    labelled: false,
  },
  {
    name: 'Serra Telehealth',
    folder: 'serra',
    layout: 'code15',
    adapter: 'code15',
    fs: 400,
    gain: 0,
    adcBits: 32,
    mainsHz: 60,
    leadNames: ['DI', 'DII', 'DIII', 'AVR', 'AVL', 'AVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'],
    leadOrder: IDENTITY,
    durations: [7.3, 10, 10],
    share: 0.195,
    age: { mean: 52, sd: 19, min: 16, max: 100 },
    femaleShare: 0.6,
    recordsPerPatient: 1.5,
    noise: { baselineMv: 0.15, emgUv: 16, mainsUv: 15 },
    // The exams carry six labels only: every other class stays out of this center.
    rhythms: { NSR: 0.8, SB: 0.07, STach: 0.06, AF: 0.07 },
    modifiers: { IAVB: 0.05, RBBB: 0.06, LBBB: 0.04 },
    labelled: true,
  },
];

export function centerByFolder(folder: string): DemoCenter {
  const c = DEMO_CENTERS.find((x) => x.folder === folder);
  if (!c) throw new Error(`unknown demo center '${folder}'`);
  return c;
}
