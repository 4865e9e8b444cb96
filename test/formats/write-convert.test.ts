// `openecg convert`: real files to every target read back to the same samples; WFDB output is
// format 16 at the source's gain and agrees with the reference readings of its source; identity stays out of the output
// unless --keep-patient; usage errors.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertCommand, convertRecord } from '../../src/main/cli/convert.js';
import { UsageError } from '../../src/main/cli/command.js';
import { readRecord, readWfdb } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { disagreement, reference } from './clinical/parity.js';
import { expectSameAtStep, SAMPLES } from './write-check.js';

const dir = tempDir('convert');
const AECG = join(SAMPLES, 'clinical/hl7aecg/hl7_example_aECG.xml');
/** What the HL7 example says about its subject and acquisition (trial subject SBJ-123, 'Clark', 1953-05-08, 2002-11-22 09:10). */
const IDENTITY = ['SBJ-123', 'Clark', '19530508', '1953-05-08', '20021122', '2002-11-22'];

function contains(path: string, needle: string): boolean {
  const bytes = readFileSync(path);
  return bytes.includes(Buffer.from(needle, 'latin1')) || bytes.includes(Buffer.from(needle, 'utf16le'));
}

describe('openecg convert', () => {
  it('writes WFDB format 16 at the source gain, read back exactly by us and by libbiosig', async () => {
    const src = join(SAMPLES, 'clinical/dicom/ecgtoolkit_Example.dcm');
    const out = join(dir, 'wfdb', 'ecg');
    const result = await convertRecord(src, 'wfdb', out);
    expect(result.files).toEqual([`${out}.hea`, `${out}.dat`]);
    expect(result.stepUv).toBe(2.5);
    const hea = readFileSync(`${out}.hea`, 'utf8').split('\n');
    expect(hea[0]).toBe('ecg 12 500 5000');
    expect(hea[1]).toMatch(/^ecg\.dat 16 400\/mV 16 0 -?\d+ -?\d+ 0 I$/);
    const original = await readRecord(src);
    const back = await readWfdb(out);
    expectSameAtStep(back, { leads: original.channels.map((c) => c.name), signals: original.signals }, 2.5, 'wfdb');
  });

  it('writes WFDB copies of the clinical files that still agree with their independent reference readings', async () => {
    // libbiosig 2.5 cannot serve here: its MIT reader returns every other frame of format-16 records (real ones too).
    for (const rel of ['dicom/ecgtoolkit_Example.dcm', 'hl7aecg/philips_ad4d3d80-d165_1-04_converted.xml', 'scp-ecg/ecgtoolkit_Example.scp', 'muse/braveheart_example1.xml', 'philips/129DYPRG.XML']) {
      const name = basename(rel);
      const out = join(dir, 'wfdb', name.replace(/\W/g, '_'));
      await convertRecord(join(SAMPLES, 'clinical', rel), 'wfdb', out);
      expect(disagreement(reference(`${name}.json`), await readWfdb(out)), name).toBeUndefined();
    }
  });

  for (const target of ['dicom', 'aecg', 'scp', 'wfdb'] as const) {
    it(`leaves identity and acquisition time out of ${target} output by default, keeps them with --keep-patient`, async () => {
      const anon = join(dir, `anon-${target}`);
      const kept = join(dir, `kept-${target}`);
      const a = await convertRecord(AECG, target, anon);
      const k = await convertRecord(AECG, target, kept, { keepPatient: true });
      expect(a.patientKept).toBe(false);
      expect(k.patientKept).toBe(true);
      for (const f of a.files) for (const s of IDENTITY) expect(contains(f, s), `${f} holds ${s}`).toBe(false);
      const original = await readRecord(AECG);
      const back = await readRecord(a.files[0]);
      expectSameAtStep(back, { leads: original.channels.map((c) => c.name), signals: original.signals }, 2.5, target, target === 'scp');
      // Statements are no identity: they travel.
      if (target !== 'wfdb') expect(back.comments.some((c) => /Statement/.test(c))).toBe(original.comments.some((c) => /Statement/.test(c)));
      const keptBack = await readRecord(k.files[0]);
      if (target === 'wfdb') {
        // WFDB has no identity fields: only age and sex go into the header comments.
        expect(readFileSync(k.files[0], 'utf8')).toMatch(/#Age: 49\n#Sex: Male\n/);
        expect(keptBack.baseDate).toBe('22/11/2002');
      } else {
        expect(keptBack.patient?.id).toBe('SBJ-123');
        expect(keptBack.patient?.name).toBe('Clark');
        expect(keptBack.baseDate).toBe('2002-11-22');
      }
    });
  }

  it('runs as a command and refuses unusable arguments', async () => {
    const out = join(dir, 'cmd.scp');
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((s: string) => ((printed += s), true)) as typeof process.stdout.write;
    try {
      expect(await convertCommand.run([AECG, '--to', 'scp', '--out', out, '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const doc = JSON.parse(printed) as { target: string; files: string[]; samples: number; patientKept: boolean };
    expect(doc).toMatchObject({ target: 'scp', files: [out], samples: 5000, patientKept: false });
    for (const s of IDENTITY) expect(printed.includes(s)).toBe(false);
    expect((await readRecord(out)).sigLen).toBe(5000);
    await expect(convertCommand.run([AECG, '--out', out])).rejects.toThrow(UsageError);
    await expect(convertCommand.run([AECG, '--to', 'edf', '--out', out])).rejects.toThrow(/--to must be one of/);
    await expect(convertCommand.run([AECG, '--to', 'dicom'])).rejects.toThrow(/--out/);
    await expect(convertCommand.run([out, '--to', 'scp', '--out', out])).rejects.toThrow(/overwrite the input/);
  });
});
