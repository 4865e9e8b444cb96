// `openecg read`: the --json document (one JSON value, nulls for invalid samples, numbers that
// round-trip), ranges, the human summary and usage errors.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { readCommand } from '../../src/main/cli/read.js';
import { readingJson } from '../../src/main/cli/reading-json.js';
import { UsageError } from '../../src/main/cli/command.js';
import { readRecord } from '../../src/main/formats/index.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));
const realWrite = process.stdout.write.bind(process.stdout);
afterEach(() => {
  process.stdout.write = realWrite;
});

/** Runs the command and returns what it printed on stdout. */
async function run(argv: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    const status = await readCommand.run(argv);
    return { status, out };
  } finally {
    process.stdout.write = realWrite;
  }
}

describe('openecg read --json', () => {
  it('prints one document with the header fields and signals in physical units', async () => {
    const { status, out } = await run([`${SAMPLES}wfdb/100skew`, '--json']);
    expect(status).toBe(0);
    const doc = JSON.parse(out);
    expect(doc).toMatchObject({ record: '100skew', fs: 360, n_sig: 2, sig_len: 650000, sig_name: ['MLII', 'V5'], units: ['mV', 'mV'], fmt: ['212', '212'], adc_gain: [200, 200], baseline: [1024, 1024], warnings: [] });
    expect(doc.signals[0].slice(0, 3)).toEqual([-0.145, -0.145, -0.145]);
    // The skewed channel runs 3 samples past the file end: null there.
    expect(doc.signals[1].slice(-4)).toEqual([doc.signals[1].at(-4), null, null, null]);
    expect(typeof doc.signals[1].at(-4)).toBe('number');
  });

  it.each(['a103l', '03700181', 'v102s'])('numbers round-trip to the reading exactly (%s)', async (name) => {
    const r = await readRecord(`${SAMPLES}wfdb/${name}`);
    const doc = JSON.parse(readingJson(r));
    expect(doc.signals.length).toBe(r.channels.length);
    r.signals.forEach((sig, c) => expect(doc.signals[c]).toEqual(Array.from(sig, (v) => (Number.isNaN(v) ? null : v))));
  });

  it('--from/--to print that slice and its length', async () => {
    const { out } = await run([`${SAMPLES}cinc/ptb/S0001`, '--from', '100', '--to', '110', '--json']);
    const doc = JSON.parse(out);
    const whole = await readRecord(`${SAMPLES}cinc/ptb/S0001`);
    expect(doc.sig_len).toBe(10);
    expect(doc.total_len).toBe(whole.sigLen);
    expect(doc.signals[5]).toEqual(Array.from(whole.signals[5].subarray(100, 110)));
  });
});

describe('openecg read (summary)', () => {
  it('names the record, rate, length, channels and warnings', async () => {
    const { status, out } = await run([`${SAMPLES}wfdb/03700181`]);
    expect(status).toBe(0);
    expect(out).toContain('record   03700181');
    expect(out).toContain('fs       125 Hz');
    expect(out).toContain('length   75000 samples (600.000 s)');
    expect(out).toMatch(/ABP\s+mmHg\s+gain 12\.84 baseline -1605 fmt 212/);
    expect(out).toContain('4 invalid');
    expect(out).toContain('warnings none');
  });

  it('rejects bad arguments as usage errors', async () => {
    await expect(run([])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['a', 'b'])).rejects.toThrow('give exactly one record path');
    await expect(run(['a', '--from', 'x'])).rejects.toThrow("--from must be a non-negative integer, got 'x'");
    await expect(run(['a', '--bogus'])).rejects.toBeInstanceOf(UsageError);
  });
});
