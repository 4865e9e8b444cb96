// Beat timing: sinus rhythm with respiratory sinus arrhythmia and LF variability, atrial
// fibrillation (irregularly irregular), atrial flutter with 2:1..4:1 conduction, junctional
// escape, ventricular pacing, and premature atrial / ventricular beats placed into them.
import type { Rng } from '../random.js';

export type Rhythm = 'sinus' | 'af' | 'flutter' | 'junctional' | 'paced';
export type BeatKind = 'conducted' | 'pac' | 'pvc' | 'paced';

export interface Beat {
  /** QRS onset (s from record start; may be negative or past the end). */
  readonly onset: number;
  readonly kind: BeatKind;
  /** Preceding RR (s), for QT rate adaptation. */
  readonly rr: number;
  /** PVC focus index. */
  readonly focus: number;
}

export interface RhythmPlan {
  readonly rhythm: Rhythm;
  readonly beats: readonly Beat[];
  readonly respHz: number;
  readonly respPhase: number;
  /** Flutter frequency (Hz) and the time of a flutter-wave start; fibrillation mean frequency. */
  readonly atrialHz: number;
  readonly atrialPhase0: number;
}

export function rhythmOf(classes: ReadonlySet<string>): Rhythm {
  if (classes.has('AF')) return 'af';
  if (classes.has('AFL')) return 'flutter';
  if (classes.has('PR')) return 'paced';
  if (classes.has('Brady')) return 'junctional';
  return 'sinus';
}

/** Target ectopic times spread over the record, `count` of them. */
function ectopicTimes(rng: Rng, count: number, duration: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(duration * ((i + rng.uniform(0.25, 0.75)) / count));
  return times;
}

export function buildRhythm(rng: Rng, classes: ReadonlySet<string>, duration: number): RhythmPlan {
  const rhythm = rhythmOf(classes);
  const respHz = rng.uniform(0.18, 0.33);
  const respPhase = rng.uniform(0, 2 * Math.PI);
  const start = -1.6;
  const end = duration + 1.2;
  const ectopicCount = Math.max(1, Math.min(6, Math.round((duration / 10) * rng.uniform(0.8, 2.4))));
  const pacs = classes.has('PAC') && rhythm === 'sinus' ? ectopicTimes(rng, ectopicCount, duration) : [];
  const pvcs = classes.has('PVC') && rhythm !== 'paced' ? ectopicTimes(rng, ectopicCount, duration) : [];
  const focusCount = rng.chance(0.3) ? 2 : 1;
  let atrialHz = 0;
  let atrialPhase0 = 0;
  let beats: Beat[] = [];

  if (rhythm === 'sinus') {
    let bpm: number;
    if (classes.has('SB')) bpm = rng.uniform(42, 57);
    else if (classes.has('STach')) bpm = rng.uniform(103, 145);
    else bpm = rng.uniform(62, 97);
    const rr0 = 60 / bpm;
    const sa = classes.has('SA');
    const aR = sa ? rng.uniform(0.1, 0.17) : rng.uniform(0.012, 0.03) * Math.min(1, rr0);
    const aL = sa ? rng.uniform(0.03, 0.06) : rng.uniform(0.008, 0.02);
    const fL = rng.uniform(0.07, 0.12);
    const pL = rng.uniform(0, 2 * Math.PI);
    const rrAt = (t: number) =>
      rr0 * (1 + aR * Math.sin(2 * Math.PI * respHz * t + respPhase) + aL * Math.sin(2 * Math.PI * fL * t + pL) + 0.005 * rng.normal());
    let t = start + rng.uniform(0, rr0);
    let prev = rr0;
    while (t < end) {
      beats.push({ onset: t, kind: 'conducted', rr: prev, focus: 0 });
      const rr = rrAt(t);
      const next = t + rr;
      if (pacs.length > 0 && pacs[0] <= next) {
        pacs.shift();
        const at = t + rr * rng.uniform(0.58, 0.74);
        beats.push({ onset: at, kind: 'pac', rr: at - t, focus: 0 });
        prev = at - t;
        t = at + rrAt(at);
        continue;
      }
      if (pvcs.length > 0 && pvcs[0] <= next) {
        pvcs.shift();
        const at = t + rr * rng.uniform(0.52, 0.68);
        beats.push({ onset: at, kind: 'pvc', rr: at - t, focus: rng.int(focusCount) });
        // Compensatory pause: the sinus node fires on schedule, the P after the PVC is not conducted.
        prev = t + 2 * rr - at;
        t += 2 * rr;
        continue;
      }
      prev = rr;
      t = next;
    }
  } else if (rhythm === 'af') {
    const rr0 = 60 / rng.uniform(65, 135);
    const sigma = rng.uniform(0.2, 0.3);
    atrialHz = rng.uniform(5.5, 8);
    for (let attempt = 0; attempt < 30; attempt++) {
      beats = [];
      let t = start + rng.uniform(0, rr0);
      let prev = rr0;
      const pending = [...pvcs];
      while (t < end) {
        const rr = Math.max(0.36, rr0 * Math.exp(sigma * rng.normal() - (sigma * sigma) / 2));
        // A PVC comes at least 400 ms after the beat before it (its coupling interval).
        if (pending.length > 0 && pending[0] <= t + rr && prev >= 0.4) {
          pending.shift();
          beats.push({ onset: t, kind: 'pvc', rr: prev, focus: rng.int(focusCount) });
        } else beats.push({ onset: t, kind: 'conducted', rr: prev, focus: 0 });
        prev = rr;
        t += rr;
      }
      // AF is defined by its irregularity: keep only series that show it within the record.
      if (rrCv(beats.map((b) => b.onset).filter((x) => x >= 0 && x < duration)) >= 0.12) break;
    }
  } else if (rhythm === 'flutter') {
    atrialHz = rng.uniform(4.3, 5.4);
    const cycle = 1 / atrialHz;
    atrialPhase0 = start - rng.uniform(0, cycle);
    const delay = rng.uniform(0.2, 0.28);
    const variable = rng.chance(0.3);
    const fixed = [2, 3, 4][rng.weighted([0.55, 0.15, 0.3])];
    let ci = 0;
    let prev = fixed * cycle;
    while (atrialPhase0 + ci * cycle + delay < end) {
      const onset = atrialPhase0 + ci * cycle + delay;
      beats.push({ onset, kind: 'conducted', rr: prev, focus: 0 });
      const ratio = variable ? [2, 3, 4][rng.weighted([0.4, 0.25, 0.35])] : fixed;
      prev = ratio * cycle;
      ci += ratio;
    }
  } else {
    const bpm = rhythm === 'paced' ? Math.round(rng.uniform(60, 80)) : rng.uniform(36, 54);
    const rr0 = 60 / bpm;
    const jitter = rhythm === 'paced' ? 0 : 0.004;
    let t = start + rng.uniform(0, rr0);
    let prev = rr0;
    while (t < end) {
      const rr = rr0 * (1 + jitter * rng.normal());
      if (pvcs.length > 0 && pvcs[0] <= t + rr) {
        pvcs.shift();
        const at = t + rr * rng.uniform(0.55, 0.7);
        beats.push({ onset: t, kind: rhythm === 'paced' ? 'paced' : 'conducted', rr: prev, focus: 0 });
        beats.push({ onset: at, kind: 'pvc', rr: at - t, focus: rng.int(focusCount) });
        prev = t + rr - at + rr0;
        t = at + rr0;
        continue;
      }
      beats.push({ onset: t, kind: rhythm === 'paced' ? 'paced' : 'conducted', rr: prev, focus: 0 });
      prev = rr;
      t += rr;
    }
  }
  return { rhythm, beats, respHz, respPhase, atrialHz, atrialPhase0 };
}

/** Coefficient of variation of the intervals between sorted times. */
export function rrCv(times: readonly number[]): number {
  if (times.length < 3) return 0;
  const rr: number[] = [];
  for (let i = 1; i < times.length; i++) rr.push(times[i] - times[i - 1]);
  const mean = rr.reduce((a, b) => a + b, 0) / rr.length;
  const v = rr.reduce((a, b) => a + (b - mean) * (b - mean), 0) / rr.length;
  return Math.sqrt(v) / mean;
}
