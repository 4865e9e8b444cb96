// WFDB writing: quantisation to ADC units, signal formats 16 and 212, and header text. Used by
// `openecg convert --to wfdb` and by the demo corpus.

/** The lowest code of a b-bit format: WFDB's marker for an invalid sample. */
export const invalidCode = (bits: 12 | 16): number => (bits === 16 ? -32768 : -2048);

export interface Quantized {
  readonly adc: Int16Array[];
  /** Samples beyond the format's range, written at its limit. */
  readonly clamped: number;
  /** NaN samples, written as the invalid marker. */
  readonly invalid: number;
}

/**
 * Physical (mV) to ADC units: round(x * gain) + baseline, clamped to the format's range without its
 * lowest code, which marks NaN samples as invalid (WFDB's convention), with counts of both.
 */
export function quantizeCounted(leads: readonly Float64Array[], gain: number, baseline: number, bits: 12 | 16): Quantized {
  const hi = bits === 16 ? 32767 : 2047;
  const lo = -hi;
  const marker = invalidCode(bits);
  let clamped = 0;
  let invalid = 0;
  const adc = leads.map((x) => {
    const out = new Int16Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v !== v) {
        out[i] = marker;
        invalid++;
        continue;
      }
      const k = Math.round(v * gain) + baseline;
      if (k > hi || k < lo) clamped++;
      out[i] = k > hi ? hi : k < lo ? lo : k;
    }
    return out;
  });
  return { adc, clamped, invalid };
}

/** quantizeCounted's ADC units alone. */
export function quantize(leads: readonly Float64Array[], gain: number, baseline: number, bits: 12 | 16): Int16Array[] {
  return quantizeCounted(leads, gain, baseline, bits).adc;
}

/** Format 16: little-endian int16, samples interleaved frame by frame. */
export function encodeFormat16(adc: readonly Int16Array[], byteOffset = 0): Buffer {
  const n = adc[0].length;
  const c = adc.length;
  const buf = Buffer.alloc(byteOffset + n * c * 2);
  for (let i = 0; i < n; i++) for (let s = 0; s < c; s++) buf.writeInt16LE(adc[s][i], byteOffset + (i * c + s) * 2);
  return buf;
}

/** Format 212: pairs of 12-bit two's-complement samples packed in three bytes, frame-interleaved. */
export function encodeFormat212(adc: readonly Int16Array[]): Buffer {
  const n = adc[0].length;
  const c = adc.length;
  const total = n * c;
  const buf = Buffer.alloc(Math.ceil(total / 2) * 3);
  let o = 0;
  for (let k = 0; k < total; k += 2) {
    const a = adc[k % c][Math.floor(k / c)] & 0xfff;
    const b = k + 1 < total ? adc[(k + 1) % c][Math.floor((k + 1) / c)] & 0xfff : 0;
    buf[o++] = a & 0xff;
    buf[o++] = ((a >> 8) & 0x0f) | ((b >> 8) << 4);
    buf[o++] = b & 0xff;
  }
  // An odd sample count leaves the last triplet's third byte unused: WFDB writes only two.
  return total % 2 === 1 ? buf.subarray(0, buf.length - 1) : buf;
}

/** WFDB checksum: the 16-bit two's-complement sum of a signal's samples. */
export function checksum(x: Int16Array): number {
  let sum = 0;
  for (const v of x) sum = (sum + v) & 0xffff;
  return sum >= 0x8000 ? sum - 0x10000 : sum;
}

export interface HeaderSpec {
  readonly record: string;
  readonly fs: number;
  readonly samples: number;
  /** Text after the sample count on the record line (base time/date as the center writes them). */
  readonly recordLineTail?: string;
  readonly fileName: string;
  /** '16', '212', '16+24', ... as written in the signal lines. */
  readonly fmt: string;
  /** Gain field as the center writes it, e.g. '1000/mV' or '1000.0(0)/mV'. */
  readonly gainField: string;
  readonly adcRes: number;
  readonly adcZero: number;
  readonly leadNames: readonly string[];
  readonly adc: readonly Int16Array[];
  readonly comments: readonly string[];
  readonly eol?: '\n' | '\r\n';
}

export function headerText(h: HeaderSpec): string {
  const eol = h.eol ?? '\n';
  const lines = [`${h.record} ${h.adc.length} ${h.fs} ${h.samples}${h.recordLineTail ? ' ' + h.recordLineTail : ''}`];
  h.adc.forEach((x, s) => {
    lines.push(`${h.fileName} ${h.fmt} ${h.gainField} ${h.adcRes} ${h.adcZero} ${x[0]} ${checksum(x)} 0 ${h.leadNames[s]}`);
  });
  for (const c of h.comments) lines.push(c);
  return lines.join(eol) + eol;
}
