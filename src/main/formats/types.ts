// The one reading shape every format reader returns: signals in physical units, NaN for invalid samples.

export interface ChannelInfo {
  /** Signal description as the file names it (e.g. 'II', 'avr', 'MDC_ECG_LEAD_V1'). */
  readonly name: string;
  /** Physical units as written ('mV', 'uV', 'mmHg', 'NU', ...). */
  readonly units: string;
  /** Storage format code as the file states it (WFDB '212', '16', 'mat', 'hdf5', ...). */
  readonly fmt: string;
  /** ADC units per physical unit; physical = (adc - baseline) / gain. */
  readonly gain: number;
  readonly baseline: number;
  /** The file gave no calibration (WFDB gain 0): values are ADC units over a default gain, not physical. */
  readonly uncalibrated?: boolean;
  /** Set when the reader computed this lead from stored ones (e.g. 'II - I' for III), as vendors' viewers do. */
  readonly derived?: string;
}

/**
 * Who the record is about, as clinical files (DICOM, aECG, SCP-ECG, vendor XML) state it. Kept
 * apart from `comments` on purpose: the dataset layer pseudonymises `id` (keyed hash), turns
 * `birthDate` into an age and drops `name`; nothing of it may reach the catalog, logs or
 * `openecg read --json`.
 */
export interface PatientIdentity {
  readonly id?: string;
  readonly name?: string;
  /** As written in the file (e.g. '19530508'). */
  readonly birthDate?: string;
  /** 'M', 'F' or as written. */
  readonly sex?: string;
  /** Age in years where the file states it. */
  readonly age?: number;
}

/** Median (representative) beats a clinical file stores beside the rhythm: for the viewer, not the record. */
export interface MedianBeats {
  readonly fs: number;
  readonly sigLen: number;
  readonly channels: readonly ChannelInfo[];
  readonly signals: readonly Float64Array[];
}

/**
 * A timed event a file stores beside the signal (EDF+ annotations): seconds from the record's
 * start (`baseTime`), a duration in seconds when the file gives one, and the text as written.
 */
export interface RecordAnnotation {
  readonly onset: number;
  readonly duration?: number;
  readonly text: string;
}

export interface Reading {
  /** Record name (WFDB record name, or file name for other formats). */
  readonly record: string;
  /** Sampling frequency in Hz (frame frequency for WFDB). */
  readonly fs: number;
  /** Samples per channel in this reading (after from/to). */
  readonly sigLen: number;
  /** Samples per channel in the whole record. */
  readonly totalLen: number;
  readonly channels: readonly ChannelInfo[];
  /** One array per channel, physical units, NaN marks an invalid sample. */
  readonly signals: readonly Float64Array[];
  /** Header comments and free metadata (e.g. '#Dx: ...' lines) in file order. */
  readonly comments: readonly string[];
  /** Non-fatal problems (checksum mismatch, ...) the user should see. */
  readonly warnings: readonly string[];
  /** Base date and time where the file gives them (ISO-like strings as written). */
  readonly baseTime?: string;
  readonly baseDate?: string;
  /** Patient identity from clinical files; never printed or stored as is (see PatientIdentity). */
  readonly patient?: PatientIdentity;
  /** Median beats where the file stores them (MUSE, DICOM multiplex groups, aECG derived series). */
  readonly median?: MedianBeats;
  /** Timed annotations where the file stores them (EDF+); absent for formats without them. */
  readonly annotations?: readonly RecordAnnotation[];
}

/**
 * A whole record's digital samples as its one signal file holds them: little-endian int16,
 * `channels` samples per frame (WFDB format 16, MAT v4 int16 `val`), not yet converted. A bulk
 * reader (the import) asks for these (WFDB: readWfdbFrames) to convert, check and resample them in
 * one pass (signal/canonical-frames.ts); formats/frames.ts turns them into a Reading's signals.
 * Channel c is physical = ((d - baseline[c]) / gain[c]) * factor[c], NaN where d === invalid.
 */
export interface Int16Frames {
  /** frames * channels samples, frame after frame; the caller hands it back (recycleFrames) when done. */
  readonly samples: Int16Array;
  readonly frames: number;
  readonly channels: number;
  readonly invalid: number;
  readonly baseline: readonly number[];
  readonly gain: readonly number[];
  /** A correction on top of the gain (a dataset's known calibration error), 1 when none. */
  readonly factor: readonly number[];
  /** The header's 16-bit checksums, verified by whoever sums the samples (formats/frames.ts). */
  readonly checksums: readonly (number | undefined)[];
}

/** A Reading whose samples are still the file's int16 frames: `signals` comes from `unframe`. */
export interface FramedReading extends Omit<Reading, 'signals'> {
  readonly frames: Int16Frames;
}

export function isFramed(r: Reading | FramedReading): r is FramedReading {
  return (r as FramedReading).frames !== undefined;
}

export interface ReadOptions {
  /** First sample (inclusive, default 0). */
  readonly from?: number;
  /** Last sample (exclusive, default end of record). */
  readonly to?: number;
}

/** A reading failure with a message fit to show a user; `code` names the kind for tests and the catalog. */
export class FormatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}
