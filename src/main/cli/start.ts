// `openecg start` (what `npm start` runs): the workstation on the built-in demo workspace, made on
// first start in the user's data folder, in Electron where it is installed, else in browser mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RateMeter, terminalProgress } from '../import/progress.js';
import { startServer } from '../server/server.js';
import { defaultHospitalSite, makeDemoWorkspace } from '../workspace/demo.js';
import { checkNativeModules } from '../platform/electron-native.js';
import { ensureDemoModels } from '../workspace/demo-models.js';
import { chooseFrontEnd } from '../workspace/front-end.js';
import { demoWorkspaceDir } from '../workspace/paths.js';
import { intOption, parseCommandArgs, type Command } from './command.js';

const USAGE = `usage: openecg start [--workspace <dir>] [--records N] [--port N] [--browser] [--no-browser]

Starts the workstation. Without --workspace it opens the built-in demo workspace in your data
folder (${demoWorkspaceDir()}; set OPENECG_HOME to move it), generating and importing the demo
corpus on first start and training the demo's models (a small MAE and a classifier, a few minutes
on two cores) in the background while the app opens on the model inspection. Electron is used where its binary is installed and better-sqlite3 is built
for it (\`npm run electron:native\`); otherwise the workstation runs in browser mode on 127.0.0.1 and
prints the address to open.

options:
  --workspace <dir>  a workspace of your own instead of the demo
  --records <n>      demo records to generate on first start                  (default 2000)
  --port <n>         browser mode's port                                       (default: a free one)
  --browser          browser mode even where Electron is installed
  --no-browser       print the address without opening a browser`;

function openBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser to open: the printed address is enough.
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'start the workstation (demo workspace on first start; Electron or browser mode)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, records: { type: 'string' }, port: { type: 'string' }, browser: { type: 'boolean' }, 'no-browser': { type: 'boolean' } }, false);
    const workspace = values.workspace ?? demoWorkspaceDir();
    if (!values.workspace || !existsSync(join(workspace, 'catalog.sqlite'))) {
      process.stderr.write(`preparing the demo workspace in ${workspace} (first start only)\n`);
      const meter = new RateMeter();
      const gen = terminalProgress('generate');
      let bar = terminalProgress('import');
      await makeDemoWorkspace(
        { workspace, records: intOption(values.records, 'records', 2000), hospitalSite: defaultHospitalSite(intOption(values.records, 'records', 2000)!) },
        {
          generate: (done, total) => (done >= total ? gen.end(meter.progress(done, total, 0)) : gen.update(meter.progress(done, total, 0))),
          center: (name) => (bar = terminalProgress(`import ${name}`)),
          progress: (p) => (p.done >= p.total ? bar.end(p) : bar.update(p)),
        },
      );
    }
    const demo = !values.workspace;
    if (demo) {
      // In the background (detached: it outlives this process), so the app opens at once.
      const models = ensureDemoModels(workspace, { detached: true });
      if (models.action !== 'done') process.stderr.write(`demo models: ${models.action === 'running' ? 'training' : models.action === 'resumed' ? 'training resumed' : 'training started'} in the background (job ${models.id}, a few minutes); Inspect models and Results show its progress\n`);
    }
    const front = values.browser ? ({ kind: 'browser', reason: 'browser mode asked for (--browser)' } as const) : chooseFrontEnd();
    let why = front.kind === 'browser' ? front.reason : '';
    if (front.kind === 'electron') {
      // A better-sqlite3 built for Node's ABI would crash the window at its first query: check first.
      const native = checkNativeModules(front.binary);
      if (native.ok) {
        const child = spawn(front.binary, [front.main, '--workspace', workspace, ...(demo ? ['--view', 'inspect'] : [])], { stdio: 'inherit' });
        return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
      }
      why = native.reason;
    }
    process.stderr.write(`${why}: starting browser mode.\n`);
    const server = await startServer({ workspace, port: intOption(values.port, 'port', 0) });
    // The demo opens on its models: a reconstruction and predictions, once the job above has made them.
    const url = demo ? `${server.url}#inspect` : server.url;
    process.stdout.write(`OpenECG Workstation on ${workspace}\n  open ${url}\n  (Ctrl-C stops it)\n`);
    if (!values['no-browser']) openBrowser(url);
    await new Promise<void>((resolve) => {
      const stop = () => void server.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return 0;
  },
};
