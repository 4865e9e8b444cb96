// The main window's size and place, kept in the user data folder between runs. What is read back
// is validated: a hand-edited or truncated file, or bounds on a monitor that is gone, fall back to
// the defaults instead of opening a window nobody can see.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Rectangle } from './electron.js';

export const WINDOW_STATE_FILE = 'window-state.json';

const windowStateSchema = z
  .object({
    x: z.number().int().min(-100_000).max(100_000).optional(),
    y: z.number().int().min(-100_000).max(100_000).optional(),
    width: z.number().int().min(640).max(20_000),
    height: z.number().int().min(480).max(20_000),
    maximized: z.boolean().default(false),
  })
  .strict();

export type WindowState = z.output<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };

/** Whether at least a 100 x 50 px corner of the window's title area lies on some display. */
function visible(b: Rectangle, displays: readonly Rectangle[]): boolean {
  return displays.some((d) => b.x + 100 <= d.x + d.width && b.x + b.width - 100 >= d.x && b.y >= d.y - 10 && b.y + 50 <= d.y + d.height);
}

/** The state stored in `text`, checked against the displays' work areas; defaults when unusable. */
export function parseWindowState(text: string | null, displays: readonly Rectangle[]): WindowState {
  if (text === null) return DEFAULT_WINDOW_STATE;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
  const parsed = windowStateSchema.safeParse(json);
  if (!parsed.success) return DEFAULT_WINDOW_STATE;
  const s = parsed.data;
  if (s.x === undefined || s.y === undefined) return { width: s.width, height: s.height, maximized: s.maximized };
  // Off every screen (a monitor unplugged): keep the size, let the system place the window.
  if (!visible({ x: s.x, y: s.y, width: s.width, height: s.height }, displays)) return { width: s.width, height: s.height, maximized: s.maximized };
  return s;
}

export function loadWindowState(userData: string, displays: readonly Rectangle[]): WindowState {
  let text: string | null = null;
  try {
    text = readFileSync(join(userData, WINDOW_STATE_FILE), 'utf8');
  } catch {
    // First run.
  }
  return parseWindowState(text, displays);
}

/** Written to a temporary file and renamed, so a crash mid-write leaves the previous state. */
export function saveWindowState(userData: string, bounds: Rectangle, maximized: boolean): void {
  const state = windowStateSchema.parse({ x: Math.round(bounds.x), y: Math.round(bounds.y), width: Math.max(640, Math.round(bounds.width)), height: Math.max(480, Math.round(bounds.height)), maximized });
  const file = join(userData, WINDOW_STATE_FILE);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state) + '\n');
  renameSync(`${file}.tmp`, file);
}
