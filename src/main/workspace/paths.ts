// Where the workstation keeps its own data on each platform (the demo workspace lives there).
import { homedir } from 'node:os';
import { join } from 'node:path';

/** OPENECG_HOME, else the platform's per-user data folder. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OPENECG_HOME) return env.OPENECG_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'OpenECG Workstation');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'OpenECG Workstation');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'openecg-workstation');
}

export function demoWorkspaceDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userDataDir(env), 'demo-workspace');
}
