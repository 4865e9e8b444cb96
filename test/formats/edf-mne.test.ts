// EDF files written here, read by an independent reader (MNE-Python's read_raw_edf) and by ours:
// the same signals, rates and annotations. Skipped, with the reason printed, where MNE is not
// installed (Debian: apt-get install -y python3-mne).
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdf } from '../../src/main/formats/edf/read.js';
import { tempDir } from '../temp.js';
import { edfBytes, type DigitalSource, type EdfSignalSpec, type EdfSpec } from './helpers/edf-writer.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import mne; print(mne.__version__)'], { encoding: 'utf8' });
const mneVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
if (!mneVersion) console.log(`edf-mne.test.ts skipped: MNE-Python is not importable by ${PYTHON} (apt-get install -y python3-mne)`);

// MNE gives volts for voltage units; its data is brought back to the file's units to compare.
const SCRIPT = `
import json, sys
import mne
raw = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose='error')
units = getattr(raw, '_orig_units', {})
scale = {'uV': 1e6, 'µV': 1e6, 'mV': 1e3, 'V': 1.0}
data = raw.get_data()
print(json.dumps({
  'ch_names': raw.ch_names,
  'sfreq': float(raw.info['sfreq']),
  'n_times': int(raw.n_times),
  'data': [[float(v) * scale.get(units.get(ch, ''), 1.0) for v in row] for ch, row in zip(raw.ch_names, data)],
  'annotations': [[float(a['onset']), float(a['duration']), a['description']] for a in raw.annotations],
}))
`;

interface MneReading {
  ch_names: string[];
  sfreq: number;
  n_times: number;
  data: number[][];
  annotations: [number, number, string][];
}

function mneRead(path: string): MneReading {
  return JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as MneReading;
}

const dir = tempDir('edf-mne');
const wave: DigitalSource = (s, n) => Math.round(1500 * Math.sin((n + 7 * s) / 17) + ((n * (s + 3)) % 211) - 100);
const sig = (label: string, spr: number, units = 'uV', pmin = -3276.8, pmax = 3276.7, dmin = -32768, dmax = 32767): EdfSignalSpec => ({ label, units, physicalMin: pmin, physicalMax: pmax, digitalMin: dmin, digitalMax: dmax, samplesPerRecord: spr });

describe.skipIf(!mneVersion)(`EDF against MNE-Python ${mneVersion ?? ''}`, () => {
  it('EDF+C, 12 leads with two calibrations, and annotations: the same values and events', async () => {
    const leads = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const spec: EdfSpec = {
      variant: 'EDF+C',
      recordDuration: 0.5,
      records: 8,
      annotationSamples: 40,
      signals: leads.map((l, k) => (k % 2 ? sig(`ECG ${l}`, 125) : sig(`ECG ${l}`, 125, 'mV', -10, 22, -2048, 2047))),
      tals: (k) => (k === 3 ? [{ onset: 1.6, duration: 0.25, texts: ['PVC'] }] : []),
    };
    const path = join(dir, 'plus-c.edf');
    writeFileSync(path, edfBytes(spec, wave));
    const ours = await readEdf(path);
    const theirs = mneRead(path);
    expect(theirs.sfreq).toBe(ours.fs);
    expect(theirs.n_times).toBe(ours.sigLen);
    theirs.ch_names.forEach((name, c) => {
      const i = ours.channels.findIndex((ch) => `ECG ${ch.name}` === name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      const a = ours.signals[i];
      const b = theirs.data[c];
      for (let n = 0; n < a.length; n++) expect(Math.abs(a[n] - b[n]), `${name}[${n}]`).toBeLessThan(1e-9 * Math.max(1, Math.abs(b[n])));
    });
    expect(theirs.annotations).toEqual([[1.6, 0.25, 'PVC']]);
    expect(ours.annotations).toEqual([{ onset: 1.6, duration: 0.25, text: 'PVC' }]);
  });

  it('plain EDF with a slower non-ECG signal: the ECG leads agree at their rate', async () => {
    const spec: EdfSpec = { variant: 'EDF', recordDuration: 1, records: 4, signals: [sig('EKG II', 256), sig('Resp', 32, 'mV', -1, 1, -128, 127), sig('ECG V5', 256)] };
    const path = join(dir, 'mixed.edf');
    writeFileSync(path, edfBytes(spec, wave));
    const ours = await readEdf(path);
    const theirs = mneRead(path);
    expect(ours.fs).toBe(256);
    expect(theirs.sfreq).toBe(256);
    for (const [label, name] of [['EKG II', 'II'], ['ECG V5', 'V5']]) {
      const a = ours.signals[ours.channels.findIndex((c) => c.name === name)];
      const b = theirs.data[theirs.ch_names.indexOf(label)];
      expect(a.length).toBe(b.length);
      for (let n = 0; n < a.length; n++) expect(Math.abs(a[n] - b[n])).toBeLessThan(1e-9 * Math.max(1, Math.abs(b[n])));
    }
  });

  it('EDF+D: MNE reads the records back to back (it ignores gaps); ours without the NaN gap samples are the same', async () => {
    const spec: EdfSpec = {
      variant: 'EDF+D',
      recordDuration: 1,
      records: 4,
      annotationSamples: 40,
      recordOnsets: [0, 1, 3.5, 6],
      signals: [sig('ECG I', 200), sig('ECG II', 200)],
      tals: (k) => (k === 2 ? [{ onset: 3.75, texts: ['Lead off'] }] : []),
    };
    const path = join(dir, 'plus-d.edf');
    writeFileSync(path, edfBytes(spec, wave));
    const ours = await readEdf(path);
    const theirs = mneRead(path);
    expect(ours.totalLen).toBe(7 * 200);
    expect(theirs.n_times).toBe(4 * 200);
    for (const [c, label] of [[0, 'ECG I'], [1, 'ECG II']] as const) {
      const kept = Array.from(ours.signals[c]).filter((v) => !Number.isNaN(v));
      const b = theirs.data[theirs.ch_names.indexOf(label)];
      expect(kept.length).toBe(b.length);
      kept.forEach((v, n) => expect(Math.abs(v - b[n])).toBeLessThan(1e-9 * Math.max(1, Math.abs(b[n]))));
    }
    expect(theirs.annotations).toEqual([[3.75, 0, 'Lead off']]);
    expect(ours.annotations).toEqual([{ onset: 3.75, text: 'Lead off' }]);
  });
});
