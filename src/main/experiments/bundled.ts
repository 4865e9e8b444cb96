// The experiment configs that ship with the workstation (resources/experiments/*.json).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { shippedPath } from '../platform/app-paths.js';

export const BUNDLED_CONFIGS_DIR = shippedPath('resources', 'experiments');

/** Names of the bundled configs ('small-cpu', 'paper'). */
export function bundledConfigNames(): string[] {
  if (!existsSync(BUNDLED_CONFIGS_DIR)) return [];
  return readdirSync(BUNDLED_CONFIGS_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A config file path, or a bundled config's name; undefined when neither exists. */
export function configPath(value: string): string | undefined {
  if (existsSync(value)) return value;
  const named = join(BUNDLED_CONFIGS_DIR, `${value.replace(/\.json$/, '')}.json`);
  return existsSync(named) ? named : undefined;
}
