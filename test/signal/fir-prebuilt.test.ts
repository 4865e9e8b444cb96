// The FIR kernel's WebAssembly as the build ships it (dist/main/signal/fir.wasm): the same bytes the
// run-time assembly of fir.wat gives, and what a built process runs without assembling anything.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleWat } from '../../src/main/signal/fir-assemble.js';
import { FIR_WAT_FEATURES, firWatSource } from '../../src/main/signal/fir-wasm.js';
import { REPO } from '../import/corpus.js';

const DIST_SIGNAL = join(REPO, 'dist', 'main', 'signal');
const SHIPPED = join(DIST_SIGNAL, 'fir.wasm');

describe('the shipped FIR kernel', () => {
  it('is fir.wat assembled, bit for bit what run-time assembly gives', () => {
    expect(existsSync(SHIPPED), `${SHIPPED} missing: run npm run build`).toBe(true);
    const shipped = readFileSync(SHIPPED);
    const assembled = assembleWat('fir.wat', firWatSource(), { ...FIR_WAT_FEATURES });
    expect(shipped.length).toBe(assembled.length);
    expect(Buffer.compare(shipped, Buffer.from(assembled))).toBe(0);
  });

  it('runs in a built process that cannot start the assembler thread', () => {
    // Worker threads refused: run-time assembly (wabt in a helper thread) would fail, the shipped bytes need none.
    const script = `
      import { createRequire, syncBuiltinESMExports } from 'node:module';
      const threads = createRequire(import.meta.url)('node:worker_threads');
      threads.Worker = class { constructor() { throw new Error('worker threads refused by the test'); } };
      syncBuiltinESMExports();
      const fir = await import(${JSON.stringify(pathToFileURL(join(DIST_SIGNAL, 'fir-wasm.js')).href)});
      const { assembleWat } = await import(${JSON.stringify(pathToFileURL(join(DIST_SIGNAL, 'fir-assemble.js')).href)});
      let assembly = 'ran';
      try { assembleWat('x.wat', '(module)'); } catch (err) { assembly = err.message; }
      const kernel = fir.firKernel();
      process.stdout.write(JSON.stringify({ kernel: kernel !== null, failure: fir.firKernelFailure() ?? null, binary: Array.from(fir.firBinary() ?? []).length, assembly }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OPENECG_FIR: '' } });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { kernel: boolean; failure: string | null; binary: number; assembly: string };
    expect(out.assembly).toMatch(/refused by the test/);
    expect(out).toMatchObject({ kernel: true, failure: null, binary: readFileSync(SHIPPED).length });
  });
});
