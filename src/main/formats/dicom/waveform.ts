// One DICOM waveform multiplex group (an item of WaveformSequence 5400,0100) decoded to physical
// units: channel-interleaved samples of 8, 16, 32 or 64 bits (SB/UB/MB/AB, SS/US, SL/UL/FL, FD),
// ChannelSensitivity in its units times the correction factor plus ChannelBaseline (the
// arithmetic pydicom's waveform_array uses), converted to mV for voltages, ChannelSampleSkew /
// ChannelTimeSkew applied as a whole-sample shift, lead names from the channel source codes.
import { leadOfCode, standardLeadName } from '../clinical/leads.js';
import { FormatError, type ChannelInfo } from '../types.js';
import { checkReadSize, CHUNK_BYTES } from '../edf/source.js';
import { code, items, num, str, ul, us, type DataSet, type DicomFile } from './dataset.js';

export interface MultiplexGroup {
  readonly label: string;
  readonly originality: string;
  readonly fs: number;
  readonly channels: number;
  readonly samples: number;
  readonly bits: number;
  readonly interpretation: string;
  readonly item: DataSet;
  /** Deviations read anyway (docs/format-deviations.md). */
  readonly warnings: readonly string[];
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
    const size = BYTES[interpretation];
    if (size === undefined) throw new FormatError('unsupported', `${where}: sample interpretation '${interpretation}' with ${bits} bits allocated`);
    const warnings: string[] = [];
    if (size * 8 !== bits) {
      // A wrong WaveformBitsAllocated (seen: 12 for 16-bit SS data) is harmless when the data's
      // length fits the interpretation's sample size and not the bits allocated.
      const length = item.elements['x54001010']?.length ?? -1;
      const fits = (bytes: number) => length >= channels * samples * bytes && length <= channels * samples * bytes + 1;
      if (!fits(size) || (bits % 8 === 0 && fits(bits / 8))) {
        throw new FormatError('unsupported', `${where}: sample interpretation '${interpretation}' with ${bits} bits allocated`);
      }
      warnings.push(`multiplex group ${g}: WaveformBitsAllocated ${bits} with sample interpretation '${interpretation}': the data's length fits ${size * 8}-bit samples, read so`);
    }
    return { label: str(item, 'x003a0020') ?? '', originality: str(item, 'x003a0004') ?? '', fs, channels, samples, bits: size * 8, interpretation, item, warnings };
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

/** Samples [from, to) of every channel of the group, in physical units; only their bytes are read. */
export function decodeGroup(path: string, file: DicomFile, group: MultiplexGroup, index: number, from: number, to: number, littleEndian: boolean): DecodedGroup {
  const where = `${path}: multiplex group ${index} (${group.label || 'unlabelled'})`;
  const data = group.item.elements['x54001010'];
  if (!data) throw new FormatError('no-waveform', `${where}: no WaveformData`);
  const bytesPerSample = group.bits / 8;
  const frame = group.channels * bytesPerSample;
  const need = group.samples * frame;
  if (data.dataOffset + data.length > file.size) {
    throw new FormatError('truncated', `${where}: WaveformData of ${data.length} bytes at byte ${data.dataOffset} runs ${data.dataOffset + data.length - file.size} bytes past the end of the file`);
  }
  if (data.length < need) throw new FormatError('truncated', `${where}: WaveformData holds ${data.length} bytes, ${group.channels} channels x ${group.samples} samples need ${need}`);
  const warnings: string[] = [...group.warnings];
  // Padding short of one more sample frame cannot be a sample; a whole frame or more could be (refused).
  if (data.length >= need + Math.max(2, frame)) throw new FormatError('length', `${where}: WaveformData holds ${data.length} bytes, ${group.channels} channels x ${group.samples} samples need ${need}`);
  if (data.length > need + 1) warnings.push(`multiplex group ${index}: WaveformData holds ${data.length - need} bytes of padding after its ${need} bytes of samples: ignored`);
  // OB is for 8-bit samples; little-endian bytes read the same either way.
  if (data.vr === 'OB' && group.bits > 8 && littleEndian) warnings.push(`multiplex group ${index}: WaveformData coded OB with ${group.bits}-bit samples (OW expected): read as little-endian ${group.bits}-bit words`);
  const defs = items(group.item, 'x003a0200');
  if (defs.length !== group.channels) throw new FormatError('length', `${where}: ${defs.length} channel definitions for ${group.channels} channels`);
  checkReadSize(to - from, group.channels, group.fs, where);
  const noCorrection: string[] = [];
  const noUnits: string[] = [];
  const channels: ChannelInfo[] = [];
  const signals: Float64Array[] = [];
  const transforms: { shift: number; factor: number; offset: number; divide: number }[] = [];
  defs.forEach((def, c) => {
    const source = code(def, 'x003a0208');
    const label = str(def, 'x003a0203');
    const name = (source?.value && leadOfCode(source.value)) ?? standardLeadName(source?.meaning ?? label ?? `channel ${c + 1}`);
    const sens = num(def, 'x003a0210');
    const unitCode = code(def, 'x003a0211')?.value ?? '';
    const corr = num(def, 'x003a0212') ?? 1;
    if (num(def, 'x003a0210') && num(def, 'x003a0212') === undefined) noCorrection.push(name);
    if (num(def, 'x003a0210') && !unitCode) noUnits.push(name);
    const base = num(def, 'x003a0213') ?? 0;
    const perMv = UNITS_PER_MV[unitCode];
    const calibrated = sens !== undefined && sens !== 0;
    // Physical = (raw x sensitivity + baseline) x correction, in the sensitivity units; voltages then to mV.
    const factor = calibrated ? sens * corr : 1;
    const divide = perMv ?? 1;
    const skewSamples = num(def, 'x003a0215') ?? (num(def, 'x003a0214') ?? 0) * group.fs;
    const shift = Math.round(skewSamples);
    if (Math.abs(skewSamples - shift) > 1e-6) warnings.push(`${name}: channel skew of ${skewSamples} samples applied as ${shift}`);
    transforms.push({ shift, factor, offset: base * (calibrated ? corr : 0), divide });
    if (!calibrated) warnings.push(`${name}: no ChannelSensitivity, values are raw sample units`);
    channels.push({
      name,
      units: perMv !== undefined ? 'mV' : unitCode || (calibrated ? 'unknown' : 'adu'),
      fmt: `dicom-${group.interpretation}`,
      gain: divide / factor,
      baseline: calibrated ? -base / sens : 0,
      ...(calibrated ? {} : { uncalibrated: true }),
    });
    // Output sample t holds stored sample t - shift: before the first or after the last, NaN.
    signals.push(new Float64Array(to - from).fill(NaN));
  });
  const list = (names: string[]) => (names.length === group.channels ? 'every channel' : names.join(', '));
  // The correction factor is type 1 but 1 is its only sensible default (pydicom's too).
  if (noCorrection.length) warnings.push(`multiplex group ${index}: no ChannelSensitivityCorrectionFactor for ${list(noCorrection)}: 1 assumed`);
  // Without units a sensitivity could be uV or mV per count: the values stay in unstated units, not voltage.
  if (noUnits.length) warnings.push(`multiplex group ${index}: no ChannelSensitivityUnitsSequence for ${list(noUnits)}: values kept in the file's unstated units, not taken as a voltage`);
  // Stored samples [first, last) cover the window for every channel's skew.
  const shifts = transforms.map((x) => x.shift);
  const first = Math.min(group.samples, Math.max(0, from - Math.max(0, ...shifts)));
  const last = Math.max(first, Math.min(group.samples, to - Math.min(0, ...shifts)));
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / frame));
  for (let s0 = first; s0 < last; s0 += perChunk) {
    const s1 = Math.min(last, s0 + perChunk);
    const bytes = file.read(data.dataOffset + s0 * frame, (s1 - s0) * frame);
    if (bytes.length < (s1 - s0) * frame) throw new FormatError('truncated', `${where}: WaveformData ends at sample ${s0 + Math.floor(bytes.length / frame)} of ${group.samples}`);
    const sample = sampleReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), group.interpretation, littleEndian);
    transforms.forEach(({ shift, factor, offset, divide }, c) => {
      const out = signals[c];
      const lo = Math.max(s0, from - shift);
      const hi = Math.min(s1, to - shift);
      for (let s = lo; s < hi; s++) out[s + shift - from] = (sample((s - s0) * group.channels + c) * factor + offset) / divide;
    });
  }
  return { channels, signals, warnings };
}
