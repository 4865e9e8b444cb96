// The generator's prevalence option (tests only): raised classes drawn at the given rate in the
// centers that draw them, everything else and the default corpus unchanged, bad values refused.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemoCorpus } from '../../src/main/demo/index.js';
import { planCorpus } from '../../src/main/demo/plan.js';

const share = (plans: ReturnType<typeof planCorpus>, cls: string, center?: string) => {
  const sel = plans.filter((p) => !center || p.center === center);
  return sel.filter((p) => p.classes.includes(cls)).length / sel.length;
};

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('demo prevalence option', () => {
  it('raises the named classes where the center draws them; the default plan is the demo', () => {
    const plain = planCorpus(5, 2000);
    const raised = planCorpus(5, 2000, { LAD: 0.35, RBBB: 0.35 });
    expect(planCorpus(5, 2000, {})).toEqual(plain);
    expect(share(plain, 'LAD')).toBeLessThan(0.1);
    // LAD: every center but CODE-15-style Serra (six labels) draws it; 0.35 minus the compatibility
    // rules (non-sinus pacing drops it, LAnFB comes first in the axis group).
    for (const center of ['meridian', 'fjord', 'quarry']) expect(share(raised, 'LAD', center)).toBeGreaterThan(0.25);
    expect(share(raised, 'LAD', 'serra')).toBe(0);
    expect(share(raised, 'RBBB', 'serra')).toBeGreaterThan(0.25);
    // Same records, centers and patients: only the classes differ.
    expect(raised.map((p) => [p.path, p.patient])).toEqual(plain.map((p) => [p.path, p.patient]));
  });

  it('refuses rhythm classes, unknown classes and rates outside [0, 1]', () => {
    expect(() => planCorpus(1, 10, { AF: 0.5 })).toThrow(/AF is a rhythm class/);
    expect(() => planCorpus(1, 10, { XYZ: 0.5 })).toThrow(/unknown non-rhythm class 'XYZ'/);
    expect(() => planCorpus(1, 10, { LAD: 1.5 })).toThrow(/LAD must lie in \[0, 1\]/);
  });

  it('is written to the manifest', async () => {
    const root = mkdtempSync(join(tmpdir(), 'openecg-prevalence-'));
    roots.push(root);
    const m = await generateDemoCorpus(root, { seed: 2, records: 20, workers: 1, prevalence: { RBBB: 0.5 } });
    expect(m.prevalence).toEqual({ RBBB: 0.5 });
    expect(JSON.parse(readFileSync(join(root, 'demo-manifest.json'), 'utf8')).prevalence).toEqual({ RBBB: 0.5 });
  });
});
