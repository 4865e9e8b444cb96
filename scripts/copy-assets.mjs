#!/usr/bin/env node
// Build step: copies the non-TypeScript sources the main process reads at run time (WebAssembly
// text, *.wat) from src/ to dist/, so a packaged build does not need the src/ tree.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src', 'main');
const out = join(root, 'dist', 'main');
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.wat')) continue;
  const from = join(entry.parentPath ?? entry.path, entry.name);
  const to = join(out, relative(src, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
