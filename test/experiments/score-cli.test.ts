import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/main/cli.js';
import { CLASSES } from '../../src/shared/classes.js';
import { SeededRandom } from '../../src/main/experiments/metrics/bootstrap.js';

const ABBR = CLASSES.map((c) => c.abbreviation);

/** Runs `openecg score ...` in process and returns its exit status, stdout and stderr. */
async function score(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { status: await main(['score', ...argv]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

interface Fixture {
  dir: string;
  labels: string;
  scores: string;
  thresholds: string;
  patients: string;
}

/**
 * 40 records of 20 patients. AF: perfectly ranked; IAVB: inverted; LQT: never positive; NSR: every
 * record without another label. Other classes: random labels and noisy scores. The scores file lists
 * the records in reverse order and its columns shuffled.
 */
function fixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'openecg-score-'));
  const rng = new SeededRandom(31);
  const n = 40;
  const records = Array.from({ length: n }, (_, i) => `rec${String(i).padStart(3, '0')}`);
  const label: number[][] = records.map(() => ABBR.map(() => 0));
  const prob: number[][] = records.map(() => ABBR.map(() => 0));
  records.forEach((_, i) => {
    ABBR.forEach((a, c) => {
      if (a === 'AF') label[i][c] = i % 4 === 0 ? 1 : 0;
      else if (a === 'IAVB') label[i][c] = i % 5 === 0 ? 1 : 0;
      else if (a === 'LQT' || a === 'NSR') label[i][c] = 0;
      else label[i][c] = rng.next() < 0.2 ? 1 : 0;
    });
    const nsr = ABBR.indexOf('NSR');
    label[i][nsr] = label[i].some((v) => v === 1) ? 0 : 1;
    ABBR.forEach((a, c) => {
      if (a === 'AF') prob[i][c] = label[i][c] ? 0.9 - i / 1000 : 0.1 + i / 1000;
      else if (a === 'IAVB') prob[i][c] = label[i][c] ? 0.1 : 0.6;
      else prob[i][c] = Math.round(Math.min(1, rng.next() * 0.6 + 0.4 * label[i][c]) * 1000) / 1000;
    });
  });
  const columns = [...ABBR].reverse();
  const labels = join(dir, 'labels.csv');
  writeFileSync(labels, ['record,' + ABBR.join(','), ...records.map((r, i) => `${r},${label[i].join(',')}`)].join('\n') + '\n');
  const scores = join(dir, 'scores.csv');
  writeFileSync(
    scores,
    ['record,' + columns.join(','), ...records.map((r, i) => `${r},${columns.map((a) => prob[i][ABBR.indexOf(a)]).join(',')}`).reverse()].join('\r\n'),
  );
  const thresholds = join(dir, 'thresholds.csv');
  writeFileSync(thresholds, ABBR.join(',') + '\n' + ABBR.map((a) => (a === 'AF' ? '0.5' : '0.45')).join(',') + '\n');
  const patients = join(dir, 'patients.csv');
  writeFileSync(patients, 'record,patient\n' + records.map((r, i) => `${r},pt${Math.floor(i / 2)}`).join('\n') + '\n');
  return { dir, labels, scores, thresholds, patients };
}

describe('openecg score', () => {
  const f = fixture();

  it('--json prints per-class and macro metrics, absent classes and the challenge metric', async () => {
    const { status, out } = await score(['--labels', f.labels, '--scores', f.scores, '--thresholds', f.thresholds, '--patients', f.patients, '--bootstrap', '200', '--seed', '3', '--json']);
    expect(status).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.records).toBe(40);
    expect(doc.patients).toBe(20);
    expect(Object.keys(doc.per_class)).toEqual(ABBR);
    // AF: 10 positives (i % 4 == 0), all above every negative.
    expect(doc.per_class.AF).toMatchObject({ present: true, positives: 10, negatives: 30, auroc: 1, auprc: 1, f1: 1, sensitivity: 1, specificity: 1, threshold: 0.5 });
    // IAVB: 8 positives at .1, negatives at .6 - inverted. AP = 8/40 (one threshold with all records called).
    expect(doc.per_class.IAVB).toMatchObject({ present: true, positives: 8, auroc: 0, f1: 0, sensitivity: 0, specificity: 0, threshold: 0.45 });
    expect(doc.per_class.IAVB.auprc).toBeCloseTo(0.2, 15);
    expect(doc.per_class.LQT).toEqual({ present: false, reason: 'no positives in the test set', threshold: 0.45, positives: 0, negatives: 40 });
    expect(doc.classes_absent).toContain('LQT');
    expect(doc.classes_averaged).toBe(24 - doc.classes_absent.length);
    for (const key of ['macro_auroc', 'macro_auprc', 'macro_f1', 'challenge_metric']) {
      expect(typeof doc[key]).toBe('number');
      expect(doc.ci[key].low).toBeLessThanOrEqual(doc[key]);
      expect(doc.ci[key].high).toBeGreaterThanOrEqual(doc[key]);
    }
    const present = ABBR.filter((a) => doc.per_class[a].present);
    const mean = present.reduce((s, a) => s + doc.per_class[a].auroc, 0) / present.length;
    expect(doc.macro_auroc).toBeCloseTo(mean, 12);
    expect(doc.ci).toMatchObject({ replicates: 200, seed: 3, resampled: 'patients', level: 0.95 });
    expect(doc.per_class.AF.ci.auroc.low).toBe(1);
    expect(doc.thresholds.source).toBe('file');
    expect(doc.challenge_weights).toMatch(/evaluation-2021/);
  });

  it('without --thresholds uses 0.5 and says why; without --json prints a table', async () => {
    const { status, out } = await score(['--labels', f.labels, '--scores', f.scores, '--bootstrap', '0', '--json']);
    expect(status).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.thresholds).toMatchObject({ source: 'default', value: 0.5 });
    expect(doc.thresholds.note).toMatch(/validation/);
    expect(doc.per_class.IAVB.threshold).toBe(0.5);
    expect(doc.ci).toBeNull();
    expect(doc.patients).toBe(40);

    const text = await score(['--labels', f.labels, '--scores', f.scores, '--bootstrap', '50']);
    expect(text.status).toBe(0);
    expect(text.out).toMatch(/^AF\s+10\s+30\s+1\.0000/m);
    expect(text.out).toMatch(/^LQT\s+0 positives, 40 negatives: absent \(no positives in the test set\)/m);
    expect(text.out).toMatch(/macro over \d+ of 24 classes/);
    expect(text.out).toMatch(/challenge metric -?\d\.\d{4}/);
    expect(text.out).toMatch(/note: no --thresholds given/);
  });

  it('exits 2 with a clear message on bad inputs', async () => {
    const write = (name: string, text: string) => {
      const p = join(f.dir, name);
      writeFileSync(p, text);
      return p;
    };
    const header = 'record,' + ABBR.join(',');
    const row = (id: string, v: string) => `${id},${ABBR.map(() => v).join(',')}`;
    const labels = write('l.csv', [header, row('a', '0'), row('b', '1')].join('\n'));
    const cases: [string[], RegExp][] = [
      [['--labels', labels, '--scores', write('s1.csv', [header, row('a', '0.3')].join('\n'))], /lacks 1 record of .*: b/],
      [['--labels', labels, '--scores', write('s2.csv', [header, row('a', '0.3'), row('b', '0.3'), row('c', '0.3')].join('\n'))], /has 1 record not in .*: c/],
      [['--labels', labels, '--scores', write('s3.csv', ['record,AF', 'a,0.1', 'b,0.2'].join('\n'))], /lacks columns IAVB, AFL, Brady, RBBB, IRBBB and 18 more/],
      [['--labels', labels, '--scores', write('s4.csv', [header, row('a', '0.3'), row('b', 'high')].join('\n'))], /record b, column IAVB: 'high' is not a number/],
      [['--labels', write('l2.csv', [header, row('a', '2')].join('\n')), '--scores', write('s6.csv', [header, row('a', '0.3')].join('\n'))], /label 2 is not 0 or 1/],
      [['--labels', labels, '--scores', write('s5.csv', [header, row('a', '0.3'), row('a', '0.3')].join('\n'))], /record 'a' appears twice/],
      [['--labels', labels, '--scores', labels, '--thresholds', write('t.csv', 'AF\n0.5\n')], /lacks columns IAVB/],
      [['--labels', labels, '--scores', labels, '--patients', write('p.csv', 'record,patient\na,1\n')], /no patient for 1 record: b/],
      [['--labels', labels, '--scores', join(f.dir, 'missing.csv')], /cannot read/],
      [['--labels', labels], /--labels and --scores are required/],
      [['--labels', labels, '--scores', labels, '--bootstrap', '-1'], /bootstrap/],
    ];
    for (const [argv, message] of cases) {
      const { status, err } = await score(argv);
      expect(status, argv.join(' ')).toBe(2);
      expect(err).toMatch(message);
    }
  });
  it("scores a foreign model's outputs: the labels file's columns are the classes when they are not our 24", async () => {
    const labels = join(f.dir, 'fl.csv');
    const scores = join(f.dir, 'fs.csv');
    writeFileSync(labels, 'record,AFIB,normal\na,1,0\nb,0,1\nc,1,1\nd,0,0\n');
    // an output without labels (ST elevation) is a column of the scores only: ignored with a warning
    writeFileSync(scores, 'record,AFIB,normal,ST elevation\na,0.9,0.2,0.5\nb,0.1,0.8,0.5\nc,0.7,0.6,0.5\nd,0.3,0.1,0.5\n');
    const { status, out, err } = await score(['--labels', labels, '--scores', scores, '--bootstrap', '0', '--json']);
    expect(status, err).toBe(0);
    const r = JSON.parse(out) as { per_class: Record<string, { auroc: number }> };
    expect(Object.keys(r.per_class)).toEqual(['AFIB', 'normal']);
    expect(r.per_class.AFIB.auroc).toBe(1);
    expect(r.per_class.normal.auroc).toBe(1);
  });
});
