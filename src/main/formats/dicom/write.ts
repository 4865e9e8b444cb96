// A DICOM Part 10 ECG waveform file, the inverse of read.ts: preamble, 'DICM', explicit VR little
// endian meta group and data set; 12-Lead ECG Waveform Storage (General ECG when the record
// breaks that IOD's limits: > 13 channels, > 16384 samples, rate outside 200-1000 Hz); patient,
// study, series, equipment and waveform identification modules; a RHYTHM multiplex group of
// 16-bit signed interleaved samples (and a MEDIAN group when given), channels coded with SCP-ECG
// lead codes, sensitivity in uV with correction factor 1 and baseline 0; statements as
// unformatted-text annotations.
import { LEAD_NUMBERS, standardLeadName } from '../clinical/leads.js';
import { checkWritable, quantizeLeads, amplitudeStepUv, type WritableEcg, type WriteResult } from '../clinical/write-record.js';
import type { PatientIdentity } from '../types.js';
import { binary, codeItem, derivedUid, ds, encodeElements, sequence, text, ul, us, type Element, type Elements } from './write-elements.js';

export const SOP_12_LEAD = '1.2.840.10008.5.1.4.1.1.9.1.1';
export const SOP_GENERAL_ECG = '1.2.840.10008.5.1.4.1.1.9.1.2';
export const TS_EXPLICIT_LE = '1.2.840.10008.1.2.1';
/** Implementation class UID of this writer (2.25 root, fixed). */
const IMPLEMENTATION_UID = derivedUid('openecg-workstation', 'dicom-writer');
const IMPLEMENTATION_VERSION = 'OPENECG_1';

/** The placeholder PS3.15's de-identification profiles use for a type 1 date that must not be kept. */
const DUMMY_DATE = '19000101';
const DUMMY_TIME = '000000';

export interface DicomWriteOptions {
  /** Mixed into the UIDs so two exports of one record can be told apart (default ''). */
  readonly uidSalt?: string;
  readonly manufacturer?: string;
  readonly model?: string;
  readonly institution?: string;
}

const NUMBER_OF = new Map(Object.entries(LEAD_NUMBERS).map(([n, name]) => [name, Number(n)] as const));

/** SCP-ECG lead code and meaning (PS3.16 CID 3001, scheme SCPECG) for a lead name. */
function leadCode(name: string): { value: string; meaning: string } {
  const std = standardLeadName(name);
  const n = NUMBER_OF.get(std);
  if (n === undefined) return { value: '5.6.3-9-0', meaning: name };
  return { value: `5.6.3-9-${n}`, meaning: std === 'I' ? 'Lead I (Einthoven)' : `Lead ${std}` };
}

function dicomName(name: string | undefined): string {
  if (!name) return '';
  if (name.includes('^')) return name;
  const m = /^(.+?),\s*(.+)$/.exec(name);
  return m ? `${m[1].trim()}^${m[2].replace(/,\s*/g, ' ').trim()}` : name;
}

function dicomSex(sex: string | undefined): string {
  if (sex === 'M' || sex === 'F') return sex;
  return sex && /^o/i.test(sex) ? 'O' : '';
}

function patientElements(p: PatientIdentity | undefined): Elements {
  return [
    text(0x00100010, 'PN', dicomName(p?.name)),
    text(0x00100020, 'LO', p?.id ?? ''),
    text(0x00100030, 'DA', (p?.birthDate ?? '').replace(/-/g, '')),
    text(0x00100040, 'CS', dicomSex(p?.sex)),
    ...(p?.age !== undefined ? [text(0x00101010, 'AS', `${String(Math.min(999, Math.max(0, Math.floor(p.age)))).padStart(3, '0')}Y`)] : []),
  ];
}

/** One multiplex group: channel definitions and interleaved SS samples. */
function multiplexGroup(label: string, originality: string, fs: number, leads: readonly string[], counts: readonly Int16Array[], stepUv: number): Elements {
  const n = counts[0].length;
  const c = counts.length;
  const data = Buffer.alloc(n * c * 2);
  for (let t = 0; t < n; t++) for (let k = 0; k < c; k++) data.writeInt16LE(counts[k][t], 2 * (t * c + k));
  const channels = leads.map((name, k): Elements => {
    const code = leadCode(name);
    return [
      text(0x003a0202, 'IS', String(k + 1)),
      text(0x003a0203, 'SH', name.slice(0, 16)),
      sequence(0x003a0208, [codeItem(code.value, 'SCPECG', code.meaning, '1.3')]),
      ds(0x003a0210, stepUv),
      sequence(0x003a0211, [codeItem('uV', 'UCUM', 'microvolt', '1.4')]),
      ds(0x003a0212, 1),
      ds(0x003a0213, 0),
      ds(0x003a0214, 0),
      us(0x003a021a, 16),
    ];
  });
  return [
    text(0x003a0004, 'CS', originality),
    us(0x003a0005, c),
    ul(0x003a0010, n),
    ds(0x003a001a, fs),
    text(0x003a0020, 'SH', label),
    sequence(0x003a0200, channels),
    us(0x54001004, 16),
    text(0x54001006, 'CS', 'SS'),
    binary(0x54001010, 'OW', data),
  ];
}

function metaGroup(sopClass: string, sopInstance: string): Buffer {
  const body = encodeElements([
    binary(0x00020001, 'OB', Uint8Array.of(0, 1)),
    text(0x00020002, 'UI', sopClass),
    text(0x00020003, 'UI', sopInstance),
    text(0x00020010, 'UI', TS_EXPLICIT_LE),
    text(0x00020012, 'UI', IMPLEMENTATION_UID),
    text(0x00020013, 'SH', IMPLEMENTATION_VERSION),
  ]);
  return Buffer.concat([encodeElements([ul(0x00020000, body.length)]), body]);
}

/** Whether the record fits the 12-Lead ECG IOD's waveform limits (PS3.3 A.34.3.4). */
export function fitsTwelveLead(fs: number, channels: number, samples: number): boolean {
  return fs >= 200 && fs <= 1000 && channels <= 13 && samples <= 16384;
}

/** Encodes `ecg` as a DICOM Part 10 file. */
export function writeDicom(ecg: WritableEcg, opts: DicomWriteOptions = {}): WriteResult {
  const n = checkWritable(ecg, 'DICOM');
  const warnings: string[] = [];
  const stepUv = ecg.stepUv ?? amplitudeStepUv(ecg.signals);
  const counts = quantizeLeads(ecg.leads, ecg.signals, stepUv, warnings);
  const twelve = fitsTwelveLead(ecg.fs, ecg.leads.length, n);
  const sopClass = twelve ? SOP_12_LEAD : SOP_GENERAL_ECG;
  const salt = [opts.uidSalt ?? '', ecg.patient?.id ?? '', ecg.date ?? '', ecg.time ?? '', n, ecg.fs, ...counts.map((x) => x.subarray(0, 64).join(','))];
  const sopInstance = derivedUid('instance', ...salt);
  const date = ecg.date?.replace(/-/g, '') || DUMMY_DATE;
  const time = ecg.time?.replace(/:/g, '') || DUMMY_TIME;
  const groups: Elements[] = [multiplexGroup('RHYTHM', 'ORIGINAL', ecg.fs, ecg.leads, counts, stepUv)];
  const m = ecg.median;
  if (m && m.signals.length) {
    const mStep = m.stepUv ?? amplitudeStepUv(m.signals, stepUv);
    groups.push(multiplexGroup('MEDIAN', 'DERIVED', m.fs, m.leads, quantizeLeads(m.leads, m.signals, mStep, warnings, 'median'), mStep));
  }
  const statements = (ecg.statements ?? []).map(
    (s): Elements => [us(0x0040a0b0, 1, 0), us(0x0040a180, 1), text(0x00700006, 'ST', s)],
  );
  const dataset: Element[] = [
    text(0x00080005, 'CS', 'ISO_IR 100'),
    text(0x00080016, 'UI', sopClass),
    text(0x00080018, 'UI', sopInstance),
    text(0x00080020, 'DA', date),
    text(0x00080023, 'DA', date),
    text(0x0008002a, 'DT', `${date}${time}`),
    text(0x00080030, 'TM', time),
    text(0x00080033, 'TM', time),
    text(0x00080050, 'SH', ''),
    text(0x00080060, 'CS', 'ECG'),
    text(0x00080070, 'LO', opts.manufacturer ?? ''),
    ...(opts.institution ? [text(0x00080080, 'LO', opts.institution)] : []),
    text(0x00080090, 'PN', ''),
    ...(opts.model ? [text(0x00081090, 'LO', opts.model)] : []),
    ...patientElements(ecg.patient),
    text(0x0020000d, 'UI', derivedUid('study', ...salt)),
    text(0x0020000e, 'UI', derivedUid('series', ...salt)),
    text(0x00200010, 'SH', '1'),
    text(0x00200011, 'IS', '1'),
    text(0x00200013, 'IS', '1'),
    sequence(0x00400555, []),
    ...(statements.length ? [sequence(0x0040b020, statements)] : []),
    sequence(0x54000100, groups),
  ];
  const bytes = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), metaGroup(sopClass, sopInstance), encodeElements(dataset)]);
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), warnings };
}
