// `openecg convert <file> --to wfdb|dicom|aecg|scp --out <path> [--keep-patient] [--json]`: any
// record our readers open, written in another format for another tool. Samples are stored at the
// source's own amplitude step where all leads share one (so a clinical file converts without
// loss), else at 1 µV. Patient identity (name, id, birth date, sex, age) and the acquisition date
// and time stay out of the output unless --keep-patient: a converted file is usually handed to
// someone outside the hospital, and this is the step where identity would leak (docs/convert.md).
import { mkdirSync, realpathSync, writeFileSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { writeAecg } from '../formats/aecg/write.js';
import { ageOnDates } from '../formats/clinical/dates.js';
import { supersededStatements } from '../formats/clinical/statements.js';
import { amplitudeStepUv, readingStepUv, writableFromReading, type WritableEcg, type WriteResult } from '../formats/clinical/write-record.js';
import { writeDicom } from '../formats/dicom/write.js';
import { readRecord, type Reading } from '../formats/index.js';
import { writeScp } from '../formats/scp/write.js';
import { encodeFormat16, headerText, quantizeCounted } from '../formats/wfdb/write.js';
import { parseCommandArgs, printJson, UsageError, type Command } from './command.js';

export const CONVERT_TARGETS = ['wfdb', 'dicom', 'aecg', 'scp'] as const;
export type ConvertTarget = (typeof CONVERT_TARGETS)[number];

export interface ConvertResult {
  readonly target: ConvertTarget;
  /** Files written (WFDB: header and signal file). */
  readonly files: string[];
  readonly fs: number;
  readonly samples: number;
  readonly leads: string[];
  /** Amplitude step of the written samples, µV. */
  readonly stepUv: number;
  readonly patientKept: boolean;
  readonly warnings: string[];
}

/** WFDB record `<out>` (.hea + format 16 .dat) at a gain that keeps the step (1000/step per mV). */
function writeWfdb(reading: Reading, ecg: WritableEcg, out: string, keepPatient: boolean): { files: string[]; warnings: string[] } {
  const base = out.replace(/\.(hea|dat)$/i, '');
  const record = basename(base);
  if (/\s/.test(record)) throw new UsageError(`a WFDB record name cannot contain spaces: '${record}'`);
  const gain = 1000 / (ecg.stepUv ?? 1);
  const { adc, clamped } = quantizeCounted(ecg.signals, gain, 0, 16);
  const warnings = clamped ? [`${clamped} samples beyond ±32767 steps clamped`] : [];
  const comments = (ecg.statements ?? []).map((s) => `#Statement: ${s}`);
  if (keepPatient) {
    const age = reading.patient?.age ?? ageOnDates(reading.patient?.birthDate, reading.baseDate) ?? undefined;
    if (age !== undefined) comments.push(`#Age: ${age}`);
    if (reading.patient?.sex === 'M' || reading.patient?.sex === 'F') comments.push(`#Sex: ${reading.patient.sex === 'M' ? 'Male' : 'Female'}`);
  }
  // WFDB's base date is DD/MM/YYYY after the time; kept only with the patient.
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(reading.baseDate ?? '');
  const tail = keepPatient && reading.baseTime ? `${reading.baseTime.slice(0, 8)}${date ? ` ${date[3]}/${date[2]}/${date[1]}` : ''}` : undefined;
  const hea = headerText({
    record,
    fs: ecg.fs,
    samples: adc[0].length,
    ...(tail ? { recordLineTail: tail } : {}),
    fileName: `${record}.dat`,
    fmt: '16',
    gainField: `${gain}/mV`,
    adcRes: 16,
    adcZero: 0,
    leadNames: ecg.leads.map((l) => l.replace(/\s+/g, '_')),
    adc,
    comments,
  });
  writeFileSync(`${base}.dat`, encodeFormat16(adc));
  writeFileSync(`${base}.hea`, hea);
  return { files: [`${base}.hea`, `${base}.dat`], warnings };
}

/** Reads `input` with the format readers and writes it as `target` at `out`. */
export async function convertRecord(input: string, target: ConvertTarget, out: string, opts: { keepPatient?: boolean } = {}): Promise<ConvertResult> {
  const keepPatient = opts.keepPatient === true;
  const reading = await readRecord(input);
  const ecg = writableFromReading(reading, { keepPatient });
  mkdirSync(dirname(resolve(out)), { recursive: true });
  let files: string[];
  let warnings: string[];
  if (target === 'wfdb') {
    ({ files, warnings } = writeWfdb(reading, ecg, out, keepPatient));
  } else {
    const write: (e: WritableEcg) => WriteResult = target === 'dicom' ? writeDicom : target === 'aecg' ? writeAecg : writeScp;
    const result = write(ecg);
    writeFileSync(out, result.bytes);
    files = [out];
    warnings = result.warnings;
  }
  // MUSE: the over-read Diagnosis is the record's interpretation; the machine's original statements
  // it replaced have no place in the targets' one statement list, so say which were not written.
  const superseded = supersededStatements(reading.comments);
  if (superseded.length) warnings.push(`${superseded.length} original (machine) diagnosis statement(s) replaced by the over-read diagnosis not written: ${superseded.map((s) => `'${s}'`).join(', ')}`);
  return {
    target,
    files,
    fs: ecg.fs,
    samples: reading.sigLen,
    leads: [...ecg.leads],
    stepUv: ecg.stepUv ?? amplitudeStepUv(reading.signals, readingStepUv(reading)),
    patientKept: keepPatient && reading.patient !== undefined,
    warnings: [...reading.warnings, ...warnings],
  };
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}

export const convertCommand: Command = {
  name: 'convert',
  summary: 'write one record as WFDB, DICOM 12-lead ECG, HL7 aECG or SCP-ECG (patient identity left out unless --keep-patient)',
  usage: 'usage: openecg convert <file> --to wfdb|dicom|aecg|scp --out <path> [--keep-patient] [--json]',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      to: { type: 'string' },
      out: { type: 'string' },
      'keep-patient': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one record path');
    const target = values.to as ConvertTarget | undefined;
    if (!target || !CONVERT_TARGETS.includes(target)) throw new UsageError(`--to must be one of ${CONVERT_TARGETS.join(', ')}`);
    if (!values.out) throw new UsageError('--out <path> is required');
    const input = positionals[0];
    const outs = target === 'wfdb' ? ['.hea', '.dat'].map((e) => `${values.out!.replace(/\.(hea|dat)$/i, '')}${e}`) : [values.out];
    if (outs.some((o) => existsSync(o) && samePath(o, input))) throw new UsageError('--out would overwrite the input file');
    const result = await convertRecord(input, target, values.out, { keepPatient: values['keep-patient'] === true });
    if (values.json) printJson(result);
    else {
      const lines = [
        `wrote ${result.files.map((f) => join(dirname(f), basename(f))).join(', ')}`,
        `${result.leads.length} leads x ${result.samples} samples at ${result.fs} Hz, ${result.stepUv} uV per step`,
        result.patientKept ? 'patient identity kept (--keep-patient)' : 'patient identity and acquisition date/time left out',
        ...result.warnings.map((w) => `warning: ${w}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  },
};
