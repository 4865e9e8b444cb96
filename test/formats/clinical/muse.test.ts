import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError, readRecord } from '../../../src/main/formats/index.js';
import { clinicalFile, disagreement, reference } from './parity.js';

const MUSE = clinicalFile('muse/braveheart_example1.xml');
const dir = mkdtempSync(join(tmpdir(), 'openecg-muse-'));

/** The shared MUSE file with `edit` applied to its text, written as `name`. */
function edited(name: string, edit: (xml: string) => string): string {
  const path = join(dir, name);
  writeFileSync(path, edit(readFileSync(MUSE, 'latin1')), 'latin1');
  return path;
}

describe('GE MUSE XML', () => {
  it('reads the shared rhythm waveform as the reference does, with limb leads derived', async () => {
    const r = await readRecord(MUSE);
    expect(disagreement(reference('braveheart_example1.xml.json'), r)).toBeUndefined();
    expect(r.channels.map((c) => c.name)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6']);
    expect(r.channels.filter((c) => c.derived).map((c) => `${c.name}=${c.derived}`)).toEqual(['III=II - I', 'aVR=-(I + II)/2', 'aVL=I - II/2', 'aVF=II - I/2']);
    expect(r.warnings.join('\n')).toMatch(/derived III, aVR, aVL, aVF from I and II/);
    expect(r.comments.join('\n')).toMatch(/VentricularRate 48/);
  });

  it('keeps the median beats beside the record, agreeing with their reference', async () => {
    const r = await readRecord(MUSE);
    expect(r.median).toBeDefined();
    expect(disagreement(reference('braveheart_example1.xml.median.json'), r.median!)).toBeUndefined();
  });

  it('reads a window of samples', async () => {
    const whole = await readRecord(MUSE);
    const part = await readRecord(MUSE, { from: 1000, to: 1500 });
    expect(part.sigLen).toBe(500);
    expect(part.totalLen).toBe(5000);
    expect(Array.from(part.signals[2])).toEqual(Array.from(whole.signals[2].subarray(1000, 1500)));
  });

  it('rejects a lead whose data does not match its CRC32', async () => {
    // Flip one base64 character of the first rhythm lead: same length, other bytes.
    const bad = edited('crc.xml', (xml) => {
      const at = xml.indexOf('<WaveFormData>', xml.indexOf('<WaveformType>Rhythm')) + '<WaveFormData>'.length + 20;
      return xml.slice(0, at) + (xml[at] === 'A' ? 'B' : 'A') + xml.slice(at + 1);
    });
    await expect(readRecord(bad)).rejects.toMatchObject({ code: 'crc' });
  });

  it('rejects wrong lengths, truncated files and XML that is not MUSE', async () => {
    const short = edited('short.xml', (xml) => xml.replace('<LeadByteCountTotal>10000</LeadByteCountTotal>', '<LeadByteCountTotal>9000</LeadByteCountTotal>'));
    await expect(readRecord(short)).rejects.toMatchObject({ code: 'length' });
    const cut = join(dir, 'cut.xml');
    writeFileSync(cut, readFileSync(MUSE).subarray(0, 90_000));
    await expect(readRecord(cut)).rejects.toMatchObject({ code: 'truncated' });
    const noWave = edited('nowave.xml', (xml) => xml.replace(/<Waveform>[\s\S]*<\/Waveform>/, ''));
    await expect(readRecord(noWave)).rejects.toMatchObject({ code: 'no-waveform' });
    const other = join(dir, 'other.xml');
    writeFileSync(other, '<?xml version="1.0"?><Invoice><Total>3</Total></Invoice>');
    const err = await readRecord(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toMatch(/no reader knows this file/);
  });

  it('detects MUSE by content, not by name', async () => {
    const renamed = join(dir, 'ECG_0001.dat');
    copyFileSync(MUSE, renamed);
    const r = await readRecord(renamed);
    expect(r.sigLen).toBe(5000);
  });
});
