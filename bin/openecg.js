#!/usr/bin/env node
// The `openecg` command: a thin shim over the compiled CLI (built by `npm ci` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('openecg: the CLI is not built yet; run `npm run build` (npm ci does it) in the repository.\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
