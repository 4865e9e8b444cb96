// One synthetic 12-lead record: beat timing, beat shapes, atrial activity and electrode noise,
// rendered as a dipole and projected onto the leads, with the ground truth the tests check.
import { Rng } from '../random.js';
import { electrodeNoise, type NoiseProfile } from './noise.js';
import { projectToLeads } from './leadfield.js';
import { buildMorphology, drawPatientTraits, type Morphology, type VentricularShape } from './morphology.js';
import { addComponents, newDipole, type Dipole } from './render.js';
import { buildRhythm, rrCv, type Rhythm, type RhythmPlan } from './rhythm.js';

/** Beats closer than this to a record end are cut and left out of the truth (as the detector does). */
const EDGE_S = 0.05;

export interface RecordSpec {
  /** Seed of this record (rhythm, variability, noise). */
  readonly seed: number;
  /** Seed of the patient (stable traits across the patient's records). */
  readonly patientSeed: number;
  readonly fs: number;
  readonly samples: number;
  /** Class abbreviations (CLASSES of src/shared/classes.ts). */
  readonly classes: readonly string[];
  readonly noise: NoiseProfile;
}

export interface RecordTruth {
  readonly rhythm: Rhythm;
  /** Mean heart rate over the R peaks inside the record (bpm). */
  readonly hr: number;
  readonly rrCv: number;
  /** R fiducial times inside the record, at least 50 ms from either end (ms). */
  readonly beats: number[];
  readonly qrsMs: number;
  /** PR interval of conducted sinus beats, null without sinus P waves. */
  readonly prMs: number | null;
  /** QT at the mean RR (Bazett) and QTc (ms). */
  readonly qtMs: number;
  readonly qtcMs: number;
  readonly axisDeg: number;
  readonly limbP2pMv: number;
  readonly pacCount: number;
  readonly pvcCount: number;
}

export interface SynthRecord {
  /** Leads I, II, III, aVR, aVL, aVF, V1..V6 in mV. */
  readonly leads: Float64Array[];
  readonly truth: RecordTruth;
}

function shapeOf(m: Morphology, kind: string, focus: number): VentricularShape {
  if (kind === 'pvc') return m.pvcFoci[focus];
  if (kind === 'paced') return m.paced;
  return m.conducted;
}

function renderBeats(dip: Dipole, fs: number, m: Morphology, plan: RhythmPlan, rng: Rng): void {
  const sinus = plan.rhythm === 'sinus';
  for (const b of plan.beats) {
    const shape = shapeOf(m, b.kind, b.focus);
    const resp = Math.sin(2 * Math.PI * plan.respHz * b.onset + plan.respPhase);
    const gain = (1 + 0.04 * resp) * (1 + 0.015 * rng.normal());
    const rotateDeg = 4 * resp + 0.8 * rng.normal();
    const rr = Math.min(2, Math.max(0.3, b.rr));
    const qt = shape.qt1 * Math.sqrt(rr);
    const stretch = Math.max(0.45, (qt - shape.qrsDur) / (shape.qt1 - shape.qrsDur));
    const place = { at: b.onset, gain, rotateDeg, stretchFrom: shape.qrsDur, stretch };
    addComponents(dip, fs, shape.qrs, place);
    addComponents(dip, fs, shape.t, place);
    if (b.kind === 'pac') addComponents(dip, fs, m.ectopicP, place);
    else if (b.kind === 'conducted' && sinus) addComponents(dip, fs, m.sinusP, place);
    if (b.kind === 'paced') {
      // A pacemaker spike is far shorter than a sample: it lands on one sample, as ECG machines mark it.
      const i = Math.round((b.onset - 0.002) * fs);
      if (i >= 0 && i < dip[0].length) for (let a = 0; a < 3; a++) dip[a][i] += m.spike[a];
    }
  }
}

/** Fibrillatory f waves or sawtooth flutter waves, added over the whole record. */
function renderAtrial(dip: Dipole, fs: number, plan: RhythmPlan, rng: Rng): void {
  const n = dip[0].length;
  if (plan.rhythm === 'af') {
    const amp = rng.uniform(0.04, 0.11);
    const v = [-0.15 * amp, 0.25 * amp, -0.95 * amp];
    const fm = rng.uniform(0.05, 0.15);
    const am = rng.uniform(0.1, 0.3);
    let phase = rng.uniform(0, 2 * Math.PI);
    const psi = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < n; i++) {
      const t = i / fs;
      phase += (2 * Math.PI * plan.atrialHz * (1 + 0.08 * Math.sin(2 * Math.PI * fm * t))) / fs;
      const a = (1 + 0.4 * Math.sin(2 * Math.PI * am * t + psi)) * (Math.sin(phase) + 0.35 * Math.sin(2 * phase + psi));
      dip[0][i] += v[0] * a;
      dip[1][i] += v[1] * a;
      dip[2][i] += v[2] * a;
    }
  } else if (plan.rhythm === 'flutter') {
    const amp = rng.uniform(0.9, 1.5);
    const v = [0.03 * amp, -0.17 * amp, -0.06 * amp];
    for (let i = 0; i < n; i++) {
      const ph = 2 * Math.PI * plan.atrialHz * (i / fs - plan.atrialPhase0);
      // Sawtooth from its first harmonics: slow descent, quick return.
      const a = Math.sin(ph) - Math.sin(2 * ph) / 2 + Math.sin(3 * ph) / 3 - Math.sin(4 * ph) / 4;
      dip[0][i] += v[0] * a;
      dip[1][i] += v[1] * a;
      dip[2][i] += v[2] * a;
    }
  }
}

export function synthesizeRecord(spec: RecordSpec): SynthRecord {
  const classes = new Set(spec.classes);
  const traits = drawPatientTraits(new Rng(spec.patientSeed));
  const rng = new Rng(spec.seed);
  const morph = buildMorphology(rng, traits, classes);
  const duration = spec.samples / spec.fs;
  const plan = buildRhythm(rng, classes, duration);
  const dip = newDipole(spec.samples);
  renderBeats(dip, spec.fs, morph, plan, rng);
  renderAtrial(dip, spec.fs, plan, rng);
  const noise = electrodeNoise(rng, spec.fs, spec.samples, spec.noise, plan.respHz, plan.respPhase);
  const leads = projectToLeads(dip, noise);

  const rTimes: number[] = [];
  for (const b of plan.beats) {
    const r = b.onset + shapeOf(morph, b.kind, b.focus).rAt;
    if (r >= EDGE_S && r < duration - EDGE_S) rTimes.push(r);
  }
  const meanRr = rTimes.length > 1 ? (rTimes[rTimes.length - 1] - rTimes[0]) / (rTimes.length - 1) : NaN;
  const qt = morph.conducted.qt1 * Math.sqrt(Math.min(2, Math.max(0.3, meanRr)));
  const truth: RecordTruth = {
    rhythm: plan.rhythm,
    hr: round(60 / meanRr, 2),
    rrCv: round(rrCv(rTimes), 4),
    beats: rTimes.map((t) => Math.round(t * 1000)),
    qrsMs: Math.round(morph.conducted.qrsDur * 1000),
    prMs: plan.rhythm === 'sinus' ? Math.round(morph.pr * 1000) : null,
    qtMs: Math.round(qt * 1000),
    qtcMs: Math.round(morph.conducted.qt1 * 1000),
    axisDeg: Math.round(morph.axisDeg),
    limbP2pMv: round(morph.limbP2p, 3),
    pacCount: plan.beats.filter((b) => b.kind === 'pac' && b.onset >= 0 && b.onset < duration).length,
    pvcCount: plan.beats.filter((b) => b.kind === 'pvc' && b.onset >= 0 && b.onset < duration).length,
  };
  return { leads, truth };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
