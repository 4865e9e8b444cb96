// `openecg read --annotator` as users run it: the built CLI (npm run build) in its own process.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeAnnotations } from '../../src/main/formats/wfdb/annotation-write.js';

const SAMPLES = fileURLToPath(new URL('../../../shared/ecg-samples/', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/openecg.js', import.meta.url));
const ref = JSON.parse(readFileSync(`${SAMPLES}annotation-reference/100.atr.json`, 'utf8')) as Record<string, unknown[]>;
const dir = mkdtempSync(join(tmpdir(), 'openecg-ann-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openecg(...args: string[]) {
  return JSON.parse(execFileSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

describe('openecg read --annotator', () => {
  it('adds the annotations of 100.atr to the JSON document, equal to rdann field by field', () => {
    const doc = openecg(`${SAMPLES}wfdb/100`, '--annotator', 'atr', '--json');
    expect(doc.signals).toHaveLength(2);
    expect(doc.annotators).toEqual([{ annotator: 'atr', format: 'mit', fs: 360, total: 2274, count: 2274, warnings: [] }]);
    const anns = doc.annotations as Record<string, unknown>[];
    expect(anns).toHaveLength(2274);
    expect(anns.map((a) => a.sample)).toEqual(ref.sample);
    expect(anns.map((a) => a.symbol)).toEqual(ref.symbol);
    expect(anns.map((a) => a.subtype)).toEqual(ref.subtype);
    expect(anns.map((a) => a.chan)).toEqual(ref.chan);
    expect(anns.map((a) => a.num)).toEqual(ref.num);
    expect(anns.map((a) => a.aux)).toEqual(ref.aux_note);
    expect(Object.keys(anns[0]).sort()).toEqual(['annotator', 'aux', 'chan', 'num', 'sample', 'subtype', 'symbol']);
  });

  it('windows the annotations with the signals, and merges several annotators in sample order', () => {
    for (const f of ['100.hea', '100.dat', '100.atr']) copyFileSync(`${SAMPLES}wfdb/${f}`, join(dir, f));
    const qrs = (ref.sample as number[]).map((s) => ({ sample: s + 1, symbol: 'N' }));
    writeAnnotations(join(dir, '100.qrs'), qrs);
    const doc = openecg(join(dir, '100'), '--from', '1000', '--to', '5000', '--annotator', 'atr,qrs', '--annotator', 'atr', '--json');
    expect(doc.sig_len).toBe(4000);
    const inWindow = (ref.sample as number[]).filter((s) => s >= 1000 && s < 5000);
    expect(doc.annotators.map((a: { annotator: string; count: number; total: number }) => [a.annotator, a.count, a.total])).toEqual([
      ['atr', inWindow.length, 2274],
      ['qrs', (ref.sample as number[]).filter((s) => s + 1 >= 1000 && s + 1 < 5000).length, 2274],
    ]);
    const samples = doc.annotations.map((a: { sample: number }) => a.sample);
    expect(samples).toEqual([...samples].sort((a, b) => a - b));
    expect(doc.annotations.filter((a: { annotator: string }) => a.annotator === 'atr').map((a: { sample: number }) => a.sample)).toEqual(inWindow);
  });

  it('summary counts per symbol; errors are one line with exit 1 (bad file) or 2 (bad argument)', () => {
    const out = execFileSync(process.execPath, [CLI, 'read', `${SAMPLES}wfdb/100`, '--to', '10', '--annotator', 'atr'], { encoding: 'utf8' });
    expect(out).toContain('annotations atr (mit): 0 of 2274');
    // A header without signals: the summary of the annotations alone.
    writeFileSync(join(dir, 'bare.hea'), 'bare 0 360 650000\n');
    copyFileSync(`${SAMPLES}wfdb/100.atr`, join(dir, 'bare.atr'));
    const whole = execFileSync(process.execPath, [CLI, 'read', join(dir, 'bare'), '--annotator', 'atr'], { encoding: 'utf8' });
    expect(whole).toMatch(/annotations atr \(mit\): 2274\n {2}symbols {2}N 2239, A 33, \+ 1, V 1\n {2}aux {6}\(N 1\n/);
    writeFileSync(join(dir, 'bare.bad'), Uint8Array.from([1, 55 << 2, 0, 0]));
    const bad = spawnSync(process.execPath, [CLI, 'read', join(dir, 'bare'), '--annotator', 'bad'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/corrupt annotation file: code 55 at byte 0/);
    const usage = spawnSync(process.execPath, [CLI, 'read', join(dir, '100'), '--annotator', ''], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--annotator takes annotator names');
    const help = spawnSync(process.execPath, [CLI, 'read', '--help'], { encoding: 'utf8' });
    expect(help.stdout).toContain('--annotator EXT');
  });
});
