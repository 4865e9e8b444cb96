// findAnnotators: which siblings of a record are annotation files, by content (MIT or AHA),
// never the header, its signal files or known containers.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findAnnotators, looksLikeAnnotations } from '../../src/main/formats/index.js';
import { encodeMitAnnotations, writeAnnotations } from '../../src/main/formats/wfdb/annotation-write.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openecg-ann-find-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic noise (xorshift), so the test does not depend on luck. */
function noise(n: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('findAnnotators', () => {
  it('lists the annotation files beside a record, sorted, and nothing else', async () => {
    const rec = join(dir, 'rec');
    writeFileSync(`${rec}.hea`, 'rec 1 500 5000\nrec.sig 16 200 16 0 0 0 0 II\n');
    writeFileSync(`${rec}.sig`, readFileSync(`${SAMPLES}wfdb/100.dat`).subarray(0, 10_000)); // the header's signal file
    const beats = [...Array(40).keys()].map((i) => ({ sample: 100 + i * 120, symbol: i % 9 ? 'N' : 'V' }));
    writeAnnotations(`${rec}.atr`, [{ sample: 0, symbol: '+', aux: '(N' }, ...beats]);
    writeAnnotations(`${rec}.qrs`, beats.map((b) => ({ ...b, symbol: 'N' })));
    const waves = beats.flatMap((b) => [{ sample: b.sample - 10, symbol: '(' }, { sample: b.sample, symbol: 'N' }, { sample: b.sample + 12, symbol: ')' }]);
    writeAnnotations(`${rec}.ii`, waves);
    writeAnnotations(`${rec}.v6`, waves, { format: 'aha' });
    writeAnnotations(`${rec}.big`, [...Array(20_000).keys()].map((i) => ({ sample: i * 300, symbol: 'N', aux: i % 2 ? '' : '(N' })));
    writeFileSync(`${rec}.nil`, new Uint8Array(2)); // an annotation file with no annotation
    copyFileSync(`${rec}.atr`, `${rec}.xyz`); // a known other container, whatever its bytes
    writeFileSync(`${rec}.txt`, 'notes');
    writeFileSync(`${rec}.raw`, noise(10_000));
    writeFileSync(`${rec}.dat2`, readFileSync(`${SAMPLES}wfdb/100.dat`).subarray(0, 80_000)); // ECG samples under an unknown extension
    writeFileSync(`${rec}.empty`, new Uint8Array(0));
    writeFileSync(`${rec}.odd`, encodeMitAnnotations(beats).subarray(0, 31)); // truncated
    writeFileSync(`${rec}.atr.json`, '{}');
    writeFileSync(join(dir, 'rec2.atr'), encodeMitAnnotations(beats));
    mkdirSync(`${rec}.folder`);
    expect(await findAnnotators(rec)).toEqual(['atr', 'big', 'ii', 'nil', 'qrs', 'v6']);
    expect(await findAnnotators(`${rec}.hea`)).toEqual(['atr', 'big', 'ii', 'nil', 'qrs', 'v6']);
  });

  it('finds nothing for a record without annotation files or in a missing folder', async () => {
    expect(await findAnnotators(`${SAMPLES}wfdb/03700181`)).toEqual([]);
    expect(await findAnnotators(join(dir, 'nowhere', 'x'))).toEqual([]);
  });
});

describe('looksLikeAnnotations', () => {
  const good = encodeMitAnnotations([{ sample: 5, symbol: 'N' }, { sample: 2000, symbol: 'V' }]);

  it('accepts whole files and prefixes of annotation files', () => {
    expect(looksLikeAnnotations(good)).toBe(true);
    expect(looksLikeAnnotations(good.subarray(0, 6), false)).toBe(true);
  });

  it('rejects noise, text, times going back, data after the end marker and a missing end marker', () => {
    expect(looksLikeAnnotations(noise(4096))).toBe(false);
    expect(looksLikeAnnotations(noise(65536, 99), false)).toBe(false);
    expect(looksLikeAnnotations(new TextEncoder().encode('{"record": "100", "fs": 360}'))).toBe(false);
    expect(looksLikeAnnotations(encodeMitAnnotations([{ sample: 500, symbol: 'N' }, { sample: 100, symbol: 'N' }]))).toBe(false);
    expect(looksLikeAnnotations(Uint8Array.from([...good, 1, 2]))).toBe(false);
    expect(looksLikeAnnotations(good.subarray(0, good.length - 2))).toBe(false);
    expect(looksLikeAnnotations(new Uint8Array(0))).toBe(false);
  });
});
