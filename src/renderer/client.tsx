// The renderer's API client, chosen once at start: the Electron preload's `window.openecg` when it
// exists, else HTTP to the browser-mode server. Either way the renderer sees one ApiClient and
// checks every result against the shared schema.
import { ApiError, apiErrorSchema, ipcReplySchema, parseOutput, type ApiClient, type ApiErrorCode } from '../shared/api.js';

/** What the Electron preload exposes: one call answering with the IPC envelope (ipcReplySchema). */
interface PreloadBridge {
  call(method: string, input: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    openecg?: PreloadBridge;
  }
}

const TOKEN_KEY = 'openecg.token';
const TOKEN_HEADER = 'X-OpenECG-Token';

/** The server's token: from the address it announced, kept for reloads, then wiped from the URL bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function httpClient(): ApiClient {
  const token = takeToken();
  return {
    async call(method, input) {
      const res = await fetch(`./api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) {
        const err = apiErrorSchema.safeParse(body);
        throw new ApiError((err.success ? err.data.error.code : 'failed') as ApiErrorCode, err.success ? err.data.error.message : `HTTP ${res.status}`);
      }
      return parseOutput(method, body);
    },
  };
}

export function chooseClient(): ApiClient {
  const bridged = window.openecg;
  if (bridged) {
    return {
      call: async (method, input) => {
        const reply = ipcReplySchema.safeParse(await bridged.call(method, input ?? {}));
        if (!reply.success) throw new ApiError('failed', `${method}: malformed reply from the main process`);
        if (!reply.data.ok) throw new ApiError(reply.data.error.code as ApiErrorCode, reply.data.error.message);
        return parseOutput(method, reply.data.value);
      },
    };
  }
  return httpClient();
}
