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
