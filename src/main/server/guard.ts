// Who may talk to the browser-mode server: requests for 127.0.0.1/localhost at our own port (a
// foreign Host is a DNS-rebinding attempt), from our own origin (any other page is refused even
// though the browser would send it), carrying the per-start token. Pure functions, tested alone.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-openecg-token';
export const TOKEN_COOKIE = 'openecg_token';

/** 32 random bytes, URL-safe: printed once in the URL the server announces. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The Host values a browser sends for the server's own address. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** No Origin (a navigation, curl) is fine; one that is present must be ours. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
}

/** Fetch metadata: a browser marks requests another site started; only ours and typed-in ones pass. */
export function fetchSiteAllowed(site: string | undefined): boolean {
  return site === undefined || site === 'same-origin' || site === 'none';
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The page's Content-Security-Policy: our own scripts only, no eval, no inline script, nothing
 * fetched from elsewhere, never framed. Styles may be inline because the chart library sets them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token rides in the first URL: never let it leak through a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
