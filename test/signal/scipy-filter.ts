// SciPy's Butterworth filters run on signals from a test, for the comparisons of signal/butterworth.ts
// and signal/model-input.ts: /usr/bin/python3 with python3-scipy (installed by .ci/run).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../temp.js';

export interface FilterCase {
  readonly order: number;
  readonly cutoff: number | readonly [number, number];
  readonly type: 'lowpass' | 'highpass' | 'bandpass';
  readonly rate: number;
  readonly zeroPhase: boolean;
  readonly x: readonly number[];
}

export interface FilterResult {
  readonly sos: number[][];
  readonly y: number[];
  /** SciPy's own 'ba' form run by filtfilt/lfilter, to show why sections are the reference. */
  readonly yBa: number[];
}

const SCRIPT = `
import json, sys
import numpy as np
import scipy.signal as ss
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    x = np.asarray(c['x'], dtype=np.float64)
    sos = ss.butter(c['order'], c['cutoff'], c['type'], fs=c['rate'], output='sos')
    b, a = ss.butter(c['order'], c['cutoff'], c['type'], fs=c['rate'], output='ba')
    y = ss.sosfiltfilt(sos, x) if c['zeroPhase'] else ss.sosfilt(sos, x)
    yba = ss.filtfilt(b, a, x) if c['zeroPhase'] else ss.lfilter(b, a, x)
    out.append(dict(sos=sos.tolist(), y=y.tolist(), yBa=yba.tolist()))
json.dump(out, sys.stdout)
`;

/** Every case through SciPy in one python3 run: butter(..., output='sos'), then sosfiltfilt or sosfilt. */
export function scipyFilter(cases: readonly FilterCase[]): FilterResult[] {
  const dir = tempDir('scipy-filter');
  const input = join(dir, 'cases.json');
  writeFileSync(input, JSON.stringify(cases));
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', SCRIPT, input], { encoding: 'utf8', maxBuffer: 1 << 30 })) as FilterResult[];
}
