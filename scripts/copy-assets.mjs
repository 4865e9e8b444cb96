#!/usr/bin/env node
// Build step (after tsc): copies the non-TypeScript sources the main process reads at run time
// (WebAssembly text, *.wat) from src/ to dist/, so a packaged build does not need the src/ tree, and
// assembles the FIR kernel's fir.wat into dist/main/signal/fir.wasm once here, with the compiled
// assembler and features the run-time fallback uses, so no command pays wabt's ~0.1 s at start-up.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

const signal = join(out, 'signal');
const { assembleWat } = await import(pathToFileURL(join(signal, 'fir-assemble.js')).href);
const { FIR_WAT_FEATURES, firWatSource } = await import(pathToFileURL(join(signal, 'fir-wasm.js')).href);
writeFileSync(join(signal, 'fir.wasm'), assembleWat('fir.wat', firWatSource(), { ...FIR_WAT_FEATURES }));
