// Folder walking on generated trees. Tests run as root, so chmod 000 does not make a file
// unreadable; unreadable entries are made as a dangling symbolic link and a FIFO instead.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkFiles } from '../../src/main/datasets/walk.js';
import { collectingReport, tempFolder } from './fixtures.js';

async function walk(folder: string, accept?: (n: string) => boolean) {
  const report = collectingReport();
  const rels: string[] = [];
  for await (const f of walkFiles(folder, report, { accept })) rels.push(f.rel);
  return { rels, errors: report.errors };
}

describe('walkFiles', () => {
  it('walks recursively in sorted order, files before subfolders, hidden entries ignored', async () => {
    const root = tempFolder('walk');
    for (const d of ['b', 'a/z', '.git']) mkdirSync(join(root, d), { recursive: true });
    for (const f of ['b/2.hea', 'b/1.hea', 'a/z/9.hea', 'a/3.hea', 'top.hea', '.hidden.hea', '.git/x.hea', 'b/note.txt']) writeFileSync(join(root, f), 'x');
    const { rels, errors } = await walk(root, (n) => n.endsWith('.hea'));
    expect(rels).toEqual(['top.hea', 'a/3.hea', 'a/z/9.hea', 'b/1.hea', 'b/2.hea']);
    expect(errors).toEqual([]);
    // Detection budgets: a file limit, a depth limit, a directory budget.
    const limited = async (options: Parameters<typeof walkFiles>[2]) => {
      const out: string[] = [];
      for await (const f of walkFiles(root, null, options)) out.push(f.rel);
      return out;
    };
    expect(await limited({ limit: 2 })).toEqual(['top.hea', 'a/3.hea']);
    expect(await limited({ maxDepth: 1, accept: (n) => n.endsWith('.hea') })).toEqual(['top.hea', 'a/3.hea', 'b/1.hea', 'b/2.hea']);
    expect(await limited({ maxDirectories: 2 })).toEqual(['top.hea', 'a/3.hea']);
  });

  it('follows a link to a folder, reports a link loop once and stops', async () => {
    const root = tempFolder('loop');
    const elsewhere = tempFolder('target');
    writeFileSync(join(elsewhere, 'far.hea'), 'x');
    mkdirSync(join(root, 'a/b'), { recursive: true });
    writeFileSync(join(root, 'a/b/r.hea'), 'x');
    symlinkSync(join(root, 'a'), join(root, 'a/b/back')); // a/b/back -> a: a loop
    symlinkSync(elsewhere, join(root, 'linked'));
    const { rels, errors } = await walk(root);
    expect(rels).toEqual(['a/b/r.hea', 'linked/far.hea']);
    expect(errors.map((e) => [e.key, e.code])).toEqual([['a/b/back', 'symlink-loop']]);
    expect(errors[0].message).toMatch(/symbolic-link loop/);
  });

  it('visits a folder reached by two links once', async () => {
    const root = tempFolder('twice');
    const target = tempFolder('shared');
    writeFileSync(join(target, 'one.hea'), 'x');
    symlinkSync(target, join(root, 'l1'));
    symlinkSync(target, join(root, 'l2'));
    const { rels, errors } = await walk(root);
    expect(rels).toEqual(['l1/one.hea']);
    expect(errors).toEqual([]);
  });

  it('reports a dangling link and a FIFO as unreadable and goes on', async () => {
    const root = tempFolder('broken');
    writeFileSync(join(root, 'a.hea'), 'x');
    symlinkSync(join(root, 'nowhere.hea'), join(root, 'b.hea'));
    execFileSync('mkfifo', [join(root, 'c.hea')]); // opening it would block forever
    writeFileSync(join(root, 'd.hea'), 'x');
    const { rels, errors } = await walk(root);
    expect(rels).toEqual(['a.hea', 'd.hea']);
    expect(errors.map((e) => [e.key, e.code])).toEqual([
      ['b.hea', 'broken-entry'],
      ['c.hea', 'not-a-file'],
    ]);
    expect(errors[0].message).toContain('ENOENT');
  });

  it('reports a folder it cannot list', async () => {
    const root = tempFolder('missing');
    const { rels, errors } = await walk(join(root, 'does-not-exist'));
    expect(rels).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['unreadable-dir']);
  });
});
