// Child processes of our own scripts, started the way a packaged Electron app can start them:
// child_process.fork of the app binary with ELECTRON_RUN_AS_NODE (Electron's documented route; the
// runAsNode fuse stays on for it, electron-builder.yml), which also reads scripts inside app.asar.
// Under plain Node the variable is ignored, so the CLI and the tests take the same path.
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';

export function forkScript(script: string, args: readonly string[], options: ForkOptions = {}): ChildProcess {
  return fork(script, [...args], { ...options, env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' } });
}
