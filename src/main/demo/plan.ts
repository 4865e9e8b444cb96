// The corpus plan: which record goes to which center and patient, with what demographics,
// classes, length, file name and seeds. Drawn on the main thread from the corpus seed alone, so
// the records' bytes do not depend on how workers share the work.
import { CLASSES } from '../../shared/classes.js';
import { DEMO_CENTERS, RHYTHM_CLASSES, SINUS_RHYTHMS, type DemoCenter } from './centers.js';
import { Rng, mixSeed } from './random.js';

export interface RecordPlan {
  /** Position in the corpus (0-based, centers in DEMO_CENTERS order). */
  readonly index: number;
  readonly center: string;
  /** Record name as its layout writes it. */
  readonly name: string;
  /** Record path relative to the corpus root, without extension ('serra/exams_part0.hdf5#12' for an HDF5 row). */
  readonly path: string;
  readonly patient: string;
  readonly age: number;
  readonly sex: 'M' | 'F';
  /** Class abbreviations in class-index order. */
  readonly classes: readonly string[];
  readonly seed: number;
  readonly patientSeed: number;
  readonly samples: number;
  /** 'YYYY-MM-DD HH:MM:SS'. */
  readonly recordedAt: string;
  /** Layout-specific numbers: PTB-XL ecg_id, MIMIC study_id, CODE-15 exam_id, HDF5 row. */
  readonly id: number;
  readonly row: number;
}

const CLASS_ORDER = new Map(CLASSES.map((c) => [c.abbreviation, c.index] as const));
const CONDUCTION = ['RBBB', 'LBBB', 'IRBBB', 'NSIVCB'];
const AXIS = ['LAnFB', 'LAD', 'RAD'];

/** Classes of one record: one rhythm plus compatible modifiers. */
export function drawClasses(rng: Rng, center: DemoCenter): string[] {
  const rhythmNames = Object.keys(center.rhythms);
  const rhythm = rhythmNames[rng.weighted(rhythmNames.map((r) => center.rhythms[r]))];
  const picked = new Set<string>([rhythm]);
  for (const [cls, p] of Object.entries(center.modifiers)) if (rng.chance(p)) picked.add(cls);
  const sinus = SINUS_RHYTHMS.has(rhythm);
  const keepFirst = (group: string[]) => {
    const first = group.find((g) => picked.has(g));
    for (const g of group) if (g !== first) picked.delete(g);
  };
  keepFirst(CONDUCTION);
  keepFirst(AXIS);
  keepFirst(['TInv', 'TAb']);
  keepFirst(['IAVB', 'LPR']);
  if (!sinus) ['IAVB', 'LPR', 'PAC'].forEach((c) => picked.delete(c));
  if (rhythm === 'PR') [...CONDUCTION, ...AXIS, 'QAb', 'PVC', 'LQRSV'].forEach((c) => picked.delete(c));
  if (picked.has('LBBB')) picked.delete('RAD');
  // A left anterior fascicular block deviates the axis left: real labels carry both.
  if (picked.has('LAnFB') && 'LAD' in center.modifiers) picked.add('LAD');
  return [...picked].sort((a, b) => (CLASS_ORDER.get(a) ?? 99) - (CLASS_ORDER.get(b) ?? 99));
}

/** Record counts per center by largest remainder, so they add up to `total`. */
function centerCounts(total: number): number[] {
  const raw = DEMO_CENTERS.map((c) => c.share * total);
  const counts = raw.map(Math.floor);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[order[k % order.length][1]]++;
  return counts;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function timestamp(base: number, offsetDays: number, rng: Rng): string {
  const t = new Date(base + offsetDays * 86400000 + rng.int(86400) * 1000);
  return t.toISOString().slice(0, 19).replace('T', ' ');
}

function namesFor(center: DemoCenter, k: number, patient: number, id: number): { name: string; path: string } {
  const f = center.folder;
  switch (center.layout) {
    case 'cinc-mat':
      return { name: `M${pad(k + 1, 5)}`, path: `${f}/M${pad(k + 1, 5)}` };
    case 'wfdb-212-long':
      return { name: `L${pad(k + 1, 4)}`, path: `${f}/L${pad(k + 1, 4)}` };
    case 'wfdb-212':
      return { name: `q${pad(k + 1, 5)}`, path: `${f}/q${pad(k + 1, 5)}` };
    case 'wfdb-16':
      return { name: `s${pad(k + 1, 4)}_re`, path: `${f}/patient${pad(patient + 1, 3)}/s${pad(k + 1, 4)}_re` };
    case 'ptbxl': {
      const group = pad(Math.floor(id / 1000) * 1000, 5);
      return { name: `${pad(id, 5)}_hr`, path: `${f}/records500/${group}/${pad(id, 5)}_hr` };
    }
    case 'mimic': {
      const subject = String(10000000 + patient * 37 + 32);
      return { name: String(id), path: `${f}/files/p${subject.slice(0, 4)}/p${subject}/s${id}/${id}` };
    }
    case 'code15':
      return { name: String(id), path: `${f}/exams_part0.hdf5#${k}` };
  }
}

function idFor(center: DemoCenter, k: number): number {
  if (center.layout === 'ptbxl') return k + 1;
  if (center.layout === 'mimic') return 40000017 + k * 7919;
  if (center.layout === 'code15') return 100003 + k * 13;
  return k + 1;
}

export function patientIdFor(center: DemoCenter, patient: number): string {
  if (center.layout === 'mimic') return String(10000000 + patient * 37 + 32);
  if (center.layout === 'code15') return String(500000 + patient * 3);
  if (center.layout === 'ptbxl') return String(15000 + patient);
  return `${center.folder}-${pad(patient + 1, 5)}`;
}

const BASE_DATES: Readonly<Record<string, number>> = {
  'cinc-mat': Date.UTC(2018, 0, 1),
  'wfdb-212-long': Date.UTC(2004, 0, 1),
  'wfdb-212': Date.UTC(2012, 0, 1),
  'wfdb-16': Date.UTC(1991, 0, 1),
  ptbxl: Date.UTC(1989, 0, 1),
  mimic: Date.UTC(2150, 0, 1),
  code15: Date.UTC(2011, 0, 1),
};

/**
 * Probability per non-rhythm class that replaces each center's own, in the centers that draw the
 * class at all (a CODE-15-style center still draws only its six labels). Not used by the demo: tests
 * raise a class with a clear signal (e.g. LAD, RBBB) so a small test set holds enough positives.
 */
export type ClassPrevalence = Readonly<Record<string, number>>;

/** Throws on a rhythm class (one rhythm per record is drawn by weight, not by chance), an unknown class or a value outside [0, 1]. */
export function checkPrevalence(prevalence: ClassPrevalence): void {
  for (const [cls, p] of Object.entries(prevalence)) {
    if ((RHYTHM_CLASSES as readonly string[]).includes(cls)) throw new Error(`prevalence: ${cls} is a rhythm class; only non-rhythm classes can be raised`);
    if (!DEMO_CENTERS.some((c) => cls in c.modifiers)) throw new Error(`prevalence: unknown non-rhythm class '${cls}'`);
    if (!(p >= 0 && p <= 1)) throw new Error(`prevalence: ${cls} must lie in [0, 1], got ${p}`);
  }
}

function withPrevalence(center: DemoCenter, prevalence: ClassPrevalence): DemoCenter {
  const modifiers = { ...center.modifiers };
  for (const [cls, p] of Object.entries(prevalence)) if (cls in modifiers) modifiers[cls] = p;
  return { ...center, modifiers };
}

export function planCorpus(seed: number, total: number, prevalence: ClassPrevalence = {}): RecordPlan[] {
  checkPrevalence(prevalence);
  const counts = centerCounts(total);
  const plans: RecordPlan[] = [];
  DEMO_CENTERS.forEach((demoCenter, ci) => {
    const center = withPrevalence(demoCenter, prevalence);
    const rng = new Rng(mixSeed(seed, ci, 0x51a7));
    let patient = -1;
    let left = 0;
    let base = { age: 0, sex: 'M' as 'M' | 'F', classes: [] as string[], day: 0 };
    let nth = 0;
    for (let k = 0; k < counts[ci]; k++) {
      if (left === 0) {
        patient++;
        nth = 0;
        // Geometric number of records per patient with the center's mean.
        left = 1;
        const p = 1 / center.recordsPerPatient;
        while (left < 12 && !rng.chance(p)) left++;
        const a = center.age;
        base = {
          age: Math.round(rng.clampedGauss(a.mean, a.sd, a.min, a.max)),
          sex: rng.chance(center.femaleShare) ? 'F' : 'M',
          classes: drawClasses(rng, center),
          day: rng.int(1500),
        };
      }
      // Chronic findings usually persist across a patient's records; sometimes they change.
      const classes = nth === 0 || rng.chance(0.75) ? base.classes : drawClasses(rng, center);
      const day = base.day + nth * rng.int(400);
      const id = idFor(center, k);
      const { name, path } = namesFor(center, k, patient, id);
      const duration = center.durations[rng.int(center.durations.length)];
      plans.push({
        index: plans.length,
        center: center.folder,
        name,
        path,
        patient: patientIdFor(center, patient),
        age: Math.min(center.age.max, base.age + Math.floor(day / 365) - Math.floor(base.day / 365)),
        sex: base.sex,
        classes,
        seed: mixSeed(seed, ci, k, 0x7ec0),
        patientSeed: mixSeed(seed, ci, patient, 0x9a71),
        samples: Math.round(duration * center.fs),
        recordedAt: timestamp(BASE_DATES[center.layout], day, rng),
        id,
        row: k,
      });
      left--;
      nth++;
    }
  });
  return plans;
}
