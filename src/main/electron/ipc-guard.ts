// Every IPC call the renderer makes is checked here before the API sees it: it must come from our
// own page (the app:// origin, top frame: no other page or iframe may drive the API), name a method
// of the shared API, and carry input that method's schema accepts. Pure, so it is tested without Electron.
import { ApiError, isApiMethod, parseInput, type ApiMethod, type ApiParsedInput, type IpcReply } from '../../shared/api.js';

/** The scheme and host the renderer is served from (app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'openecg';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export interface IpcSender {
  /** URL of the frame that called (event.senderFrame.url). */
  readonly url: string;
  /** Whether that frame is the window's top frame (senderFrame.parent === null). */
  readonly topFrame: boolean;
}

/** True for our own page: exactly the app:// origin, whatever path, query or fragment. */
export function trustedUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '' && parsed.port === '';
}

export interface CheckedCall<M extends ApiMethod = ApiMethod> {
  readonly method: M;
  readonly input: ApiParsedInput<M>;
}

/** The validated call, or ApiError: forbidden (sender), unknown-method, invalid-input. */
export function checkIpcCall(sender: IpcSender, method: unknown, input: unknown): CheckedCall {
  if (!sender.topFrame || !trustedUrl(sender.url)) throw new ApiError('forbidden', `IPC from ${sender.topFrame ? '' : 'a subframe of '}${JSON.stringify(sender.url)} refused: only the workstation's own page may call the API`);
  if (typeof method !== 'string' || !isApiMethod(method)) throw new ApiError('unknown-method', `unknown API method ${JSON.stringify(method)}`);
  return { method, input: parseInput(method, input) };
}

/** Runs `fn` and wraps its value or error in the IPC envelope (errors keep their API code). */
export async function ipcReply(fn: () => Promise<unknown>): Promise<IpcReply> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: 'failed', message: err instanceof Error ? err.message : String(err) } };
  }
}
