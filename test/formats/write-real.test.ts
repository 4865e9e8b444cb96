// Real records of every format in ../shared/ecg-samples, read, written as DICOM, HL7 aECG and
// SCP-ECG, and read back: the same counts at the written step (lossless where the source's own
// step is kept), patient identity carried when given, and the clinical files' converted copies
// still agree with the independent reference readings (pydicom, libbiosig) in reference-clinical.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAecg } from '../../src/main/formats/aecg/write.js';
import { standardLeadName } from '../../src/main/formats/clinical/leads.js';
import { readingStepUv, writableFromReading, type WritableEcg, type WriteResult } from '../../src/main/formats/clinical/write-record.js';
import { writeDicom } from '../../src/main/formats/dicom/write.js';
import { readRecord } from '../../src/main/formats/index.js';
import { writeScp } from '../../src/main/formats/scp/write.js';
import { tempDir } from '../temp.js';
import { disagreement, reference } from './clinical/parity.js';
import { expectSameAtStep, realRecords } from './write-check.js';

const dir = tempDir('write-real');
const WRITERS: Record<string, [string, (e: WritableEcg) => WriteResult]> = {
  dicom: ['dcm', writeDicom],
  aecg: ['xml', writeAecg],
  scp: ['scp', writeScp],
};

function maxDiff(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let m = 0;
  a.forEach((x, c) => x.forEach((v, i) => {
    if (v === v) m = Math.max(m, Math.abs(v - b[c][i]));
  }));
  return m;
}

describe.each(realRecords().map((p) => [basename(p), p]))('real record %s', (name, path) => {
  for (const [target, [ext, write]] of Object.entries(WRITERS)) {
    it(`round-trips through ${target}`, async () => {
      const original = await readRecord(path);
      const ecg = writableFromReading(original, { keepPatient: true });
      if (target === 'scp' && !Number.isInteger(1e6 / ecg.fs)) {
        // SCP-ECG stores the sample interval in whole microseconds: this rate cannot be written.
        expect(() => write(ecg)).toThrow(/whole microseconds/);
        return;
      }
      if (target === 'scp' && name === 's0010_re') {
        // 38.4 s of 15 noisy leads at 1000 Hz and 0.5 uV: a lead's Huffman data passes the 65535 bytes section 6 can count.
        expect(() => write(ecg)).toThrow(/at most 65535/);
        return;
      }
      const out = write(ecg);
      const file = join(dir, `${name}.${ext}`);
      writeFileSync(file, out.bytes);
      const back = await readRecord(file);
      expect(back.fs).toBe(original.fs);
      expect(back.sigLen).toBe(original.sigLen);
      const step = target === 'scp' ? Math.round(ecg.stepUv! * 1000) / 1000 : ecg.stepUv!;
      const leads = ecg.leads.map((l) => standardLeadName(l));
      expectSameAtStep(back, { leads, signals: ecg.signals }, step, `${name} ${target}`, target === 'scp');
      // The source's own step (or its half, for derived leads) kept: nothing lost at all.
      const source = readingStepUv(original);
      if (source !== undefined && (ecg.stepUv === source || ecg.stepUv === source / 2)) {
        const order = target === 'scp' ? ecg.leads.map((_, c) => c) : leads.map((l) => back.channels.findIndex((c) => c.name === l));
        expect(maxDiff(ecg.signals, order.map((k) => back.signals[k]))).toBeLessThan(1e-9);
      }
      if (original.patient?.id) expect(back.patient?.id).toBe(original.patient.id);
      if (original.median && target !== 'scp') expectSameAtStep(back.median!, { leads: original.median.channels.map((c) => c.name), signals: original.median.signals }, ecg.median!.stepUv!, `${name} ${target} median`);
      if (path.includes('/clinical/')) expect(disagreement(reference(`${name}.json`), back)).toBeUndefined();
    });
  }
});
