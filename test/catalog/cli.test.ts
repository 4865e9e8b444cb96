import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../src/main/catalog/index.js';
import { catalogCommand } from '../../src/main/cli/catalog.js';
import { UsageError } from '../../src/main/cli/command.js';
import { cincRecords, codeToAbbreviation, labelRows, workspace } from './fixtures.js';

/** Runs the command and returns its exit status and stdout. */
async function run(argv: string[]): Promise<{ status: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    return { status: await catalogCommand.run(argv), out };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

function cincWorkspace(): string {
  const dir = workspace();
  const c = Catalog.open(dir);
  c.insertRecords(cincRecords());
  c.close();
  return dir;
}

describe('openecg catalog', () => {
  it('--json gives totals, per_center, per_class and the centers list as labels.csv counts them', async () => {
    const { status, out } = await run(['--workspace', cincWorkspace(), '--json']);
    expect(status).toBe(0);
    const doc = JSON.parse(out);
    const rows = labelRows();
    const abbr = codeToAbbreviation();
    const perCenter: Record<string, number> = {};
    const perClass: Record<string, number> = {};
    for (const r of rows) {
      perCenter[r.center] = (perCenter[r.center] ?? 0) + 1;
      for (const a of new Set(r.codes.flatMap((code) => abbr.get(code) ?? []))) perClass[a] = (perClass[a] ?? 0) + 1;
    }
    expect(doc.records).toBe(52);
    expect(doc.patients).toBe(52);
    expect(doc.per_center).toEqual(perCenter);
    expect(doc.per_class).toEqual(perClass);
    expect(doc.centers).toHaveLength(7);
    const georgia = doc.centers.find((c: { center: string }) => c.center === 'georgia');
    expect(georgia).toMatchObject({ records: 8, patients: 8 });
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('prints a table without --json', async () => {
    const { status, out } = await run(['--workspace', cincWorkspace()]);
    expect(status).toBe(0);
    expect(out).toMatch(/^center\s+records\s+patients/);
    expect(out).toMatch(/\nptb\s+4\s+4\s/);
    expect(out).toMatch(/\ntotal\s+52\s+52/);
    expect(out).toMatch(/records per class: .*NSR \d+/);
  });

  it('reports a workspace without a catalog as a usage error (exit 2)', async () => {
    const empty = workspace();
    await expect(run(['--workspace', empty])).rejects.toThrow(UsageError);
    await expect(run(['--workspace', empty])).rejects.toThrow(/no catalog in .*import records into it first/);
    await expect(run([])).rejects.toThrow(/--workspace is required/);
    await expect(run(['--workspace', empty, '--bogus'])).rejects.toThrow(UsageError);
  });
});
