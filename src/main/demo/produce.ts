// Synthesises one planned record and writes it in its center's layout. Runs in a worker thread or
// in-process; returns the ground truth, and for HDF5 centers the padded tracing the main thread
// writes into the shared part file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { centerByFolder, type DemoCenter } from './centers.js';
import { snomedCodes } from './labels.js';
import type { RecordPlan } from './plan.js';
import { synthesizeRecord, type RecordTruth } from './synth/record.js';
import { padTracing } from './writers/code15.js';
import { encodeMat4 } from './writers/mat.js';
import { decimate } from './writers/decimate.js';
import { encodeFormat16, encodeFormat212, headerText, quantize } from '../formats/wfdb/write.js';

export interface Produced {
  readonly index: number;
  readonly truth: RecordTruth;
  /** CODE-15 row (4096 x 12 float32), for the main thread's HDF5 writer. */
  readonly tracing?: Float32Array;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 'YYYY-MM-DD HH:MM:SS' as CinC headers write it: '12-May-2020 12:33:59' (date before time, as the challenge files have it). */
function cincDateTime(at: string): string {
  const [d, t] = at.split(' ');
  const [y, m, day] = d.split('-');
  return `${day}-${MONTHS[Number(m) - 1]}-${y} ${t}`;
}

/** WFDB's own order: 'HH:MM:SS DD/MM/YYYY'. */
function wfdbTimeDate(at: string): string {
  const [d, t] = at.split(' ');
  const [y, m, day] = d.split('-');
  return `${t} ${day}/${m}/${y}`;
}

function cincComments(plan: RecordPlan, labelled: boolean): string[] {
  return [
    `#Age: ${plan.age}`,
    `#Sex: ${plan.sex === 'F' ? 'Female' : 'Male'}`,
    `#Dx: ${labelled ? snomedCodes(plan.classes).join(',') : ''}`,
    '#Rx: Unknown',
    '#Hx: Unknown',
    '#Sx: Unknown',
  ];
}

/** Channels in the center's file order. */
function fileOrder(center: DemoCenter, leads: readonly Float64Array[]): Float64Array[] {
  return center.leadOrder.map((i) => leads[i]);
}

function writeWfdb(base: string, record: string, center: DemoCenter, leads: readonly Float64Array[], fmt: '16' | '212', fs: number, tail: string | undefined, gainField: string, comments: string[]): void {
  const adc = quantize(fileOrder(center, leads), center.gain, 0, fmt === '16' ? 16 : 12);
  const file = `${record}.dat`;
  mkdirSync(dirname(base), { recursive: true });
  writeFileSync(`${base}.dat`, fmt === '16' ? encodeFormat16(adc) : encodeFormat212(adc));
  const header = headerText({ record, fs, samples: adc[0].length, recordLineTail: tail, fileName: file, fmt, gainField, adcRes: fmt === '16' ? 16 : 12, adcZero: 0, leadNames: center.leadNames, adc, comments });
  writeFileSync(`${base}.hea`, header);
}

export function produceRecord(outDir: string, plan: RecordPlan): Produced {
  const center = centerByFolder(plan.center);
  const { leads, truth } = synthesizeRecord({
    seed: plan.seed,
    patientSeed: plan.patientSeed,
    fs: center.fs,
    samples: plan.samples,
    classes: plan.classes,
    noise: { ...center.noise, mainsHz: center.mainsHz },
  });
  const base = join(outDir, plan.path);
  switch (center.layout) {
    case 'cinc-mat': {
      const adc = quantize(fileOrder(center, leads), center.gain, 0, 16);
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(`${base}.mat`, encodeMat4(adc));
      const header = headerText({
        record: plan.name,
        fs: center.fs,
        samples: plan.samples,
        recordLineTail: cincDateTime(plan.recordedAt),
        fileName: `${plan.name}.mat`,
        fmt: '16+24',
        gainField: `${center.gain}/mV`,
        adcRes: 16,
        adcZero: 0,
        leadNames: center.leadNames,
        adc,
        comments: cincComments(plan, center.labelled),
      });
      writeFileSync(`${base}.hea`, header);
      break;
    }
    case 'wfdb-212-long':
      writeWfdb(base, plan.name, center, leads, '212', center.fs, wfdbTimeDate(plan.recordedAt), `${center.gain}/mV`, cincComments(plan, center.labelled));
      break;
    case 'wfdb-212':
    case 'wfdb-16': {
      const comments = [`#Age: ${plan.age}`, `#Sex: ${plan.sex === 'F' ? 'Female' : 'Male'}`, `#Dx: ${snomedCodes(plan.classes).join(',')}`];
      const fmt = center.layout === 'wfdb-16' ? '16' : '212';
      writeWfdb(base, plan.name, center, leads, fmt, center.fs, wfdbTimeDate(plan.recordedAt), `${center.gain}(0)/mV`, comments);
      break;
    }
    case 'ptbxl': {
      writeWfdb(base, plan.name, center, leads, '16', center.fs, undefined, `${center.gain}.0(0)/mV`, []);
      // The 100 Hz copy PTB-XL ships beside the 500 Hz one.
      const lrName = plan.name.replace(/_hr$/, '_lr');
      const lrBase = join(outDir, plan.path.replace('/records500/', '/records100/').replace(/_hr$/, '_lr'));
      const low = decimate(leads, 5);
      writeWfdb(lrBase, lrName, center, low, '16', center.fs / 5, undefined, `${center.gain}.0(0)/mV`, []);
      break;
    }
    case 'mimic':
      writeWfdb(base, plan.name, center, leads, '16', center.fs, wfdbTimeDate(plan.recordedAt), `${center.gain}.0(0)/mV`, []);
      break;
    case 'code15':
      return { index: plan.index, truth, tracing: padTracing(fileOrder(center, leads)) };
  }
  return { index: plan.index, truth };
}
