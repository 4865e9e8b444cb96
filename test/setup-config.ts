// Every test file gets its own configuration folder: site imports make pseudonymisation keys there,
// and no test may write into the user's real ~/.config (CLI children inherit the variable).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'openecg-config-'));
process.env.OPENECG_CONFIG_HOME = dir;
delete process.env.OPENECG_SITE_KEY_FILE;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
