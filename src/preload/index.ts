// Electron preload (sandboxed, so CommonJS: built by src/preload/tsconfig.json into dist/preload).
// It exposes exactly one function to the page, `window.openecg.call(method, input)`, which forwards
// to the main process over the one IPC channel; no Node API and no ipcRenderer itself reach the page.
// The main process validates every call (src/main/electron/ipc-guard.ts), so nothing is checked here.

interface PreloadElectron {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<unknown> };
}

// A sandboxed preload's `require` serves only a few Electron modules; typed locally because the
// electron package (with its types) is optional.
declare const require: (id: 'electron') => PreloadElectron;

// Kept in step with IPC_CHANNEL in src/shared/api.ts (this file cannot import ESM at run time).
const CHANNEL = 'openecg:call';

const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('openecg', {
  call: (method: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(CHANNEL, String(method), input),
});

export {};
