// Shared by the end-to-end tests: Debian's Chromium driven by playwright-core, the built renderer,
// screenshots. Chromium is /usr/bin/chromium (apt-get install chromium), run headless with a fresh
// profile and without background networking (this machine has no internet to reach).
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER = join(REPO, 'dist', 'renderer');
export const SHOTS = join(REPO, 'test-output', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the renderer when dist/renderer is missing or older than its sources. */
export async function ensureRenderer(): Promise<void> {
  const index = join(RENDERER, 'index.html');
  const sources = Math.max(newest(join(REPO, 'src', 'renderer')), newest(join(REPO, 'src', 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(REPO, 'vite.config.ts'), root: join(REPO, 'src', 'renderer'), logLevel: 'warn' });
}

/** Headless Chromium with a fresh profile in `profileDir`, and its first page. */
export async function launchChromium(profileDir: string, viewport = { width: 1500, height: 1000 }): Promise<{ browser: BrowserContext; page: Page }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  // launchPersistentContext is how playwright takes --user-data-dir.
  const browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'],
    viewport,
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  return { browser, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/**
 * Collects the page's uncaught errors and console errors into `problems`, except console lines
 * matching `expected` (by default the 401 of the token check every test provokes on purpose).
 */
export function collectPageProblems(page: Page, problems: string[], expected: RegExp = /401|Unauthorized/): void {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && !expected.test(m.text()) && problems.push(`console: ${m.text()}`));
}
