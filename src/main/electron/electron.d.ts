// The few Electron main-process APIs this app uses, declared here because `electron` is an optional
// dependency (its install downloads the binary, which some machines cannot), so its own types are
// not always in node_modules. Shapes follow Electron 38's electron.d.ts, trimmed to what we call.

import type { SafeStorage } from './key-protector.js';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Display {
  workArea: Rectangle;
}

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  experimentalFeatures?: boolean;
  webviewTag?: boolean;
  navigateOnDragDrop?: boolean;
  disableBlinkFeatures?: string;
  spellcheck?: boolean;
  devTools?: boolean;
}

export interface BrowserWindowOptions extends Partial<Rectangle> {
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  webPreferences?: WebPreferences;
}

export interface WebFrameMain {
  readonly url: string;
  readonly parent: WebFrameMain | null;
}

export interface ElectronEvent {
  preventDefault(): void;
}

export interface WebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: ElectronEvent, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: ElectronEvent) => void): this;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface BrowserWindow {
  readonly webContents: WebContents;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  maximize(): void;
  show(): void;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): this;
  on(event: 'close' | 'closed', listener: () => void): this;
}

export interface IpcMainInvokeEvent {
  readonly senderFrame: WebFrameMain | null;
}

export interface PermissionHandlers {
  setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string) => boolean) | null): void;
}

export interface HeadersDetails {
  readonly url: string;
  readonly responseHeaders?: Record<string, string[]>;
}

export interface Session extends PermissionHandlers {
  readonly webRequest: {
    onHeadersReceived(listener: (details: HeadersDetails, callback: (response: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void) => void): void;
  };
  readonly protocol: Protocol;
}

export interface Protocol {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface ElectronMain {
  /** Present from Electron 15 on; optional here so an older or trimmed build still starts. */
  readonly safeStorage?: SafeStorage;
  readonly app: {
    whenReady(): Promise<void>;
    getPath(name: 'userData'): string;
    quit(): void;
    /** Ends at once with this exit code (no 'before-quit'): the `--export-site-key` run. */
    exit(code?: number): void;
    on(event: 'window-all-closed', listener: () => void): void;
    on(event: 'web-contents-created', listener: (event: ElectronEvent, contents: WebContents) => void): void;
    on(event: 'activate', listener: () => void): void;
    on(event: 'before-quit', listener: () => void): void;
    requestSingleInstanceLock(): boolean;
  };
  readonly BrowserWindow: {
    new (options: BrowserWindowOptions): BrowserWindow;
    getAllWindows(): BrowserWindow[];
  };
  readonly ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  };
  readonly dialog: {
    showOpenDialog(window: BrowserWindow, options: { title: string; buttonLabel: string; properties: ('openDirectory' | 'createDirectory' | 'dontAddToRecent')[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  readonly protocol: Protocol & {
    registerSchemesAsPrivileged(schemes: { scheme: string; privileges: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; stream?: boolean } }[]): void;
  };
  readonly session: { readonly defaultSession: Session };
  readonly screen: { getAllDisplays(): Display[] };
}
