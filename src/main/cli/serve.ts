// `openecg serve --workspace <dir> [--port N]`: browser mode, the workstation in any local browser.
import { existsSync } from 'node:fs';
import { startServer } from '../server/server.js';
import { intOption, parseCommandArgs, UsageError, type Command } from './command.js';

const USAGE = `usage: openecg serve --workspace <dir> [--port N]

Serves the workstation (catalog browser, 12-lead viewer) and its API on 127.0.0.1 only, with a new
random token each start: open the printed address (it carries the token) in a browser on this
machine. Requests without the token get 401; other hosts and origins get 403. Ctrl-C stops it.

options:
  --workspace <dir>   workspace folder (catalog + canonical store)   (required)
  --port <n>          port (default 0: a free port)`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the workstation to a local browser (127.0.0.1, per-start token)',
  usage: USAGE,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { workspace: { type: 'string' }, port: { type: 'string' } }, false);
    if (!values.workspace) throw new UsageError('--workspace is required');
    if (!existsSync(values.workspace)) throw new UsageError(`no workspace folder '${values.workspace}'`);
    const port = intOption(values.port, 'port', 0) as number;
    if (port > 65535) throw new UsageError('--port must be at most 65535');
    const server = await startServer({ workspace: values.workspace, port });
    process.stdout.write(`OpenECG Workstation for ${server.api.workspace}\n  open ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
