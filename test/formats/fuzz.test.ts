// Mutation fuzz of every reader (issue 22, "garbage is never a record"): seeded mutants of every
// real file in ../shared/ecg-samples and of generated EDF+/ISHNE/HDF5 files, each read through
// readRecord (and WFDB records also through the import's adapter load path) in a worker with a
// time limit. Each must read as a record with samples or be refused with a one-line FormatError:
// no other error, no line break, no hang, no reading of gigabytes. OPENECG_FUZZ_MUTANTS=<n> runs
// n mutants per file (CI: 4); OPENECG_FUZZ_ONLY=<text> keeps the files whose name contains it;
// OPENECG_FUZZ_REPORT=<file> writes every finding there.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashSeed, mutate, type Mutant } from './fuzz/mutate.js';
import { FuzzRunner, type Outcome } from './fuzz/runner.js';
import { generatedTargets, realTargets, targetLabel, type Target } from './fuzz/targets.js';
import { tempDir } from '../temp.js';

const SAMPLES = new URL('../../../shared/ecg-samples', import.meta.url).pathname;
const MUTANTS = Number(process.env.OPENECG_FUZZ_MUTANTS ?? 4);
const ONLY = process.env.OPENECG_FUZZ_ONLY ?? '';
const TIMEOUT_MS = Number(process.env.OPENECG_FUZZ_TIMEOUT_MS ?? 10_000);
/** Samples one reading may hold: far beyond any file here (the largest holds 1.4 M per lead). */
const MAX_VALUES = 2 ** 26;
const MAX_RSS = 3 * 2 ** 30;

/** What is wrong with one way a mutant ended, or null. */
function problem(o: Outcome): string | null {
  if (o.ok) {
    if (!(o.sigLen! > 0 && o.totalLen! > 0 && o.channels! > 0)) return `a record without samples (${o.channels} channels, ${o.sigLen} samples)`;
    if (!o.shapeOk) return 'signals and channels disagree in number or length';
    if (o.values! > MAX_VALUES) return `a reading of ${o.values} samples`;
    return null;
  }
  if (o.name !== 'FormatError') return `${o.name}${o.code ? ` (${o.code})` : ''}: ${o.message}`;
  if (/[\r\n\u2028\u2029]/.test(o.message!)) return `a message of several lines: ${JSON.stringify(o.message!.slice(0, 200))}`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(o.message!)) return `control characters in the message: ${JSON.stringify(o.message!.slice(0, 200))}`;
  return null;
}

/** A folder holding links to every file of the target's folder but the mutated one. */
function mutantFolder(root: string, t: Target, k: number): string {
  const dir = join(root, `t${k}`);
  mkdirSync(dir);
  for (const n of readdirSync(t.dir)) if (n !== t.file) symlinkSync(join(t.dir, n), join(dir, n));
  return dir;
}

describe('mutation fuzz of the readers', () => {
  const runner = new FuzzRunner(TIMEOUT_MS);
  afterAll(() => runner.close());

  it(`reads or refuses ${MUTANTS} mutants of every sample file in one line`, { timeout: 240_000 + MUTANTS * 30_000 }, async () => {
    const root = tempDir('fuzz');
    const targets = [...realTargets(SAMPLES), ...(await generatedTargets(join(root, 'generated')))].filter((t) => t.name.includes(ONLY));
    expect(targets.length).toBeGreaterThan(ONLY ? 0 : 140);
    const findings: string[] = [];
    const tally: Record<string, number> = { read: 0, refused: 0, loaded: 0, 'load refused': 0 };
    let slowest = { ms: 0, what: '' };
    for (const [k, t] of targets.entries()) {
      const dir = mutantFolder(root, t, k);
      const original = readFileSync(join(t.dir, t.file));
      for (let i = 0; i < MUTANTS; i++) {
        const m: Mutant = mutate(original, hashSeed(t.name), i, t.text);
        writeFileSync(join(dir, t.file), m.bytes);
        const v = await runner.run(join(dir, t.read), t.load ? join(dir, t.load) : undefined);
        const where = `${targetLabel(t)} mutant ${i} (${m.what})`;
        if ('died' in v) {
          findings.push(`${where}: ${v.died}`);
          continue;
        }
        if (v.ms > slowest.ms) slowest = { ms: v.ms, what: where };
        tally[v.read.ok ? 'read' : 'refused']++;
        const p = problem(v.read);
        if (p) findings.push(`${where}: readRecord: ${p}`);
        if (v.load) {
          tally[v.load.ok ? 'loaded' : 'load refused']++;
          const q = problem(v.load);
          if (q) findings.push(`${where}: import load: ${q}`);
        }
        if (v.rss > MAX_RSS) findings.push(`${where}: the worker grew to ${(v.rss / 2 ** 30).toFixed(1)} GB`);
      }
    }
    if (process.env.OPENECG_FUZZ_REPORT) writeFileSync(process.env.OPENECG_FUZZ_REPORT, findings.join('\n') + '\n');
    console.log(`fuzz: ${targets.length} files x ${MUTANTS} mutants: ${JSON.stringify(tally)}, slowest ${slowest.ms.toFixed(0)} ms (${slowest.what}), ${findings.length} findings`);
    expect(findings.slice(0, 40)).toEqual([]);
  });
});
