// Philips SierraECG (1.03) and PageWriter/PhilipsECG (1.04, 1.04.01) XML to the common
// Reading: <parsedwaveforms> in Base64, uncompressed int16 or XLI-compressed (with the format's
// own reconstruction of III, aVR, aVL and aVF), resolution in uV per count, UTF-8 or UTF-16.
// Representative beats (<repbeats>, 1.04) become Reading.median. Patient fields go to
// Reading.patient only.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { STANDARD_LEADS } from '../../../shared/leads.js';
import { deriveLimbLeads } from '../clinical/leads.js';
import { printable } from '../printable.js';
import { FormatError, type ChannelInfo, type MedianBeats, type PatientIdentity, type Reading, type ReadOptions } from '../types.js';
import { decodeXmlText } from './text.js';
import { attr, child, children, parseXml, text, type XmlNode } from './xml.js';
import { reconstructLimbLeads, xliDecode } from './xli.js';

const VERSIONS = new Set(['1.03', '1.04', '1.04.01']);
const TYPES = new Set(['SierraECG', 'PhilipsECG']);
const ROOT = 'restingecgdata';
/** Repbeat samples past the beat are filled with 0x7FFF. */
const FILL = 32767;

/** Content test: the XML root is <restingecgdata>, whatever the file is called. */
export function isPhilipsFile(path: string): boolean {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size < 40) return false;
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(Math.min(4096, info.size));
      readSync(fd, head, 0, head.length, 0);
      return decodeXmlText(head).includes(`<${ROOT}`);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

function num(s: string | undefined, what: string, name: string): number {
  const v = Number(s);
  if (s === undefined || s === '' || !Number.isFinite(v)) throw new FormatError('format', `${name}: ${what} missing or not a number (${s ?? 'absent'})`);
  return v;
}

function base64(node: XmlNode | undefined, what: string, name: string): Uint8Array {
  const t = text(node).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) throw new FormatError('format', `${name}: ${what} is not Base64`);
  return Buffer.from(t, 'base64');
}

function int16Leads(bytes: Uint8Array, nLeads: number, samples: number, name: string): Int32Array[] {
  if (bytes.length < nLeads * samples * 2) {
    throw new FormatError('truncated', `${name}: uncompressed waveforms hold ${bytes.length} bytes, ${nLeads} leads x ${samples} samples need ${nLeads * samples * 2}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leads: Int32Array[] = [];
  for (let l = 0; l < nLeads; l++) {
    const x = new Int32Array(samples);
    for (let k = 0; k < samples; k++) x[k] = view.getInt16(2 * (l * samples + k), true);
    leads.push(x);
  }
  return leads;
}

const MAX_LEADS = 64;

function leadLabels(root: XmlNode, pw: XmlNode | undefined, version: string, name: string): string[] {
  const labels = attr(pw, 'leadlabels');
  const sc = child(root, 'dataacquisition', 'signalcharacteristics');
  const n = Number(attr(pw, 'numberofleads') ?? text(sc, 'numberchannelsvalid') ?? '') || 12;
  // A damaged count (1e308, -1) would size the lead list: refuse it rather than read 0 or infinitely many leads.
  if (!Number.isInteger(n) || n < 1 || n > MAX_LEADS) throw new FormatError('header', `${name}: number of leads ${n} is not 1-${MAX_LEADS}`);
  if (labels && version !== '1.03') return labels.split(/\s+/).filter(Boolean).slice(0, n);
  const leadset = text(sc, 'leadset') || text(sc, 'acquisitiontype');
  const std = ['STD-12', '10-WIRE', ''].includes(leadset);
  return Array.from({ length: n }, (_, i) => (std && i < 12 ? STANDARD_LEADS[i] : `Channel ${i + 1}`));
}

function compression(pw: XmlNode | undefined, version: string): string {
  if (version === '1.03') return attr(pw, 'compressflag') === 'True' ? (attr(pw, 'compressmethod') ?? 'unknown') : 'Uncompressed';
  return attr(pw, 'compression') ?? attr(pw, 'compressmethod') ?? 'Uncompressed';
}

function patientOf(root: XmlNode): PatientIdentity | undefined {
  const g = child(root, 'patient', 'generalpatientdata');
  if (!g) return undefined;
  const name = [text(g, 'name', 'lastname'), text(g, 'name', 'firstname'), text(g, 'name', 'middlename')].filter(Boolean).join(', ');
  const years = Number(text(g, 'age', 'years'));
  const sex = text(g, 'sex');
  const p: PatientIdentity = {
    id: text(g, 'patientid') || text(g, 'MRN') || undefined,
    name: name || undefined,
    birthDate: text(g, 'age', 'dateofbirth') || undefined,
    sex: sex === 'Male' ? 'M' : sex === 'Female' ? 'F' : sex || undefined,
    age: Number.isFinite(years) && years > 0 ? years : undefined,
  };
  return Object.values(p).some((v) => v !== undefined) ? p : undefined;
}

/** Device interpretation as '#Statement:' lines: 1.03 left/right statements, 1.04 coded statements. */
function statementsOf(root: XmlNode): string[] {
  const out: string[] = [];
  for (const interp of children(child(root, 'interpretations'), 'interpretation')) {
    const severity = text(interp, 'severity');
    if (severity) out.push(`#Severity: ${severity}`);
    const plain = children(interp, 'statement');
    for (const s of plain) {
      const line = [text(s, 'leftstatement'), text(s, 'rightstatement')].filter(Boolean).join(' -- ');
      if (line) out.push(`#Statement: ${line}`);
    }
    // 1.04 repeats the printed statements as coded ones; take those only when no plain text is given.
    if (plain.length) continue;
    for (const cs of children(child(interp, 'interpretationdatastructure', 'statementcomponents'), 'codedstatement')) {
      const u = child(cs, 'unparsedstatement');
      const line = [text(u, 'lhsstatement'), text(u, 'rhsstatement')].filter(Boolean).join(' -- ');
      if (line) out.push(`#Statement: ${line}${attr(u, 'code') ? ` [${attr(u, 'code')}]` : ''}`);
    }
  }
  return out;
}

function medianOf(root: XmlNode, name: string): MedianBeats | undefined {
  const rb = child(root, 'waveforms', 'repbeats');
  const beats = children(rb, 'repbeat');
  if (!rb || beats.length === 0 || (attr(rb, 'dataencoding') ?? 'Base64') !== 'Base64') return undefined;
  const fs = Number(attr(rb, 'samplespersec'));
  const res = Number(attr(rb, 'resolution'));
  if (!(fs > 0) || !(res > 0)) return undefined;
  const gain = 1000 / res;
  const signals: Float64Array[] = [];
  const channels: ChannelInfo[] = [];
  let len = Infinity;
  for (const beat of beats) {
    const wf = child(beat, 'waveform');
    const bytes = base64(wf, 'repbeat waveform', name);
    const n = Math.min(bytes.length >> 1, Math.round((Number(attr(wf, 'duration')) * fs) / 1000) || bytes.length >> 1);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const x = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = view.getInt16(2 * k, true);
      x[k] = v === FILL ? NaN : v / gain;
    }
    len = Math.min(len, n);
    signals.push(x);
    channels.push({ name: attr(beat, 'leadname') ?? `Channel ${channels.length + 1}`, units: 'mV', fmt: 'philips-repbeat', gain, baseline: 0 });
  }
  return { fs, sigLen: len, channels, signals: signals.map((x) => x.subarray(0, len)) };
}

/**
 * Samples per lead: durationperchannel (ms) at `fs`. Without it (some exports drop it) the data
 * decides: uncompressed bytes over the leads, or XLI's decoded lengths (undefined: caller takes them).
 */
function sampleCount(pw: XmlNode, fs: number, method: string, bytes: number, nLeads: number, name: string, warnings: string[]): number | undefined {
  const duration = attr(pw, 'durationperchannel');
  if (duration !== undefined && duration !== '') return Math.round((num(duration, 'durationperchannel', name) * fs) / 1000);
  if (method === 'XLI') return undefined;
  if (bytes === 0 || bytes % (2 * nLeads) !== 0) throw new FormatError('format', `${name}: no durationperchannel, and ${bytes} bytes of uncompressed data do not split into ${nLeads} leads of 16-bit samples`);
  warnings.push(`no durationperchannel: ${bytes / (2 * nLeads)} samples per lead, from the data's length`);
  return bytes / (2 * nLeads);
}

const window = (x: Int32Array | undefined, from: number, to: number): Int32Array => (x ?? new Int32Array(0)).subarray(from, to);

/** Reads Philips XML from text already decoded (`name` labels messages and the record). */
export function readPhilipsText(xml: string, name: string, opts: ReadOptions = {}): Reading {
  let doc: XmlNode;
  try {
    doc = parseXml(xml);
  } catch (e) {
    throw new FormatError('format', `${name}: not well-formed XML (${printable((e as Error).message.split('\n')[0], 160)})`);
  }
  const root = child(doc, ROOT);
  if (!root || doc[ROOT] === undefined) throw new FormatError('format', `${name}: XML but not Philips SierraECG/PageWriter (no <${ROOT}> root)`);
  const docType = text(root, 'documentinfo', 'documenttype');
  const written = text(root, 'documentinfo', 'documentversion');
  const warnings: string[] = [];
  // A later 1.04+ revision of a known document type keeps the 1.04 waveform layout; read it so, saying so.
  const version = VERSIONS.has(written) || !TYPES.has(docType) || !/^1\.0[4-9](\.\d+)?$/.test(written) ? written : '1.04';
  if (!TYPES.has(docType) || !VERSIONS.has(version)) {
    throw new FormatError('version', `${name}: Philips XML document type '${docType}' version '${written}' is not one this reader knows (SierraECG/PhilipsECG 1.03, 1.04, 1.04.01)`);
  }
  if (version !== written) warnings.push(`Philips XML version '${written}' is not one this reader knows: read as 1.04`);
  const sc = child(root, 'dataacquisition', 'signalcharacteristics');
  const pw = child(root, 'waveforms', 'parsedwaveforms');
  if (!pw) throw new FormatError('format', `${name}: no <parsedwaveforms> element`);
  const fs = num(attr(pw, 'samplespersecond') ?? text(sc, 'samplingrate'), 'sampling rate', name);
  // The acquisition rate may differ from the rate the parsed waveforms are stored at; the data follows the latter.
  const acquired = Number(text(sc, 'samplingrate'));
  if (attr(pw, 'samplespersecond') !== undefined && acquired > 0 && acquired !== fs) warnings.push(`signal characteristics give ${acquired} Hz, the parsed waveforms ${fs} Hz: read at ${fs} Hz`);
  const resolution = num(attr(pw, 'resolution') ?? (text(sc, 'resolution') || text(sc, 'signalresolution')), 'resolution (uV per count)', name);
  const encoding = attr(pw, 'dataencoding') ?? 'Base64';
  if (encoding !== 'Base64') throw new FormatError('compression', `${name}: waveform data encoding '${encoding}' is not supported (Base64 only)`);
  const method = compression(pw, version);
  const labels = leadLabels(root, pw, version, name);
  const data = base64(pw, 'parsedwaveforms', name);
  const samples = sampleCount(pw, fs, method, data.length, labels.length, name, warnings);

  let leads: Int32Array[];
  const derived = new Map<string, string>();
  if (method === 'XLI') {
    leads = xliDecode(data, name);
    if (leads.length < labels.length) throw new FormatError('truncated', `${name}: XLI data holds ${leads.length} leads, the document names ${labels.length}`);
    const at = (l: string) => labels.indexOf(l);
    const idx = { I: at('I'), II: at('II'), III: at('III'), aVR: at('aVR'), aVL: at('aVL'), aVF: at('aVF') };
    if (Object.values(idx).every((i) => i >= 0)) {
      reconstructLimbLeads(leads, idx);
      for (const [l, f] of [['III', 'II - I - stored'], ['aVR', '-stored - floor((I + II) / 2)'], ['aVL', 'floor((I - III) / 2) - stored'], ['aVF', 'floor((II + III) / 2) - stored']]) derived.set(l, `XLI: ${f}`);
    }
  } else if (method === 'Uncompressed' || method === 'None') {
    leads = int16Leads(data, labels.length, samples ?? 0, name);
  } else {
    throw new FormatError('compression', `${name}: waveform compression '${method}' is not supported (XLI or uncompressed)`);
  }
  const total = samples ?? Math.min(...leads.slice(0, labels.length).map((x) => x.length));
  if (samples === undefined) warnings.push(`no durationperchannel: ${total} samples per lead, from the decoded data`);
  for (let l = 0; l < labels.length; l++) {
    if (leads[l].length < total) throw new FormatError('truncated', `${name}: lead ${labels[l]} decodes to ${leads[l].length} samples, ${total} expected`);
  }
  const from = Math.max(0, opts.from ?? 0);
  const to = Math.min(total, opts.to ?? total);
  if (to < from) throw new FormatError('range', `${name}: from ${from} is after to ${to}`);
  const gain = 1000 / resolution;
  const channels: ChannelInfo[] = labels.map((l) => ({ name: l, units: 'mV', fmt: method === 'XLI' ? 'philips-xli' : 'philips-int16', gain, baseline: 0, ...(derived.has(l) ? { derived: derived.get(l) } : {}) }));
  const signals = labels.map((_, l) => {
    const x = new Float64Array(to - from);
    for (let k = from; k < to; k++) x[k - from] = leads[l][k] / gain;
    return x;
  });
  // Carts set to store 8 leads (I, II, V1-V6) leave the other limb leads to the viewer.
  const added = deriveLimbLeads({ channels, signals }, { I: window(leads[labels.indexOf('I')], from, to), II: window(leads[labels.indexOf('II')], from, to) }, (c) => c / gain);
  if (added.length) warnings.push(`derived ${added.join(', ')} from I and II (not stored in the file)`);
  const acq = child(root, 'dataacquisition');
  const machine = text(acq, 'machine');
  const comments = [`#Format: Philips ${docType} XML ${version}, ${method}`];
  if (machine) comments.push(`#Device: ${machine}`);
  comments.push(...statementsOf(root));
  const patient = patientOf(root);
  const median = medianOf(root, name);
  const date = attr(acq, 'date');
  const time = attr(acq, 'time');
  return {
    record: name,
    fs,
    sigLen: to - from,
    totalLen: total,
    channels,
    signals,
    comments,
    warnings,
    ...(date ? { baseDate: date } : {}),
    ...(time ? { baseTime: time } : {}),
    ...(patient ? { patient } : {}),
    ...(median ? { median } : {}),
  };
}

export async function readPhilips(path: string, opts: ReadOptions = {}): Promise<Reading> {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new FormatError('missing', `${path}: ${(e as Error).message}`);
  }
  return readPhilipsText(decodeXmlText(buf), basename(path), opts);
}
