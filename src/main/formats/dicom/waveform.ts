// One DICOM waveform multiplex group (an item of WaveformSequence 5400,0100) decoded to physical
// units: channel-interleaved samples of 8, 16, 32 or 64 bits (SB/UB/MB/AB, SS/US, SL/UL/FL, FD),
// ChannelSensitivity in its units times the correction factor plus ChannelBaseline (the
// arithmetic pydicom's waveform_array uses), converted to mV for voltages, ChannelSampleSkew /
// ChannelTimeSkew applied as a whole-sample shift, lead names from the channel source codes.
import { leadOfCode, standardLeadName } from '../clinical/leads.js';
import { FormatError, type ChannelInfo } from '../types.js';
import { code, items, num, str, ul, us, type DataSet } from './dataset.js';

export interface MultiplexGroup {
  readonly label: string;
  readonly originality: string;
  readonly fs: number;
  readonly channels: number;
  readonly samples: number;
  readonly bits: number;
  readonly interpretation: string;
  readonly item: DataSet;
}

const UNITS_PER_MV: Readonly<Record<string, number>> = { uV: 1000, mV: 1, V: 1e-3, nV: 1e6 };
const BYTES: Readonly<Record<string, number>> = { SB: 1, UB: 1, MB: 1, AB: 1, SS: 2, US: 2, SL: 4, UL: 4, FL: 4, FD: 8 };

/** The groups of a waveform data set, described (not yet decoded). */
export function multiplexGroups(path: string, ds: DataSet): MultiplexGroup[] {
  return items(ds, 'x54000100').map((item, g) => {
    const fs = num(item, 'x003a001a');
    const channels = us(item, 'x003a0005');
    const samples = ul(item, 'x003a0010');
    const bits = us(item, 'x54001004');
    const interpretation = str(item, 'x54001006') ?? '';
    const where = `${path}: multiplex group ${g}`;
    if (!(fs && fs > 0) || !channels || samples === undefined || !bits) {
      throw new FormatError('dicom', `${where}: SamplingFrequency, NumberOfWaveformChannels, NumberOfWaveformSamples or WaveformBitsAllocated missing`);
    }
    if (BYTES[interpretation] === undefined || BYTES[interpretation] * 8 !== bits) {
      throw new FormatError('unsupported', `${where}: sample interpretation '${interpretation}' with ${bits} bits allocated`);
    }
    return { label: str(item, 'x003a0020') ?? '', originality: str(item, 'x003a0004') ?? '', fs, channels, samples, bits, interpretation, item };
  });
}

function ulaw(u: number): number {
  u = ~u & 0xff;
  const t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - t : t - 0x84;
}

function alaw(a: number): number {
  a ^= 0x55;
  const seg = (a & 0x70) >> 4;
  let t = (a & 0x0f) << 4;
  t += seg === 0 ? 8 : 0x108;
  if (seg > 1) t <<= seg - 1;
  return a & 0x80 ? t : -t;
}

/** A reader of sample k (interleaved index) for the group's interpretation and byte order. */
function sampleReader(view: DataView, interpretation: string, little: boolean): (k: number) => number {
  switch (interpretation) {
    case 'SB': return (k) => view.getInt8(k);
    case 'UB': return (k) => view.getUint8(k);
    case 'MB': return (k) => ulaw(view.getUint8(k));
    case 'AB': return (k) => alaw(view.getUint8(k));
    case 'SS': return (k) => view.getInt16(2 * k, little);
    case 'US': return (k) => view.getUint16(2 * k, little);
    case 'SL': return (k) => view.getInt32(4 * k, little);
    case 'UL': return (k) => view.getUint32(4 * k, little);
    case 'FL': return (k) => view.getFloat32(4 * k, little);
    default: return (k) => view.getFloat64(8 * k, little);
  }
}

export interface DecodedGroup {
  readonly channels: ChannelInfo[];
  readonly signals: Float64Array[];
  readonly warnings: string[];
}

/** Samples [from, to) of every channel of the group, in physical units. */
export function decodeGroup(path: string, ds: DataSet, group: MultiplexGroup, index: number, from: number, to: number, littleEndian: boolean): DecodedGroup {
  const where = `${path}: multiplex group ${index} (${group.label || 'unlabelled'})`;
  const data = group.item.elements['x54001010'];
  if (!data) throw new FormatError('no-waveform', `${where}: no WaveformData`);
  const bytes = ds.byteArray;
  const need = group.channels * group.samples * (group.bits / 8);
  if (data.dataOffset + data.length > bytes.length) throw new FormatError('truncated', `${where}: WaveformData runs past the end of the file`);
  if (data.length < need) throw new FormatError('truncated', `${where}: WaveformData holds ${data.length} bytes, ${group.channels} channels x ${group.samples} samples need ${need}`);
  if (data.length > need + 1) throw new FormatError('length', `${where}: WaveformData holds ${data.length} bytes, ${group.channels} channels x ${group.samples} samples need ${need}`);
  const defs = items(group.item, 'x003a0200');
  if (defs.length !== group.channels) throw new FormatError('length', `${where}: ${defs.length} channel definitions for ${group.channels} channels`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + data.dataOffset, need);
  const sample = sampleReader(view, group.interpretation, littleEndian);
  const warnings: string[] = [];
  const channels: ChannelInfo[] = [];
  const signals: Float64Array[] = [];
  defs.forEach((def, c) => {
    const source = code(def, 'x003a0208');
    const label = str(def, 'x003a0203');
    const name = (source?.value && leadOfCode(source.value)) ?? standardLeadName(source?.meaning ?? label ?? `channel ${c + 1}`);
    const sens = num(def, 'x003a0210');
    const unitCode = code(def, 'x003a0211')?.value ?? '';
    const corr = num(def, 'x003a0212') ?? 1;
    const base = num(def, 'x003a0213') ?? 0;
    const perMv = UNITS_PER_MV[unitCode];
    const calibrated = sens !== undefined && sens !== 0;
    // Physical = (raw x sensitivity + baseline) x correction, in the sensitivity units; voltages then to mV.
    const factor = calibrated ? sens * corr : 1;
    const divide = perMv ?? 1;
    const skewSamples = num(def, 'x003a0215') ?? (num(def, 'x003a0214') ?? 0) * group.fs;
    const shift = Math.round(skewSamples);
    if (Math.abs(skewSamples - shift) > 1e-6) warnings.push(`${name}: channel skew of ${skewSamples} samples applied as ${shift}`);
    const out = new Float64Array(to - from);
    for (let t = from; t < to; t++) {
      // With a skew the channel's first sample sits `shift` samples after the group's start.
      const s = t - shift;
      out[t - from] = s < 0 || s >= group.samples ? NaN : ((sample(s * group.channels + c) * factor + base * (calibrated ? corr : 0)) / divide);
    }
    if (!calibrated) warnings.push(`${name}: no ChannelSensitivity, values are raw sample units`);
    channels.push({
      name,
      units: perMv !== undefined ? 'mV' : unitCode || 'adu',
      fmt: `dicom-${group.interpretation}`,
      gain: divide / factor,
      baseline: calibrated ? -base / sens : 0,
      ...(calibrated ? {} : { uncalibrated: true }),
    });
    signals.push(out);
  });
  return { channels, signals, warnings };
}
