// Electron entry (package.json "main", dist/main/index.js): one window on the renderer served from
// app://openecg/, the Workstation API behind one validated IPC channel, and Electron's security
// checklist applied: context isolation, sandbox, no Node in the page, a strict CSP, no navigation
// or new windows, permissions denied. `electron` is imported at run time only (an optional
// dependency): `openecg start` launches this file with the Electron binary when it is installed.
import { fileURLToPath } from 'node:url';
import { IPC_CHANNEL } from '../shared/api.js';
import { createWorkstationApi, type WorkstationApi } from './api/index.js';
import { appResponse } from './electron/app-protocol.js';
import type { BrowserWindow, ElectronMain, WebContents } from './electron/electron.js';
import { APP_ENTRY, APP_SCHEME, checkIpcCall, ipcReply, trustedUrl } from './electron/ipc-guard.js';
import { loadWindowState, saveWindowState } from './electron/window-state.js';
import { safeStorageProtector } from './electron/key-protector.js';
import { setKeyProtector, SiteKeyError } from './datasets/site-key-store.js';
import { exportSiteKey } from './datasets/site-key-export.js';
import { CONTENT_SECURITY_POLICY } from './server/guard.js';
import { defaultRendererDir } from './server/static.js';
import { demoWorkspaceDir } from './workspace/paths.js';

const PRELOAD = fileURLToPath(new URL('../preload/index.js', import.meta.url));

function workspaceArg(argv: readonly string[]): string {
  return argValue(argv, '--workspace') ?? demoWorkspaceDir();
}

/** The view the window opens on (`--view inspect`: the demo's first start), as the renderer's URL hash. */
function viewArg(argv: readonly string[]): string {
  const at = argv.indexOf('--view');
  const view = at >= 0 ? argv[at + 1] : undefined;
  return view && /^[a-z]{1,20}$/.test(view) ? `#${view}` : '';
}

/** Navigation, new windows and <webview> refused for every web contents the app ever creates. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!trustedUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!trustedUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] ? argv[at + 1] : undefined;
}

/**
 * `--export-site-key FILE` (started by `openecg site key --export`): no window; the keychain opens
 * the workspace's protected key, a plain copy is written, one JSON line says where, and the app quits.
 */
async function exportKeyAndQuit(electron: ElectronMain, dest: string): Promise<void> {
  await electron.app.whenReady();
  const keychain = safeStorageProtector(electron.safeStorage);
  setKeyProtector(keychain, false);
  try {
    process.stdout.write(`${JSON.stringify(exportSiteKey(workspaceArg(process.argv), dest))}\n`);
    electron.app.exit(0);
  } catch (err) {
    // A .safe key with no keychain in this session: say that, not "use the app".
    const noKeychain = !keychain && err instanceof SiteKeyError && err.code === 'site-key-protected';
    process.stderr.write(`${noKeychain ? 'the desktop app has no OS keychain in this session (Electron safeStorage unavailable, or only its basic_text fallback): a .safe key opens only in the desktop session of the user who made it' : (err as Error).message}\n`);
    electron.app.exit(1);
  }
}

async function main(): Promise<void> {
  // A variable specifier: TypeScript must not look for electron's own types (often not installed).
  const specifier = 'electron';
  const electron = (await import(specifier)) as ElectronMain;
  const { app, BrowserWindow, ipcMain, dialog, protocol, session, screen } = electron;
  const exportTo = argValue(process.argv, '--export-site-key');
  if (exportTo) return exportKeyAndQuit(electron, exportTo);
  if (!app.requestSingleInstanceLock()) return app.quit();
  // Must precede 'ready': app:// behaves like https (secure context, fetch, module scripts).
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  await app.whenReady();
  // The keychain opens the site keys it protected and protects new ones (<id>.safe); the import and
  // job processes, which have no safeStorage, get the key over their IPC channel (site-key-handover.ts).
  const keychain = safeStorageProtector(electron.safeStorage);
  setKeyProtector(keychain, true);
  if (!keychain) process.stderr.write('OpenECG Workstation: no OS keychain for Electron safeStorage here; new site keys are plain 0600 files (docs/site-data.md)\n');

  const rendererDir = defaultRendererDir();
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, (request) => {
    const r = appResponse(rendererDir, request.url, request.method);
    return new Response(r.body, { status: r.status, headers: r.headers });
  });
  // Belt and braces: any response the page ever gets carries our CSP, not only app:// ones.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);

  let window: BrowserWindow | null = null;
  const api: WorkstationApi = createWorkstationApi({
    workspace: workspaceArg(process.argv),
    dialogs: {
      async chooseFolder(purpose) {
        if (!window) return null;
        const result = await dialog.showOpenDialog(window, {
          title: purpose === 'data' ? 'Choose a folder of ECG records to import' : 'Choose a workspace folder',
          buttonLabel: purpose === 'data' ? 'Import from here' : 'Open workspace',
          properties: ['openDirectory', 'createDirectory', 'dontAddToRecent'],
        });
        return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
      },
    },
  });
  ipcMain.handle(IPC_CHANNEL, (event, method, input) =>
    ipcReply(async () => {
      const frame = event.senderFrame;
      const checked = checkIpcCall({ url: frame?.url ?? '', topFrame: frame !== null && frame.parent === null }, method, input);
      return api.call(checked.method, checked.input);
    }),
  );

  const userData = app.getPath('userData');
  const openWindow = () => {
    const state = loadWindowState(userData, screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow({
      x: state.x,
      y: state.y,
      width: state.width,
      height: state.height,
      minWidth: 900,
      minHeight: 600,
      show: false,
      title: 'OpenECG Workstation',
      backgroundColor: '#f4f5f7',
      webPreferences: {
        preload: PRELOAD,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        // Middle-click would open links in new windows; navigation is ours alone.
        disableBlinkFeatures: 'Auxclick',
      },
    });
    if (state.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('close', () => {
      try {
        saveWindowState(userData, win.getNormalBounds(), win.isMaximized());
      } catch {
        // Unusable bounds are not worth failing the close for; the defaults return next time.
      }
    });
    win.on('closed', () => {
      if (window === win) window = null;
    });
    window = win;
    void win.loadURL(`${APP_ENTRY}${viewArg(process.argv)}`);
  };

  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => api.close());
}

// Only under Electron: importing this file from Node (tests, tools) must not try to start an app.
if (process.versions.electron) {
  main().catch((err: unknown) => {
    process.stderr.write(`OpenECG Workstation failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

