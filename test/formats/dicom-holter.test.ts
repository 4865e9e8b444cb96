// A 24-hour, 12-lead, 200 Hz Ambulatory ECG Waveform Storage file (415 MB, written sparsely: the
// DICOM writer's header for a short record, patched to the Ambulatory SOP class and a day of
// samples, then a few real seconds and a hole for the rest): opening it reads the header and
// the window's own bytes only, counted by the file source; a cut copy is refused with the reason.
import { closeSync, ftruncateSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { readDicom, readDicomFrom } from '../../src/main/formats/dicom/read.js';
import { writeDicom } from '../../src/main/formats/dicom/write.js';
import { FileSource } from '../../src/main/formats/edf/source.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { clinicalFile } from './clinical/parity.js';

const LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
const FS = 200;
const DAY = 86400 * FS;
const STEP_UV = 5;
const AMBULATORY = '1.2.840.10008.5.1.4.1.1.9.1.3';
/** Stored counts of channel c at sample n. */
const wave = (c: number, n: number): number => ((n * 37 + c * 1009) % 4001) - 2000;
const frame = LEADS.length * 2;

/**
 * The header of a day-long file: writeDicom's bytes for a 16-sample record (12-lead SOP class,
 * whose UID has the Ambulatory UID's length), with the sample count, the WaveformSequence,
 * item and WaveformData lengths grown to a day's samples. WaveformData is the file's last element.
 */
function dayHeader(): { header: Buffer; dataOffset: number } {
  const short = writeDicom({ fs: FS, leads: LEADS, signals: LEADS.map((_, c) => Float64Array.from({ length: 16 }, (_, n) => (wave(c, n) * STEP_UV) / 1000)), stepUv: STEP_UV, date: '2024-11-11', time: '21:00:00' });
  const bytes = Buffer.from(short.bytes);
  const ds = dicomParser.parseDicom(bytes);
  const seq = ds.elements['x54000100'];
  const item = seq.items![0];
  const data = item.dataSet!.elements['x54001010'];
  expect(data.dataOffset + data.length).toBe(bytes.length);
  const grow = DAY * frame - data.length;
  bytes.writeUInt32LE(seq.length + grow, seq.dataOffset - 4);
  bytes.writeUInt32LE(item.length + grow, item.dataOffset - 4);
  bytes.writeUInt32LE(DAY * frame, data.dataOffset - 4);
  bytes.writeUInt32LE(DAY, item.dataSet!.elements['x003a0010'].dataOffset);
  for (const tag of ['x00020002', 'x00080016']) {
    const el = ds.elements[tag];
    expect(ds.string(tag)).toBe('1.2.840.10008.5.1.4.1.1.9.1.1');
    bytes.write(AMBULATORY, el.dataOffset, 'latin1');
  }
  return { header: bytes.subarray(0, data.dataOffset), dataOffset: data.dataOffset };
}

function interleaved(from: number, to: number): Buffer {
  const b = Buffer.alloc((to - from) * frame);
  for (let n = from; n < to; n++) for (let c = 0; c < LEADS.length; c++) b.writeInt16LE(wave(c, n), (n - from) * frame + 2 * c);
  return b;
}

/** The header, samples [from, to) of each written span, a hole elsewhere, `size` bytes in all. */
function writeSparse(path: string, header: Buffer, dataOffset: number, spans: [number, number][], size: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header, 0, header.length, 0);
    for (const [from, to] of spans) {
      const b = interleaved(from, to);
      if (dataOffset + from * frame < size) writeSync(fd, b, 0, Math.min(b.length, size - dataOffset - from * frame), dataOffset + from * frame);
    }
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

describe('24-hour Ambulatory ECG DICOM', () => {
  const dir = tempDir('dicom-holter');
  const path = join(dir, 'day.dcm');
  const { header, dataOffset } = dayHeader();
  const NOON = DAY / 2;
  const size = dataOffset + DAY * frame;
  writeSparse(path, header, dataOffset, [[0, 2 * FS], [NOON - FS, NOON + 11 * FS], [DAY - FS, DAY]], size);

  it('opens a 10 s window at hour 12 reading a few KB beyond the window', () => {
    expect(statSync(path).size).toBe(size);
    expect(size).toBeGreaterThan(400e6);
    const from = NOON + 150;
    const to = from + 10 * FS;
    const src = new FileSource(path);
    try {
      const r = readDicomFrom(src, path, { from, to });
      const windowBytes = (to - from) * frame;
      expect(src.bytesRead).toBeGreaterThan(windowBytes + header.length - 1);
      expect(src.bytesRead - windowBytes).toBeLessThan(16 * 1024);
      expect(r.totalLen).toBe(DAY);
      expect(r.sigLen).toBe(10 * FS);
      expect(r.fs).toBe(FS);
      expect(r.channels.map((c) => c.name)).toEqual(LEADS);
      expect(r.comments[0]).toBe('Format: DICOM Ambulatory ECG Waveform Storage, multiplex group 0 RHYTHM');
      for (const c of [0, 5, 11]) for (const i of [0, 1, 999, 1999]) expect(r.signals[c][i]).toBe((wave(c, from + i) * STEP_UV) / 1000);
      expect(r.baseDate).toBe('2024-11-11');
    } finally {
      src.close();
    }
  });

  it('reads the first and last seconds through readRecord, and refuses a whole day with the window to ask for', async () => {
    const head = await readRecord(path, { from: 0, to: FS });
    expect(head.signals[3][17]).toBe((wave(3, 17) * STEP_UV) / 1000);
    const tail = await readRecord(path, { from: DAY - FS, to: DAY });
    expect(tail.signals[11][FS - 1]).toBe((wave(11, DAY - 1) * STEP_UV) / 1000);
    await expect(readRecord(path)).rejects.toMatchObject({ code: 'too-large', message: expect.stringContaining('read a window of at most') });
  });

  it('refuses a copy cut 20 minutes before the end, saying WaveformData is cut', async () => {
    const cut = join(dir, 'cut.dcm');
    const short = 20 * 60 * FS * frame;
    writeSparse(cut, header, dataOffset, [[0, FS]], size - short);
    await expect(readDicom(cut, { from: 0, to: FS })).rejects.toMatchObject({
      code: 'truncated',
      message: expect.stringContaining(`WaveformData (5400,1010) at byte ${dataOffset - 12} declares ${DAY * frame} bytes, the file ends ${short} bytes before their end`),
    });
  });
});

describe('streamed DICOM parse', () => {
  it('reads the shared implicit VR file the same through paged bytes as from one buffer', async () => {
    const file = clinicalFile('dicom/ecgtoolkit_Example.dcm');
    const whole = await readDicom(file);
    const src = new FileSource(file);
    try {
      const streamed = readDicomFrom(src, file, {}, 0);
      expect(streamed).toEqual(whole);
      const window = readDicomFrom(src, file, { from: 1000, to: 1100 }, 0);
      expect(window.signals.map((s) => Array.from(s))).toEqual(whole.signals.map((s) => Array.from(s.subarray(1000, 1100))));
    } finally {
      src.close();
    }
  });
});
