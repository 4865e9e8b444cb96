// GE MUSE RestingECG XML, streamed: the waveforms (Rhythm and Median, base64 little-endian int16
// per lead, each lead's CRC32 checked as it is decoded), demographics kept apart as patient
// identity, and the device's measurements and diagnosis statements as text. Element names follow
// MUSE's restecg.dtd; only the ones used here are listed.
import { crc32 } from 'node:zlib';
import { streamXml } from '../clinical/xml-stream.js';
import { FormatError, type PatientIdentity } from '../types.js';

export interface MuseLead {
  readonly id: string;
  /** Stored counts. */
  readonly counts: Int16Array;
  /** Physical units per count, in mV (= unitsPerBit / unitsPerMv). */
  readonly mvPerCount: number;
  /** Amplitude units per mV (1000 for MICROVOLTS). */
  readonly unitsPerMv: number;
  readonly unitsPerBit: number;
  readonly units: string;
  readonly leadOff: boolean;
}

export interface MuseWaveform {
  readonly type: string;
  readonly fs: number;
  readonly leads: MuseLead[];
}

export interface MuseDocument {
  readonly waveforms: MuseWaveform[];
  readonly patient: PatientIdentity;
  readonly acquisitionDate?: string;
  readonly acquisitionTime?: string;
  readonly measurements: string[];
  readonly diagnosis: string[];
  readonly originalDiagnosis: string[];
  readonly version?: string;
  /** Deviations read anyway (docs/format-deviations.md). */
  readonly warnings: string[];
}

const UNITS_PER_MV: Readonly<Record<string, number>> = { MICROVOLTS: 1e3, MILLIVOLTS: 1, VOLTS: 1e-3, NANOVOLTS: 1e6 };

/** Elements whose text the reader needs, by parent. */
const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Waveform: ['WaveformType', 'SampleBase', 'SampleExponent'],
  LeadData: ['LeadByteCountTotal', 'LeadSampleCountTotal', 'LeadAmplitudeUnitsPerBit', 'LeadAmplitudeUnits', 'LeadID', 'LeadSampleSize', 'LeadDataCRC32', 'LeadOff', 'WaveFormData'],
  PatientDemographics: ['PatientID', 'PatientLastName', 'PatientFirstName', 'DateofBirth', 'Gender', 'PatientAge', 'AgeUnits'],
  TestDemographics: ['AcquisitionDate', 'AcquisitionTime'],
  DiagnosisStatement: ['StmtFlag', 'StmtText'],
  MuseInfo: ['MuseVersion'],
};

/**
 * LeadAmplitudeUnitsPerBit as a number. Exports from locales with a decimal comma write '4,88':
 * one comma and digits on both sides is read as a decimal point (a bit of 488 uV, the other
 * reading, is no ECG's); anything else that is not a positive number is refused.
 */
function unitsPerBitOf(raw: string | undefined, where: string, lead: string, warnings: string[]): number {
  const t = raw?.trim() ?? '';
  if (/^\d+,\d+$/.test(t)) {
    const v = Number(t.replace(',', '.'));
    warnings.push(`${lead}: LeadAmplitudeUnitsPerBit '${t}' written with a decimal comma, read as ${v}`);
    return v;
  }
  const v = t === '' ? NaN : Number(t);
  if (!(v > 0)) throw new FormatError('muse', `${where}: no valid LeadAmplitudeUnitsPerBit (${t ? `'${t}'` : 'absent'})`);
  return v;
}

function decodeLead(path: string, wave: Record<string, string>, f: Record<string, string>, warnings: string[]): MuseLead {
  const id = (f.LeadID ?? '').trim();
  const where = `${path}: ${wave.WaveformType ?? 'waveform'} lead ${id || '?'}`;
  const bytes = Buffer.from(f.WaveFormData ?? '', 'base64');
  const size = Number(f.LeadSampleSize ?? 2);
  if (size !== 2) throw new FormatError('unsupported', `${where}: ${size}-byte samples (only 2-byte MUSE leads are known)`);
  const byteCount = f.LeadByteCountTotal !== undefined ? Number(f.LeadByteCountTotal) : bytes.length;
  const sampleCount = f.LeadSampleCountTotal !== undefined ? Number(f.LeadSampleCountTotal) : bytes.length / 2;
  if (bytes.length < byteCount) throw new FormatError('truncated', `${where}: ${bytes.length} bytes of waveform data, LeadByteCountTotal says ${byteCount}`);
  if (bytes.length !== byteCount || sampleCount * 2 !== byteCount) {
    throw new FormatError('length', `${where}: ${bytes.length} bytes of waveform data for ${sampleCount} samples (LeadByteCountTotal ${byteCount})`);
  }
  if (f.LeadDataCRC32 !== undefined) {
    const want = Number(f.LeadDataCRC32);
    const got = crc32(bytes);
    if (got !== want) throw new FormatError('crc', `${where}: CRC32 ${got} of the decoded data differs from LeadDataCRC32 ${want}`);
  }
  const counts = new Int16Array(sampleCount);
  for (let k = 0; k < sampleCount; k++) counts[k] = bytes.readInt16LE(2 * k);
  const lead = `${wave.WaveformType ?? 'waveform'} lead ${id || '?'}`;
  // MUSE writes every lead in microvolts; exports that drop the element still mean them.
  if (!f.LeadAmplitudeUnits?.trim()) warnings.push(`${lead}: no LeadAmplitudeUnits, MICROVOLTS assumed (what MUSE writes)`);
  const units = (f.LeadAmplitudeUnits?.trim() || 'MICROVOLTS').toUpperCase();
  const unitsPerMv = UNITS_PER_MV[units];
  if (unitsPerMv === undefined) throw new FormatError('unsupported', `${where}: amplitude units '${units}'`);
  const unitsPerBit = unitsPerBitOf(f.LeadAmplitudeUnitsPerBit, where, lead, warnings);
  return { id, counts, mvPerCount: unitsPerBit / unitsPerMv, unitsPerMv, unitsPerBit, units, leadOff: /^true$/i.test(f.LeadOff ?? '') };
}

/** Reads every waveform and the text fields of a MUSE file. */
export async function parseMuse(path: string): Promise<MuseDocument> {
  const waveforms: MuseWaveform[] = [];
  const patient: Record<string, string> = {};
  const test: Record<string, string> = {};
  const measurements: string[] = [];
  const diagnosis: string[] = [];
  const originalDiagnosis: string[] = [];
  let version: string | undefined;
  const warnings: string[] = [];
  let wave: Record<string, string> = {};
  let leads: MuseLead[] = [];
  let lead: Record<string, string> = {};
  let stmt: Record<string, string> = {};
  let sentence: string[] = [];

  await streamXml(path, {
    open(name, _attrs, p) {
      const parent = p[p.length - 2] ?? '';
      if (name === 'Waveform') [wave, leads] = [{}, []];
      else if (name === 'LeadData') lead = {};
      else if (name === 'DiagnosisStatement') stmt = {};
      else if (name === 'Diagnosis' || name === 'OriginalDiagnosis') sentence = [];
      if (parent === 'RestingECGMeasurements') return true;
      return TEXT_FIELDS[parent]?.includes(name) === true;
    },
    text(name, text, p) {
      const parent = p[p.length - 2] ?? '';
      const t = name === 'WaveFormData' ? text : text.trim();
      if (parent === 'LeadData') lead[name] = t;
      else if (parent === 'Waveform') wave[name] = t;
      else if (parent === 'PatientDemographics') patient[name] = t;
      else if (parent === 'TestDemographics') test[name] = t;
      else if (parent === 'DiagnosisStatement') stmt[name] = t;
      else if (parent === 'MuseInfo') version = t;
      else if (parent === 'RestingECGMeasurements' && t) measurements.push(`${name} ${t}`);
    },
    close(name, p) {
      const parent = p[p.length - 2] ?? '';
      if (name === 'LeadData' && parent === 'Waveform') leads.push(decodeLead(path, wave, lead, warnings));
      else if (name === 'Waveform') {
        const fs = Number(wave.SampleBase) * 10 ** Number(wave.SampleExponent ?? 0);
        if (!(fs > 0)) throw new FormatError('muse', `${path}: ${wave.WaveformType ?? ''} waveform without a valid SampleBase`);
        waveforms.push({ type: wave.WaveformType ?? '', fs, leads });
      } else if (name === 'DiagnosisStatement') {
        // A statement may span several DiagnosisStatement elements; ENDSLINE closes it.
        if (stmt.StmtText) sentence.push(stmt.StmtText);
        if (/ENDSLINE/i.test(stmt.StmtFlag ?? '') && sentence.length) {
          (parent === 'OriginalDiagnosis' ? originalDiagnosis : diagnosis).push(sentence.join(' '));
          sentence = [];
        }
      } else if ((name === 'Diagnosis' || name === 'OriginalDiagnosis') && sentence.length) {
        (name === 'OriginalDiagnosis' ? originalDiagnosis : diagnosis).push(sentence.join(' '));
      }
    },
  });

  const name = [patient.PatientFirstName, patient.PatientLastName].filter((s) => s).join(' ');
  const age = Number(patient.PatientAge);
  const identity: PatientIdentity = {
    ...(patient.PatientID ? { id: patient.PatientID } : {}),
    ...(name ? { name } : {}),
    ...(patient.DateofBirth ? { birthDate: patient.DateofBirth } : {}),
    ...(patient.Gender ? { sex: patient.Gender.toUpperCase().startsWith('F') ? 'F' : patient.Gender.toUpperCase().startsWith('M') ? 'M' : patient.Gender } : {}),
    ...(patient.PatientAge && Number.isFinite(age) && /YEARS/i.test(patient.AgeUnits ?? 'YEARS') ? { age } : {}),
  };
  return {
    waveforms,
    patient: identity,
    ...(test.AcquisitionDate ? { acquisitionDate: test.AcquisitionDate } : {}),
    ...(test.AcquisitionTime ? { acquisitionTime: test.AcquisitionTime } : {}),
    measurements,
    diagnosis,
    originalDiagnosis,
    ...(version ? { version } : {}),
    warnings,
  };
}
