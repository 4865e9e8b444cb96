// WFDB formats 508/516/524: one FLAC stream per signal file, one FLAC channel per signal
// (at most 8), 8/16/24-bit. Decoded with @wasm-audio-decoders/flac (libFLAC in WebAssembly),
// loaded at the first FLAC file: its ~40 modules would otherwise slow every command's start-up.
import { readFileSync } from 'node:fs';
import { FormatError } from '../types.js';

export interface FlacSamples {
  /** Samples per channel. */
  readonly length: number;
  readonly channels: Int32Array[];
}

/**
 * Decodes a whole FLAC signal file to integers. The decoder hands out float32 samples equal to
 * n / (2^(bits-1) - 1); scaling back and rounding recovers n exactly for 8, 16 and 24 bits
 * (the float32 error stays under 0.5 of one step), which the round-trip tests check.
 */
export async function decodeFlacFile(path: string, channels: number, maxBits: number): Promise<FlacSamples> {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FormatError('missing', `${path}: signal file not found`);
    throw new FormatError('unreadable', `${path}: cannot read signal file (${code ?? (err as Error).message})`);
  }
  if (data.length < 4 || data.toString('latin1', 0, 4) !== 'fLaC') {
    throw new FormatError('format', `${path}: not a FLAC file (no 'fLaC' signature)`);
  }
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  try {
    await decoder.ready;
    const out = await decoder.decodeFile(new Uint8Array(data.buffer, data.byteOffset, data.length));
    if (out.errors.length > 0) {
      throw new FormatError('format', `${path}: FLAC decoding failed (${out.errors[0].message ?? 'corrupt stream'})`);
    }
    if (out.channelData.length !== channels) {
      throw new FormatError('format', `${path}: FLAC stream has ${out.channelData.length} channels, header lists ${channels} signals`);
    }
    if (out.bitDepth > maxBits) {
      throw new FormatError('format', `${path}: FLAC stream has ${out.bitDepth}-bit samples, format allows ${maxBits}`);
    }
    const scale = 2 ** (out.bitDepth - 1) - 1;
    const length = out.samplesDecoded;
    const ints = out.channelData.map((ch) => {
      const a = new Int32Array(length);
      for (let i = 0; i < length; i++) a[i] = Math.round(ch[i] * scale);
      return a;
    });
    return { length, channels: ints };
  } finally {
    decoder.free();
  }
}
