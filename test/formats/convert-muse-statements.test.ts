// `openecg convert` of a GE MUSE file keeps its diagnosis statements in every target format: the
// over-read Diagnosis (a statement may span several DiagnosisStatement elements) read back from
// WFDB, DICOM, HL7 aECG and SCP-ECG; the machine's superseded OriginalDiagnosis is named in a warning.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertRecord, CONVERT_TARGETS } from '../../src/main/cli/convert.js';
import { statementsOf } from '../../src/main/formats/clinical/statements.js';
import { readRecord } from '../../src/main/formats/index.js';
import { tempDir } from '../temp.js';
import { SAMPLES } from './write-check.js';

const dir = tempDir('convert-muse');

const stmt = (text: string, flag = 'ENDSLINE') => `<DiagnosisStatement><StmtFlag>${flag}</StmtFlag><StmtText>${text}</StmtText></DiagnosisStatement>`;

/** The real MUSE sample (it has no statements) with a Diagnosis and an OriginalDiagnosis inserted. */
function museWithStatements(diagnosis: boolean): string {
  const xml = readFileSync(join(SAMPLES, 'clinical/muse/braveheart_example1.xml')).toString('latin1');
  const parts = [
    '<OriginalDiagnosis><Modality>RESTING</Modality>',
    stmt('Atrial fibrillation'),
    stmt('Left axis deviation'),
    '</OriginalDiagnosis>',
    ...(diagnosis
      ? ['<Diagnosis><Modality>RESTING</Modality>', stmt('Sinus rhythm', 'USERINSERT'), stmt('with 1st degree A-V block', 'USERINSERT'), stmt('Otherwise normal ECG'), stmt('Left axis deviation'), '</Diagnosis>']
      : []),
  ];
  const path = join(dir, diagnosis ? 'overread.xml' : 'machine.xml');
  writeFileSync(path, Buffer.from(xml.replace('<RestingECG>', `<RestingECG>\n${parts.join('\n')}`), 'latin1'));
  return path;
}

describe('convert keeps MUSE diagnosis statements', () => {
  const overread = museWithStatements(true);
  const machine = museWithStatements(false);

  it('reads them from the MUSE file', async () => {
    const r = await readRecord(overread);
    expect(statementsOf(r.comments)).toEqual(['Sinus rhythm with 1st degree A-V block Otherwise normal ECG', 'Left axis deviation']);
    expect(statementsOf((await readRecord(machine)).comments)).toEqual(['Atrial fibrillation', 'Left axis deviation']);
  });

  for (const target of CONVERT_TARGETS) {
    it(`writes them to ${target} and reads them back`, async () => {
      const out = join(dir, `overread-${target}${target === 'wfdb' ? '' : '.out'}`);
      const result = await convertRecord(overread, target, out);
      const back = await readRecord(result.files[0]);
      expect(statementsOf(back.comments)).toEqual(['Sinus rhythm with 1st degree A-V block Otherwise normal ECG', 'Left axis deviation']);
      expect(result.warnings.join('\n')).toMatch(/1 original \(machine\) diagnosis statement\(s\) replaced by the over-read diagnosis not written: 'Atrial fibrillation'/);

      const plain = await convertRecord(machine, target, join(dir, `machine-${target}${target === 'wfdb' ? '' : '.out'}`));
      expect(statementsOf((await readRecord(plain.files[0])).comments)).toEqual(['Atrial fibrillation', 'Left axis deviation']);
      expect(plain.warnings.join('\n')).not.toMatch(/original \(machine\)/);
    });
  }
});
