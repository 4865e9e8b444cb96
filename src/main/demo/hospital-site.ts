// The demo "hospital site": synthetic 10 s 12-lead ECGs written the way an offline hospital's
// export folders hold them -- DICOM 12-lead waveforms from the PACS, HL7 aECG from the ECG
// management system, SCP-ECG from the carts (8 stored leads, as carts store them) -- in nested
// vendor-like folders, each with a fake patient's identity and the cart's diagnosis statements
// for the record's classes. Deterministic for a seed. The 'site' dataset adapter imports it; the
// returned identities are what the identity-protection tests search a workspace for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAecg } from '../formats/aecg/write.js';
import type { WritableEcg } from '../formats/clinical/write-record.js';
import { writeDicom } from '../formats/dicom/write.js';
import { writeScp } from '../formats/scp/write.js';
import { DEMO_CENTERS, type DemoCenter } from './centers.js';
import { ageOnDates } from '../formats/clinical/dates.js';
import { drawPatient, type SitePatient } from './hospital-identities.js';
import { statementsFor, UNMAPPED_STATEMENTS } from './hospital-statements.js';
import { drawClasses } from './plan.js';
import { Rng, mixSeed } from './random.js';
import { synthesizeRecord } from './synth/record.js';

export type SiteFormat = 'dicom' | 'aecg' | 'scp';

export interface HospitalSiteOptions {
  readonly records: number;
  readonly seed: number;
  /** Mean ECGs per patient (default 2.5; every patient has at least one). */
  readonly recordsPerPatient?: number;
  /** Relative shares of the formats (default DICOM 0.4, aECG 0.3, SCP-ECG 0.3). */
  readonly formatShares?: Readonly<Record<SiteFormat, number>>;
  /** The formats in turn (DICOM, aECG, SCP-ECG, ...): exactly equal parts, as bench/site-flow.mjs writes them. */
  readonly rotateFormats?: boolean;
}

export interface SiteIdentity extends SitePatient {
  /** Files holding this patient's ECGs (absolute paths). */
  readonly files: string[];
}

export interface SiteRecord {
  /** Absolute path. */
  readonly file: string;
  readonly format: SiteFormat;
  readonly patientId: string;
  /** 'YYYY-MM-DD HH:MM:SS' as written in the file. */
  readonly acquired: string;
  /** Age in whole years at acquisition. */
  readonly age: number;
  readonly sex: 'M' | 'F';
  /** True classes (abbreviations, class order). */
  readonly classes: readonly string[];
  /** Statements written into the file (class statements first, then unmapped remarks). */
  readonly statements: readonly string[];
}

export interface HospitalSite {
  readonly files: string[];
  readonly identities: SiteIdentity[];
  readonly records: SiteRecord[];
}

const FS = 500;
const SECONDS = 10;
const STD = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
/** What carts store: I, II and V1-V6 (the reader derives III, aVR, aVL, aVF). */
const CART_LEADS = [0, 1, 6, 7, 8, 9, 10, 11];
const FORMATS: readonly SiteFormat[] = ['dicom', 'aecg', 'scp'];
const BASE = Date.UTC(2019, 0, 1);
/** A general-hospital case mix: the first demo center's rhythms and findings, adult ages. */
const PROFILE: DemoCenter = DEMO_CENTERS[0];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function stamp(t: number): { date: string; time: string; compact: string } {
  const d = new Date(t);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return { date, time, compact: `${date.replace(/-/g, '')}${time.replace(/:/g, '')}` };
}

/** Where each system drops its files: the vendor-like folder and file name of one record. */
function sitePath(format: SiteFormat, patient: SitePatient, when: ReturnType<typeof stamp>, k: number): string {
  const [y, m] = when.date.split('-');
  switch (format) {
    case 'dicom':
      return join('PACS_EXPORT', 'ECG', y, m, patient.id, `ECG_${when.compact}_${pad(k, 5)}.dcm`);
    case 'aecg':
      return join('CardioVault', 'aECG', `${y}-${m}`, `${patient.id}_${when.compact}.xml`);
    case 'scp':
      // Carts name files by time of day and use upper-case extensions -- or none.
      return join('carts', k % 2 ? 'ward3_cart2' : 'ED_cart1', when.date.replace(/-/g, ''), `${when.time.replace(/:/g, '')}_${pad(k, 5)}${k % 5 === 0 ? '' : '.SCP'}`);
  }
}

function writeOne(format: SiteFormat, ecg: WritableEcg, uidSalt: string): Uint8Array {
  if (format === 'dicom') return writeDicom(ecg, { uidSalt, manufacturer: 'Acme Cardio', model: 'AC-12 Rest', institution: 'Demo General Hospital' }).bytes;
  if (format === 'aecg') return writeAecg(ecg, { idSalt: uidSalt, manufacturer: 'Acme Cardio', model: 'CardioVault 4' }).bytes;
  return writeScp(ecg, { manufacturer: 'Acme Cardio', model: 'AC12' }).bytes;
}

/** Writes `options.records` ECGs under `dir`; returns the files, the patients and each record's truth. */
export function writeHospitalSite(dir: string, options: HospitalSiteOptions): HospitalSite {
  const rng = new Rng(mixSeed(options.seed, 0x5173));
  const shares = options.formatShares ?? { dicom: 0.4, aecg: 0.3, scp: 0.3 };
  const perPatient = Math.max(1, options.recordsPerPatient ?? 2.5);
  const identities: SiteIdentity[] = [];
  const records: SiteRecord[] = [];
  let patient: SiteIdentity | undefined;
  let left = 0;
  let chronic: string[] = [];
  let day = 0;
  for (let k = 0; k < options.records; k++) {
    if (left === 0) {
      // Geometric number of ECGs per patient with the requested mean.
      left = 1;
      while (left < 12 && !rng.chance(1 / perPatient)) left++;
      day = rng.int(1500);
      const age = Math.round(rng.clampedGauss(PROFILE.age.mean, PROFILE.age.sd, 18, 95));
      patient = { ...drawPatient(rng, identities.length, age, BASE + day * 86400000), files: [] };
      identities.push(patient);
      chronic = drawClasses(rng, PROFILE);
    }
    const p = patient!;
    // Findings usually persist from one ECG of a patient to the next.
    const classes = p.files.length === 0 || rng.chance(0.75) ? chronic : drawClasses(rng, PROFILE);
    day += p.files.length === 0 ? 0 : 1 + rng.int(300);
    const when = stamp(BASE + day * 86400000 + rng.int(86400) * 1000);
    // Drawn even when rotating, so the rest of the site (patients, classes, signals) stays the same.
    const drawn = FORMATS[rng.weighted(FORMATS.map((f) => shares[f]))];
    const format = options.rotateFormats ? FORMATS[k % FORMATS.length] : drawn;
    const statements = [...statementsFor(classes), ...(rng.chance(0.3) ? [rng.pick(UNMAPPED_STATEMENTS)] : [])];
    const { leads } = synthesizeRecord({
      seed: mixSeed(options.seed, k, 0x51e0),
      patientSeed: mixSeed(options.seed, identities.length, 0x9a71),
      fs: FS,
      samples: FS * SECONDS,
      classes,
      noise: { ...PROFILE.noise, mainsHz: 50 },
    });
    const age = ageOnDates(p.birthDate, when.date);
    if (age === null) throw new Error(`demo patient ${p.id}: no age from ${p.birthDate} at ${when.date}`);
    const stored = format === 'scp' ? CART_LEADS : STD.map((_, i) => i);
    const ecg: WritableEcg = {
      fs: FS,
      leads: stored.map((i) => STD[i]),
      signals: stored.map((i) => leads[i]),
      stepUv: format === 'aecg' ? 5 : format === 'dicom' ? 2.5 : 4.88,
      patient: { id: p.id, name: p.name, birthDate: p.birthDate, sex: p.sex, age },
      date: when.date,
      time: when.time,
      statements,
    };
    const file = join(dir, sitePath(format, p, when, k));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, writeOne(format, ecg, `${options.seed}:${k}`));
    p.files.push(file);
    records.push({ file, format, patientId: p.id, acquired: `${when.date} ${when.time}`, age, sex: p.sex, classes, statements });
    left--;
  }
  return { files: records.map((r) => r.file), identities, records };
}
