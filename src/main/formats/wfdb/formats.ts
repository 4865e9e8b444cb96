// The WFDB signal storage formats (signal(5)): how many bits a sample takes, how samples pack
// into bytes, and which digital value marks an invalid sample.

export interface FormatSpec {
  readonly code: number;
  /** Resolution in bits: the default ADC resolution when a header gives none (or 0). */
  readonly bits: number;
  /** Samples packed together, and the bytes they take (212: 2 in 3, 310/311: 3 in 4). 0 bytes for FLAC. */
  readonly groupSamples: number;
  readonly groupBytes: number;
  /** Digital value meaning "no sample"; null where the format has none (8: first differences). */
  readonly invalid: number | null;
  /** First differences: a sample depends on every earlier one, so reads always scan from the file start. */
  readonly differential: boolean;
  /** FLAC (508/516/524): one compressed stream per signal file, decoded whole. */
  readonly flac: boolean;
}

function spec(code: number, bits: number, groupSamples: number, groupBytes: number, extra: Partial<FormatSpec> = {}): FormatSpec {
  return { code, bits, groupSamples, groupBytes, invalid: -(2 ** (bits - 1)), differential: false, flac: false, ...extra };
}

const SPECS: ReadonlyMap<number, FormatSpec> = new Map(
  [
    spec(8, 8, 1, 1, { invalid: null, differential: true }),
    spec(16, 16, 1, 2),
    spec(24, 24, 1, 3),
    spec(32, 32, 1, 4),
    spec(61, 16, 1, 2),
    spec(80, 8, 1, 1),
    spec(160, 16, 1, 2),
    spec(212, 12, 2, 3),
    spec(310, 10, 3, 4),
    spec(311, 10, 3, 4),
    spec(508, 8, 1, 0, { flac: true }),
    spec(516, 16, 1, 0, { flac: true }),
    spec(524, 24, 1, 0, { flac: true }),
  ].map((s) => [s.code, s]),
);

/** Format 0 means "no signal file" (the signal is absent); everything else must be known. */
export function formatSpec(code: number): FormatSpec | undefined {
  return SPECS.get(code);
}

export const FORMAT_CODES: readonly number[] = [...SPECS.keys()];

/** Byte where sample `k` (counted in file order) starts, for k a multiple of the format's group size. */
export function byteOfSample(f: FormatSpec, k: number): number {
  return (k / f.groupSamples) * f.groupBytes;
}

/** Bytes needed to hold the first n samples of a file (a partial group takes what it touches). */
export function bytesForSamples(f: FormatSpec, n: number): number {
  const groups = Math.floor(n / f.groupSamples);
  const rest = n - groups * f.groupSamples;
  if (rest === 0) return groups * f.groupBytes;
  // 212: 1 sample of a pair needs 2 bytes; 310/311: 1 sample 2 bytes, 2 samples 4 (310) or 3 (311).
  const partial = f.code === 212 ? 2 : f.code === 310 ? (rest === 1 ? 2 : 4) : rest === 1 ? 2 : 3;
  return groups * f.groupBytes + partial;
}

/** Whole samples readable from `bytes` bytes of sample data. */
export function samplesInBytes(f: FormatSpec, bytes: number): number {
  const groups = Math.floor(bytes / f.groupBytes);
  const rest = bytes - groups * f.groupBytes;
  let partial = 0;
  if (f.groupSamples > 1) {
    if (f.code === 212) partial = rest >= 2 ? 1 : 0;
    else if (f.code === 310) partial = rest >= 2 ? 1 : 0;
    else partial = rest >= 3 ? 2 : rest >= 2 ? 1 : 0;
  }
  return groups * f.groupSamples + partial;
}
