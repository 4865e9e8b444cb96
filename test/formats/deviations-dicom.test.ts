// DICOM waveform deviations real files show (docs/format-deviations.md): each file is written
// here with the project's DICOM writer and then altered in place (same lengths, or with the
// enclosing lengths fixed) to show one deviation; read with the warning, or refused in one line.
import { describe, expect, it } from 'vitest';
import { writeDicom } from '../../src/main/formats/dicom/write.js';
import { tempDir } from '../temp.js';
import { deviationFiles } from './helpers/deviation-file.js';
import { expectSameAtStep, generatedEcg, leadIndex } from './write-check.js';

const dir = tempDir('dev-dicom');
const { read, refusal } = deviationFiles(dir);
const ecg = generatedEcg(43, 2, 2.5);
const N = ecg.signals[0].length;

function written(median = false): Buffer {
  const m = median ? { fs: 250, leads: ecg.leads, signals: ecg.signals.map((x) => x.slice(0, 150)), stepUv: 2.5 } : undefined;
  const out = writeDicom({ ...ecg, ...(m ? { median: m } : {}) });
  expect(out.warnings).toEqual([]);
  return Buffer.from(out.bytes);
}

/** Offset of the (first, or every) explicit-VR element header with `tag` (group, element). */
function at(b: Buffer, group: number, element: number, vr?: string): number[] {
  const key = Buffer.alloc(4);
  key.writeUInt16LE(group, 0);
  key.writeUInt16LE(element, 2);
  const found: number[] = [];
  for (let i = b.indexOf(key); i >= 0; i = b.indexOf(key, i + 1)) if (!vr || b.toString('latin1', i + 4, i + 6) === vr) found.push(i);
  if (!found.length) throw new Error(`no (${group.toString(16)},${element.toString(16)})`);
  return found;
}

/** Gives every element with `tag` another element number (an unknown tag): the element is then absent to a reader. */
function drop(b: Buffer, group: number, element: number, vr: string): void {
  for (const i of at(b, group, element, vr)) b.writeUInt16LE(0x02f0 + (element & 0x0f), i + 2);
}



describe('DICOM deviations read with a warning', () => {
  it('WaveformBitsAllocated 12 over SS data whose length fits 16-bit samples', async () => {
    const b = written();
    b.writeUInt16LE(12, at(b, 0x5400, 0x1004, 'US')[0] + 8);
    const r = await read(b, 'bits12.dcm');
    expectSameAtStep(r, ecg, 2.5, 'bits 12');
    expect(r.warnings).toEqual(["multiplex group 0: WaveformBitsAllocated 12 with sample interpretation 'SS': the data's length fits 16-bit samples, read so"]);
  });

  it('no ChannelSensitivityCorrectionFactor: 1 assumed', async () => {
    const b = written();
    drop(b, 0x003a, 0x0212, 'DS');
    const r = await read(b, 'nocorr.dcm');
    expectSameAtStep(r, ecg, 2.5, 'no correction');
    expect(r.warnings).toEqual(['multiplex group 0: no ChannelSensitivityCorrectionFactor for every channel: 1 assumed']);
  });

  it('no ChannelSensitivityUnitsSequence: values in the unstated units, not a voltage', async () => {
    const b = written();
    drop(b, 0x003a, 0x0211, 'SQ');
    const r = await read(b, 'nounits.dcm');
    expect(r.channels.every((c) => c.units === 'unknown')).toBe(true);
    // Counts x 2.5 (the sensitivity, in the microvolts the writer meant): the mV values x 1000.
    const k = leadIndex(r, 'V2');
    const want = ecg.signals[ecg.leads.indexOf('V2')];
    for (let t = 0; t < N; t += 97) expect(r.signals[k][t]).toBeCloseTo(want[t] * 1000, 6);
    expect(r.warnings).toEqual(["multiplex group 0: no ChannelSensitivityUnitsSequence for every channel: values kept in the file's unstated units, not taken as a voltage"]);
  });

  it('WaveformData coded OB with 16-bit samples', async () => {
    const b = written();
    b.write('OB', at(b, 0x5400, 0x1010, 'OW')[0] + 4, 'latin1');
    const r = await read(b, 'ob.dcm');
    expectSameAtStep(r, ecg, 2.5, 'OB');
    expect(r.warnings).toEqual(['multiplex group 0: WaveformData coded OB with 16-bit samples (OW expected): read as little-endian 16-bit words']);
  });

  it('WaveformData padded past its samples by less than one frame', async () => {
    // WaveformData closes the last item of the last sequence of the data set: append 6 bytes and
    // lengthen the element, its item and the sequence.
    const b = Buffer.concat([written(), Buffer.alloc(6)]);
    const data = at(b, 0x5400, 0x1010, 'OW')[0];
    b.writeUInt32LE(b.readUInt32LE(data + 8) + 6, data + 8);
    const seq = at(b, 0x5400, 0x0100, 'SQ')[0];
    b.writeUInt32LE(b.readUInt32LE(seq + 8) + 6, seq + 8);
    const item = seq + 12;
    expect(b.readUInt16LE(item + 2)).toBe(0xe000);
    b.writeUInt32LE(b.readUInt32LE(item + 4) + 6, item + 4);
    const r = await read(b, 'padded.dcm');
    expectSameAtStep(r, ecg, 2.5, 'padded');
    expect(r.warnings).toEqual([`multiplex group 0: WaveformData holds 6 bytes of padding after its ${N * 24} bytes of samples: ignored`]);
  });

  it('multiplex groups at different rates: the rhythm group is the record, the others are named', async () => {
    const b = written(true);
    const label = at(b, 0x003a, 0x0020, 'SH')[1];
    expect(b.toString('latin1', label + 8, label + 14)).toBe('MEDIAN');
    b.write('OTHER ', label + 8, 'latin1');
    const r = await read(b, 'groups.dcm');
    expect(r.fs).toBe(500);
    expectSameAtStep(r, ecg, 2.5, 'groups');
    expect(r.median).toBeUndefined();
    expect(r.warnings).toEqual(['other multiplex groups not read: OTHER (12 x 150 at 250 Hz)']);
  });
});

describe('DICOM deviations refused', () => {
  it('WaveformBitsAllocated 32 over SS data whose length fits 32-bit samples: which is wrong is unknowable', async () => {
    const b = written();
    // Half the samples: the data's length now fits 32-bit samples as well as it fits the count.
    const samples = at(b, 0x003a, 0x0010, 'UL')[0];
    b.writeUInt32LE(N / 2, samples + 8);
    b.writeUInt16LE(32, at(b, 0x5400, 0x1004, 'US')[0] + 8);
    const err = await refusal(b, 'bits32.dcm');
    expect(err.message).toMatch(/multiplex group 0: sample interpretation 'SS' with 32 bits allocated$/);
  });

  it('WaveformData longer than its samples by a whole frame or more', async () => {
    const b = written();
    b.writeUInt32LE(N - 1, at(b, 0x003a, 0x0010, 'UL')[0] + 8);
    const err = await refusal(b, 'long.dcm');
    expect(err.code).toBe('length');
    expect(err.message).toMatch(new RegExp(`WaveformData holds ${N * 24} bytes, 12 channels x ${N - 1} samples need ${(N - 1) * 24}$`));
  });
});
