// The polyphase FIR of resample.ts as a WebAssembly SIMD kernel (fir.wat): the sums of the JS
// path (fir-js.ts) in f32x4 lanes (within 3e-7 of the signal RMS), ~4x faster. The build assembles
// fir.wat into dist/ as fir.wasm (scripts/copy-assets.mjs), so a built process only compiles those
// bytes at first use; run from src/ (tests) it assembles fir.wat with wabt. Where WebAssembly SIMD
// or wabt is unavailable, or OPENECG_FIR=js, `firKernel()` is null and resample.ts keeps the JS
// path. The same module holds the import's fused int16 decode (signalWasm(), canonical-frames.ts),
// so its results need no copy.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleWat } from './fir-assemble.js';
import type { FilterBank } from './resample.js';

type Samples = Float64Array | Float32Array;

export interface FirKernel {
  /** resampleInto's contract; false when the call is outside what the kernel handles (then use JS). */
  run(x: Samples, xStart: number, bank: FilterBank, first: number, count: number, out: Samples, outOffset: number, scale: number): boolean;
}

// The few WebAssembly globals used here (the project's lib has no DOM/WebAssembly typings).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export interface SignalExports {
  readonly memory: WasmMemory;
  readonly run: (xp: number, lo: number, table: number, up: number, down: number, half: number, first: number, count: number, out: number, scale: number) => void;
  readonly decode: (src: number, frames: number, stride: number, col: number, baseline: number, gain: number, factor: number, invalid: number, o64: number, o32: number, res: number) => void;
  readonly within: (x: number, xI: number, xII: number, n: number, k: number, a: number, b: number, tol: number) => number;
}

/** The module instance behind the kernel, for the import's fused path (canonical-frames.ts). */
export interface SignalWasm {
  readonly exports: SignalExports;
  /** Byte address of the bank's phase table; placed once, never moved. */
  place(bank: FilterBank): number;
  /** First byte (16-aligned) after the banks placed so far: memory from here on is per-call scratch. */
  scratchStart(): number;
  /** Grows memory to at least `bytes` (views taken before may detach: take them after). */
  reserve(bytes: number): void;
}

// A module with one v128 instruction (wasm-feature-detect's SIMD probe): checked before spending
// the assembly on an engine that would refuse the kernel anyway.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);
const PAGE = 65536;
// Inputs beyond this many samples per call go to the JS path rather than growing memory for good.
const MAX_INPUT = 1 << 24;

let kernel: FirKernel | null | undefined;
let instance: SignalWasm | null = null;
let failure: string | undefined;
// The kernel's binary: fir.wasm from the build, else fir.wat assembled (~0.1 s of CPU: wabt in a
// helper thread); a process gets it once and hands the bytes to its worker threads (provideFirBinary).
let binary: Uint8Array | undefined;

/** The wabt features fir.wat needs; the build assembles it with the same ones (scripts/copy-assets.mjs). */
export const FIR_WAT_FEATURES: Readonly<Record<string, boolean>> = { simd: true };

/** The kernel's WebAssembly binary, for worker threads; null where the kernel cannot run here. */
export function firBinary(): Uint8Array | null {
  return firKernel() && binary ? binary : null;
}

/** Use these bytes (from firBinary in another thread) instead of assembling fir.wat again. */
export function provideFirBinary(bytes: Uint8Array): void {
  if (kernel === undefined) binary = bytes;
}

/** The WASM kernel, created at the first call; null where it cannot run (see `firKernelFailure`). */
export function firKernel(): FirKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    if (process.env.OPENECG_FIR === 'js') failure = 'disabled by OPENECG_FIR=js';
    else if (!wasmApi || !wasmApi.validate(SIMD_PROBE)) failure = 'WebAssembly SIMD is not available';
    else {
      instance = createInstance((binary ??= prebuiltBinary() ?? assembleWat('fir.wat', firWatSource(), { ...FIR_WAT_FEATURES })));
      kernel = firOn(instance);
    }
  } catch (err) {
    failure = (err as Error).message;
  }
  return kernel;
}

/** The WebAssembly module the FIR kernel runs in; null where it cannot run (as firKernel). */
export function signalWasm(): SignalWasm | null {
  return firKernel() ? instance : null;
}

/** Why `firKernel()` is null (undefined while it is not, or not yet asked). */
export function firKernelFailure(): string | undefined {
  return failure;
}

/** fir.wasm beside this module: the build's assembly of fir.wat (absent in src/, where tests run). */
function prebuiltBinary(): Uint8Array | undefined {
  const path = fileURLToPath(new URL('./fir.wasm', import.meta.url));
  return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
}

/** fir.wat beside this module (src/, or dist/ where the build copies it), else in src/ of the checkout. */
export function firWatSource(): string {
  for (const rel of ['./fir.wat', '../../../src/main/signal/fir.wat']) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('fir.wat not found beside fir-wasm.js or in src/main/signal');
}

function createInstance(binary: Uint8Array): SignalWasm {
  const api = wasmApi as WasmApi;
  const exports = new api.Instance(new api.Module(binary), {}).exports as SignalExports;
  const memory = exports.memory;
  // Memory from 0: each bank's phase table and reversed taps (added once, never moved), then the
  // per-call scratch (input stretch and outputs), which may grow.
  const placed = new Map<FilterBank, number>();
  let banksEnd = 0;

  const reserve = (bytes: number): void => {
    if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  };

  /** Byte address of the bank's phase table: per phase (taps address, length), taps reversed. */
  const place = (bank: FilterBank): number => {
    const at = placed.get(bank);
    if (at !== undefined) return at;
    const { up, phases, phaseStart, phaseLength } = bank;
    const table = banksEnd;
    let taps = align16(table + 8 * up);
    let end = taps;
    for (let r = 0; r < up; r++) end = align16(end + 4 * phaseLength[r]);
    reserve(end);
    const words = new Int32Array(memory.buffer, table, 2 * up);
    const f32 = new Float32Array(memory.buffer);
    for (let r = 0; r < up; r++) {
      const len = phaseLength[r];
      words[2 * r] = taps;
      words[2 * r + 1] = len;
      // Reversed, so the dot product walks taps and inputs in the same direction.
      for (let i = 0; i < len; i++) f32[taps / 4 + i] = phases[phaseStart[r] + len - 1 - i];
      taps = align16(taps + 4 * len);
    }
    banksEnd = end;
    placed.set(bank, table);
    return table;
  };

  return { exports, place, reserve, scratchStart: () => align16(banksEnd) };
}

function firOn(instance: SignalWasm): FirKernel {
  const { exports: wasm, place, reserve } = instance;
  const memory = wasm.memory;
  return {
    run(x, xStart, bank, first, count, out, outOffset, scale) {
      if (count <= 0) return true;
      // Negative output indices would need floor division of negative numbers: leave them to JS.
      if (!(first >= 0) || !Number.isInteger(first) || !Number.isInteger(xStart)) return false;
      // Input samples [lo, hi) the outputs depend on (resample.ts inputSupport).
      const lo = Math.ceil((first * bank.down - bank.half) / bank.up);
      const hi = Math.floor(((first + count - 1) * bank.down + bank.half) / bank.up) + 1;
      if (hi - lo > MAX_INPUT || count > MAX_INPUT) return false;
      const table = place(bank);
      const xp = instance.scratchStart();
      const o = align16(xp + 4 * (hi - lo));
      reserve(o + 8 * count);
      // The support of every output, zero beyond the samples x holds (scipy's zero padding).
      const pad = new Float32Array(memory.buffer, xp, hi - lo);
      const from = Math.max(lo, xStart);
      const to = Math.min(hi, xStart + x.length);
      if (to > from) {
        pad.fill(0, 0, from - lo);
        pad.set(x.subarray(from - xStart, to - xStart), from - lo);
        pad.fill(0, to - lo);
      } else {
        pad.fill(0);
      }
      wasm.run(xp, lo, table, bank.up, bank.down, bank.half, first, count, o, scale);
      out.set(new Float64Array(memory.buffer, o, count), outOffset);
      return true;
    },
  };
}

function align16(n: number): number {
  return (n + 15) & ~15;
}
