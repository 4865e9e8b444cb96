// Clinical files carrying distinctive identities, derived from the real files in
// ../shared/ecg-samples/clinical by substituting the patient fields: freely in the XML formats
// (MUSE, aECG, Philips), with values of the same length in the binary ones (DICOM, SCP-ECG, whose
// section and record CRCs are recomputed). Used until the DICOM/aECG/SCP writers exist.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crcCcitt } from '../../src/main/formats/scp/crc.js';
import { edfBytes } from '../formats/helpers/edf-writer.js';

const CLINICAL = fileURLToPath(new URL('../../../shared/ecg-samples/clinical/', import.meta.url));
const sample = (rel: string) => readFileSync(join(CLINICAL, rel));

export interface Identity {
  readonly id: string;
  readonly lastName: string;
  readonly firstName?: string;
  /** YYYY-MM-DD */
  readonly birth: string;
  readonly address?: string;
  readonly account?: string;
  /** Other spellings the file uses (EDF+ '02-MAY-1951', 'Haagse_Harry'). */
  readonly spellings?: readonly string[];
}

/** The strings the workspace must never hold for this identity: id, names, birth date in several spellings, address, account. */
export function identifyingStrings(p: Identity): string[] {
  const [y, m, d] = p.birth.split('-');
  const out = [p.id, p.lastName, `${y}${m}${d}`, `${y}-${m}-${d}`, `${m}-${d}-${y}`, `${d}.${m}.${y}`, `${m}/${d}/${y}`, `${d}/${m}/${y}`];
  if (p.firstName) out.push(p.firstName, `${p.firstName} ${p.lastName}`, `${p.lastName}, ${p.firstName}`);
  if (p.address) out.push(p.address);
  if (p.account) out.push(p.account);
  out.push(...(p.spellings ?? []));
  return out;
}

function replaceSameLength(buf: Buffer, from: string, to: string): void {
  if (to.length !== from.length) throw new Error(`'${to}' must have the length of '${from}' (${from.length})`);
  let at = buf.indexOf(from, 0, 'latin1');
  if (at < 0) throw new Error(`'${from}' not found`);
  for (; at >= 0; at = buf.indexOf(from, at + 1, 'latin1')) buf.write(to, at, 'latin1');
}

/** DICOM 12-lead (implicit VR): name 'Clark ' (6 bytes), id 'SBJ-123 ' (8), birth date (8). The id needs 7 characters, the name 5. */
export function dicomWith(p: Identity): Buffer {
  const buf = Buffer.from(sample('dicom/ecgtoolkit_Example.dcm'));
  replaceSameLength(buf, 'Clark ', `${p.lastName} `);
  replaceSameLength(buf, 'SBJ-123 ', `${p.id} `);
  replaceSameLength(buf, '19530508', p.birth.replace(/-/g, ''));
  return buf;
}

/** SCP-ECG: section 1 tags rewritten in place (last name 5 chars + NUL, id 7 + NUL, birth date binary), CRCs recomputed. */
export function scpWith(p: Identity): Buffer {
  const buf = Buffer.from(sample('scp-ecg/ecgtoolkit_Example.scp'));
  const s0 = 6;
  const s0len = buf.readUInt32LE(s0 + 4);
  let s1 = -1;
  let s1len = 0;
  for (let q = s0 + 16; q + 10 <= s0 + s0len; q += 10) {
    if (buf.readUInt16LE(q) === 1 && buf.readUInt32LE(q + 2) > 0) [s1len, s1] = [buf.readUInt32LE(q + 2), buf.readUInt32LE(q + 6) - 1];
  }
  if (s1 < 0) throw new Error('no SCP section 1');
  const [y, m, d] = p.birth.split('-').map(Number);
  for (let q = s1 + 16; q + 3 <= s1 + s1len; ) {
    const tag = buf[q];
    const len = buf.readUInt16LE(q + 1);
    const v = q + 3;
    if (tag === 255) break;
    const text = (s: string) => {
      if (s.length + 1 > len) throw new Error(`'${s}' does not fit SCP tag ${tag} (${len} bytes)`);
      buf.fill(0, v, v + len);
      buf.write(s, v, 'latin1');
    };
    if (tag === 0) text(p.lastName);
    else if (tag === 2) text(p.id);
    else if (tag === 5) {
      buf.writeUInt16LE(y, v);
      buf[v + 2] = m;
      buf[v + 3] = d;
    }
    q = v + len;
  }
  buf.writeUInt16LE(crcCcitt(buf.subarray(s1 + 2, s1 + s1len)), s1);
  buf.writeUInt16LE(crcCcitt(buf.subarray(2)), 0);
  return buf;
}

/** HL7 aECG: trial subject id, name, birth time; an address element added. */
export function aecgWith(p: Identity): Buffer {
  let xml = sample('hl7aecg/hl7_example_aECG.xml').toString('utf8');
  xml = xml.replace('extension="SBJ-123"', `extension="${p.id}"`);
  xml = xml.replace('<name>Clark</name>', `<name>${p.lastName}</name>${p.address ? `<addr>${p.address}</addr>` : ''}`);
  xml = xml.replace('<birthTime value="19530508"/>', `<birthTime value="${p.birth.replace(/-/g, '')}"/>`);
  return Buffer.from(xml, 'utf8');
}

export interface MuseExtras {
  /** MM-DD-YYYY and HH:MM:SS */
  readonly acquired: string;
  readonly time: string;
  readonly statements: readonly string[];
  readonly sex: 'MALE' | 'FEMALE';
  /** Leave the PatientID out (a file without a patient id). */
  readonly noId?: boolean;
}

/** GE MUSE: demographics, acquisition date/time and diagnosis statements inserted (the sample has none). */
export function museWith(p: Identity, x: MuseExtras): Buffer {
  const xml = sample('muse/braveheart_example1.xml').toString('latin1');
  const [y, m, d] = p.birth.split('-');
  const demo = [
    '<PatientDemographics>',
    x.noId ? '' : `<PatientID>${p.id}</PatientID>`,
    `<DateofBirth>${m}-${d}-${y}</DateofBirth><Gender>${x.sex}</Gender>`,
    `<PatientLastName>${p.lastName}</PatientLastName>${p.firstName ? `<PatientFirstName>${p.firstName}</PatientFirstName>` : ''}`,
    p.address ? `<Address>${p.address}</Address>` : '',
    p.account ? `<AccountNumber>${p.account}</AccountNumber>` : '',
    '</PatientDemographics>',
    `<TestDemographics><AcquisitionDate>${x.acquired}</AcquisitionDate><AcquisitionTime>${x.time}</AcquisitionTime></TestDemographics>`,
    '<Diagnosis><Modality>RESTING</Modality>',
    ...x.statements.map((s) => `<DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>${s}</StmtText></DiagnosisStatement>`),
    '</Diagnosis>',
  ].join('\n');
  return Buffer.from(xml.replace('<RestingECG>', `<RestingECG>\n${demo}`), 'latin1');
}

/** Philips PageWriter 1.04 (UTF-16LE with BOM): id, names, birth date; address and account added. */
export function philips104With(p: Identity): Buffer {
  const raw = sample('philips/3191723_ZZDEMOPTONLY_1-04_orig.xml');
  let xml = raw.subarray(2).toString('utf16le');
  xml = xml.replace('<patientid>9999</patientid>', `<patientid>${p.id}</patientid>`);
  xml = xml.replace('<lastname>ZZDEMOPTONLY</lastname>', `<lastname>${p.lastName}</lastname>`);
  xml = xml.replace('<firstname>ADULT</firstname>', `<firstname>${p.firstName ?? ''}</firstname>`);
  xml = xml.replace('<dateofbirth>1950-01-01</dateofbirth>', `<dateofbirth>${p.birth}</dateofbirth>`);
  xml = xml.replace('</generalpatientdata>', `<address>${p.address ?? ''}</address><accountnumber>${p.account ?? ''}</accountnumber></generalpatientdata>`);
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
}

/** Philips SierraECG 1.03 (UTF-8): id and last name; a birth date added beside the age. */
export function philips103With(p: Identity): Buffer {
  let xml = sample('philips/129DYPRG.XML').toString('utf8');
  xml = xml.replace('<patientid>1112010721168bdc</patientid>', `<patientid>${p.id}</patientid>`);
  xml = xml.replace('<lastname></lastname>', `<lastname>${p.lastName}</lastname>`);
  xml = xml.replace('<age><years>50</years></age>', `<age><years>50</years><dateofbirth>${p.birth}</dateofbirth></age>`);
  return Buffer.from(xml, 'utf8');
}

/** EDF+ (10 s, 8 leads at 250 Hz) whose patient field is 'code sex dd-MMM-yyyy Last_First'. */
export function edfWith(p: Identity, sex: 'M' | 'F'): Buffer {
  const [y, m, d] = p.birth.split('-');
  const month = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][Number(m) - 1];
  const leads = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((label) => ({ label, units: 'uV', physicalMin: -3276.8, physicalMax: 3276.7, digitalMin: -32768, digitalMax: 32767, samplesPerRecord: 250 }));
  const spec = {
    variant: 'EDF+C' as const,
    patient: `${p.id} ${sex} ${d}-${month}-${y} ${p.lastName}_${p.firstName ?? ''}`,
    recording: 'Startdate 03-APR-2012 X X X',
    startDate: '03.04.12',
    startTime: '10.15.00',
    recordDuration: 1,
    records: 10,
    signals: leads,
    annotationSamples: 30,
  };
  return edfBytes(spec, (s, n) => Math.round(1000 * Math.sin(n / 20 + s)));
}

export function writeFile(root: string, rel: string, data: Buffer | string): string {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** The same person in the DICOM, aECG and SCP files (the HL7 example ECG): 7-character id, 5-character name. */
export const ZORBQ: Identity = { id: 'QX7-481', lastName: 'Zorbq', birth: '1947-11-03', address: '42 Wallaby Way Quokkaton' };
export const VEXMOOR: Identity = { id: 'MRN-55123', lastName: 'Vexmoor', firstName: 'Ottilie', birth: '1938-02-14', address: '17 Quarry Lane Brisbury', account: 'ACCT-7781-2231' };
export const HAVERBECK: Identity = { id: 'PID-000918273', lastName: 'Haverbeck', firstName: 'Prunella', birth: '1961-07-21', address: '9 Elmstead Row', account: 'ACC-55500123' };
export const QUENBY: Identity = { id: 'SITE-D-4471', lastName: 'Quenby', birth: '1961-09-30' };
export const NOID: Identity = { id: 'UNUSED-ID-77', lastName: 'Wrexhamite', firstName: 'Gaius', birth: '1970-05-06' };
export const HAAGSE: Identity = { id: 'MCH-0234567', lastName: 'Haagse', firstName: 'Harry', birth: '1951-05-02', spellings: ['02-MAY-1951', 'Haagse_Harry'] };
export const ALL_IDENTITIES = [ZORBQ, VEXMOOR, HAVERBECK, QUENBY, NOID, HAAGSE];

/** Acquisition dates of the files, which must not be kept unless the user keeps times. */
export const ACQUISITION_DATES = ['2002-11-22', '20021122', '2019-03-15', '03-15-2019', '2019-03-16', '2011-12-01', '2010-01-19', '2012-04-03', '03-APR-2012'];

/**
 * A site export as a hospital hands it over: nested folders named after patients, vendor file
 * names, no or wrong extensions, one truncated file and one that is no ECG.
 */
export function writeSiteFolder(root: string): void {
  writeFile(root, `${ZORBQ.lastName}_${ZORBQ.id}/ECG_${ZORBQ.lastName}_19471103.dcm`, dicomWith(ZORBQ));
  writeFile(root, `${ZORBQ.lastName}_${ZORBQ.id}/aecg_${ZORBQ.id}`, aecgWith(ZORBQ));
  writeFile(root, `${ZORBQ.lastName}_${ZORBQ.id}/scp/${ZORBQ.lastName}.SCP`, scpWith(ZORBQ));
  writeFile(root, `philips/${VEXMOOR.lastName}_${VEXMOOR.firstName}/${VEXMOOR.id}_1-04.xml`, philips104With(VEXMOOR));
  writeFile(root, `philips/${QUENBY.id}.XML`, philips103With(QUENBY));
  const statements = ['Sinus rhythm', 'Left axis deviation', `Compared with ECG of ${HAVERBECK.lastName}, ${HAVERBECK.firstName} (${HAVERBECK.id})`, 'Borderline ECG of unusual wording'];
  writeFile(root, `muse/${HAVERBECK.lastName}.dcm`, museWith(HAVERBECK, { acquired: '03-16-2019', time: '10:20:30', statements, sex: 'FEMALE' }));
  writeFile(root, `muse/${HAVERBECK.lastName}-earlier`, museWith(HAVERBECK, { acquired: '03-15-2019', time: '10:20:30', statements: ['Sinus bradycardia', 'No atrial fibrillation'], sex: 'FEMALE' }));
  writeFile(root, `muse/anonymous_${NOID.lastName}.xml`, museWith(NOID, { acquired: '03-15-2019', time: '08:00:00', statements: ['Atrial fibrillation'], sex: 'MALE', noId: true }));
  writeFile(root, `holter/${HAAGSE.lastName}_${HAAGSE.firstName}.edf`, edfWith(HAAGSE, 'M'));
  writeFile(root, `${ZORBQ.lastName}_${ZORBQ.id}/broken_${ZORBQ.lastName}.xml`, aecgWith(ZORBQ).subarray(0, 60_000));
  writeFile(root, `notes_${VEXMOOR.lastName}_${VEXMOOR.id}.txt`, `referral for ${VEXMOOR.firstName} ${VEXMOOR.lastName}\n`);
}
