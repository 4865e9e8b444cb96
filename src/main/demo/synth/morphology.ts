// Beat shapes of one record: the conducted QRS-T (normal, bundle-branch blocks, widened, Q waves,
// axis deviation, low voltage, long QT, T inversion), the P waves (sinus and ectopic), PVC foci
// and the paced beat. All times are seconds from QRS onset (P components from QRS onset too).
import { DOWER, frontalAxisDeg, rotateFrontal, type Vec3 } from './leadfield.js';
import { dipoleAt, netArea, scaleComponents, type Component } from './render.js';
import type { Rng } from '../random.js';

export interface VentricularShape {
  readonly qrs: readonly Component[];
  readonly t: readonly Component[];
  /** QRS duration (s). */
  readonly qrsDur: number;
  /** QT at RR = 1 s (s); T components are placed for it and stretched with RR. */
  readonly qt1: number;
  /** Time of the largest dipole magnitude within the QRS (the R fiducial), s from onset. */
  readonly rAt: number;
}

export interface Morphology {
  readonly conducted: VentricularShape;
  readonly pvcFoci: readonly VentricularShape[];
  readonly paced: VentricularShape;
  /** Pacing spike dipole (mV on one sample). */
  readonly spike: Vec3;
  readonly sinusP: readonly Component[];
  readonly ectopicP: readonly Component[];
  /** P onset to QRS onset (s). */
  readonly pr: number;
  readonly qtc: number;
  readonly axisDeg: number;
  /** Largest peak-to-peak QRS amplitude over the six limb leads (mV), noise-free. */
  readonly limbP2p: number;
}

/** Patient-level traits that stay the same across a patient's records. */
export interface PatientTraits {
  readonly axisDeg: number;
  readonly qrsAmp: number;
  readonly qrsDur: number;
  readonly pr: number;
  readonly qtc: number;
  readonly tAmp: number;
  readonly pAmp: number;
  readonly zTilt: number;
}

export function drawPatientTraits(rng: Rng): PatientTraits {
  return {
    axisDeg: rng.clampedGauss(45, 22, -12, 78),
    qrsAmp: rng.clampedGauss(1, 0.2, 0.65, 1.5),
    qrsDur: rng.clampedGauss(0.088, 0.007, 0.076, 0.1),
    pr: rng.clampedGauss(0.158, 0.016, 0.128, 0.188),
    qtc: rng.clampedGauss(0.41, 0.015, 0.38, 0.438),
    tAmp: rng.clampedGauss(1, 0.2, 0.6, 1.5),
    pAmp: rng.clampedGauss(1, 0.15, 0.7, 1.3),
    zTilt: rng.clampedGauss(0, 0.12, -0.25, 0.25),
  };
}

const c = (t: number, sigma: number, v: Vec3): Component => ({ t, sigma, v });
const mul = (v: Vec3, k: number): Vec3 => [v[0] * k, v[1] * k, v[2] * k];

type Conduction = 'normal' | 'RBBB' | 'IRBBB' | 'LBBB' | 'NSIVCB';

/** The conducted QRS for a conduction pattern and duration D (s), before axis rotation. */
function conductedQrs(kind: Conduction, d: number, zTilt: number, qab: boolean): Component[] {
  const comps: Component[] = [];
  if (kind === 'LBBB') {
    // Septum activated right-to-left, then a slow left-ventricular front: broad notched R in V6, QS in V1.
    comps.push(c(0.32 * d, 0.115 * d, [0.7, 0.25, 0.55 + zTilt]), c(0.64 * d, 0.115 * d, [0.8, 0.15, 0.7 + zTilt]));
  } else if (kind === 'RBBB' || kind === 'IRBBB') {
    // Left ventricle on time, right ventricle late: terminal rightward-anterior R' (rsR' in V1, wide S in I/V6).
    const rv = kind === 'RBBB' ? 1 : 0.55;
    comps.push(
      c(0.1 * d, 0.045 * d, [-0.12, 0.02, -0.2]),
      c(0.32 * d, 0.085 * d, [0.95, 0.8, 0.3 + zTilt]),
      c(0.52 * d, 0.06 * d, [-0.1, -0.2, 0.45]),
      c(0.78 * d, 0.088 * d, mul([-0.5, 0.05, -0.75], rv)),
    );
  } else {
    comps.push(
      c(0.18 * d, 0.06 * d, [-0.12, 0.02, -0.2]),
      c(0.48 * d, 0.12 * d, [0.9, 0.75, 0.3 + zTilt]),
      c(0.8 * d, 0.08 * d, [-0.25, -0.3, 0.35]),
    );
  }
  if (qab) comps.unshift(c(0.016, 0.01, [0.02, -0.5, 0.05]));
  return comps;
}

/** Rotates QRS components in the frontal plane so the net-area axis lands on `target` degrees. */
function rotateToAxis(comps: Component[], target: number): Component[] {
  let rot = 0;
  let out = comps;
  for (let i = 0; i < 6; i++) {
    const axis = frontalAxisDeg(netArea(out));
    const err = wrapDeg(target - axis);
    if (Math.abs(err) < 0.5) break;
    rot += err;
    out = comps.map((x) => ({ t: x.t, sigma: x.sigma, v: rotateFrontal(x.v, rot) }));
  }
  return out;
}

function wrapDeg(d: number): number {
  return ((((d + 180) % 360) + 360) % 360) - 180;
}

/** Peak-to-peak over the limb leads of components spanning [0, dur] (1 kHz grid). */
export function limbPeakToPeak(comps: readonly Component[], dur: number): number {
  const lo = new Array<number>(6).fill(Infinity);
  const hi = new Array<number>(6).fill(-Infinity);
  for (let t = -0.02; t <= dur + 0.02; t += 0.001) {
    const v = dipoleAt(comps, t);
    const a = DOWER[0][0] * v[0] + DOWER[0][1] * v[1] + DOWER[0][2] * v[2];
    const b = DOWER[1][0] * v[0] + DOWER[1][1] * v[1] + DOWER[1][2] * v[2];
    const leads = [a, b, b - a, -(a + b) / 2, a - b / 2, b - a / 2];
    for (let i = 0; i < 6; i++) {
      lo[i] = Math.min(lo[i], leads[i]);
      hi[i] = Math.max(hi[i], leads[i]);
    }
  }
  return Math.max(...hi.map((h, i) => h - lo[i]));
}

function rFiducial(comps: readonly Component[], dur: number): number {
  let best = 0;
  let at = 0;
  for (let t = 0; t <= dur; t += 0.001) {
    const v = dipoleAt(comps, t);
    const m = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    if (m > best) {
      best = m;
      at = t;
    }
  }
  return at;
}

/** T wave: two Gaussians ending at QT (s), slower upstroke than downstroke. */
function tWave(qt: number, v: Vec3, biphasic: boolean): Component[] {
  const s2 = 0.038;
  const t2 = qt - 2.4 * s2;
  const second: Vec3 = biphasic ? mul(v, -0.8) : v;
  return [c(t2 - 0.065, 0.058, mul(v, 0.62)), c(t2, s2, second)];
}

function shape(qrs: Component[], qrsDur: number, qt1: number, tv: Vec3, biphasic = false): VentricularShape {
  return { qrs, t: tWave(qt1, tv, biphasic), qrsDur, qt1, rAt: rFiducial(qrs, qrsDur) };
}

/** The ectopic ventricular beat from a focus: bundle-branch-like, wide, large, discordant T. */
function ectopicShape(rng: Rng, kind: 'LBBB' | 'RBBB', d: number, axis: number, amp: number, qt1: number): VentricularShape {
  const qrs = scaleComponents(rotateToAxis(conductedQrs(kind, d, 0, false), axis), amp);
  const net = netArea(qrs);
  const norm = Math.hypot(net[0], net[1], net[2]) || 1;
  const tv = mul(net, (-0.45 * amp) / norm);
  return shape(qrs, d, Math.max(qt1, d + 0.28), tv, rng.chance(0.2));
}

export function buildMorphology(rng: Rng, traits: PatientTraits, classes: ReadonlySet<string>): Morphology {
  const conduction: Conduction = (['LBBB', 'RBBB', 'IRBBB', 'NSIVCB'] as const).find((k) => classes.has(k)) ?? 'normal';
  let d = traits.qrsDur;
  if (conduction === 'RBBB') d = rng.uniform(0.13, 0.16);
  else if (conduction === 'LBBB') d = rng.uniform(0.14, 0.17);
  else if (conduction === 'IRBBB') d = rng.uniform(0.1, 0.112);
  else if (conduction === 'NSIVCB') d = rng.uniform(0.114, 0.13);
  if (classes.has('LAnFB') && conduction === 'normal') d = Math.max(d, rng.uniform(0.095, 0.108));

  let axis = traits.axisDeg;
  if (classes.has('LAnFB')) axis = rng.uniform(-80, -48);
  else if (classes.has('LAD')) axis = rng.uniform(-75, -36);
  else if (classes.has('RAD')) axis = rng.uniform(100, 150);
  else if (conduction === 'LBBB') axis = Math.min(axis, rng.uniform(-15, 30));

  let qrs = rotateToAxis(conductedQrs(conduction, d, traits.zTilt, classes.has('QAb')), axis);
  qrs = scaleComponents(qrs, traits.qrsAmp);
  let p2p = limbPeakToPeak(qrs, d);
  // Low voltage is defined on the limb leads; every other record keeps them clearly above it.
  const target = classes.has('LQRSV') ? rng.uniform(0.28, 0.44) : Math.max(p2p, 0.8);
  const amp = target / p2p;
  qrs = scaleComponents(qrs, amp);
  p2p *= amp;
  // Low voltage (effusion, obesity, emphysema) damps every wave, not the QRS alone.
  const global = classes.has('LQRSV') ? amp : 1;

  const qtc = classes.has('LQT') ? rng.uniform(0.475, 0.54) : traits.qtc;
  const qt1 = Math.max(qtc, d + 0.26);
  let tv: Vec3;
  if (conduction === 'LBBB' || conduction === 'RBBB') {
    // Secondary repolarisation change: T opposite to the delayed (terminal) depolarisation.
    const late = dipoleAt(qrs, 0.75 * d);
    const norm = Math.hypot(late[0], late[1], late[2]) || 1;
    tv = mul(late, (-0.32 * traits.tAmp * Math.max(global, 0.6)) / norm);
  } else {
    tv = mul(rotateFrontal([0.3, 0.15, -0.12], (axis - 45) * 0.4), traits.tAmp * global);
  }
  let biphasic = false;
  if (classes.has('TInv')) tv = mul(tv, -rng.uniform(0.6, 1.2));
  else if (classes.has('TAb')) {
    biphasic = rng.chance(0.4);
    tv = mul(tv, biphasic ? 0.5 : rng.uniform(0.08, 0.2));
  }
  const conducted = shape(qrs, d, qt1, tv, biphasic);

  const pAmp = traits.pAmp * (classes.has('LQRSV') ? 0.6 : 1);
  const pDur = rng.uniform(0.085, 0.11);
  let pr = traits.pr;
  if (classes.has('IAVB')) pr = rng.uniform(0.225, 0.32);
  else if (classes.has('LPR')) pr = rng.uniform(0.215, 0.26);
  pr = Math.max(pr, pDur + 0.035);
  const p0 = -pr;
  const sinusP = [c(p0 + 0.35 * pDur, 0.14 * pDur, mul([0.02, 0.09, -0.05], pAmp)), c(p0 + 0.62 * pDur, 0.14 * pDur, mul([0.07, 0.04, 0.04], pAmp))];
  const ePr = rng.uniform(0.12, 0.16);
  const ectopicP = [c(-ePr + 0.45 * pDur, 0.2 * pDur, mul([0.04, -0.09, 0.03], pAmp))];

  const foci = [
    ectopicShape(rng, rng.chance(0.6) ? 'LBBB' : 'RBBB', rng.uniform(0.14, 0.18), rng.uniform(-90, 150), rng.uniform(1.3, 2), qt1),
    ectopicShape(rng, rng.chance(0.5) ? 'LBBB' : 'RBBB', rng.uniform(0.14, 0.18), rng.uniform(-90, 150), rng.uniform(1.3, 2), qt1),
  ];
  const paced = ectopicShape(rng, 'LBBB', rng.uniform(0.15, 0.18), rng.uniform(-85, -55), rng.uniform(1, 1.4), qt1);
  const spikeAmp = rng.uniform(1.5, 3.5);
  return {
    conducted,
    pvcFoci: foci,
    paced,
    spike: mul([0.25, -0.9, -0.5], spikeAmp),
    sinusP,
    ectopicP,
    pr,
    qtc,
    axisDeg: frontalAxisDeg(netArea(qrs)),
    limbP2p: p2p,
  };
}
