/**
 * Optional token auth. A request is let in when it carries the token as `Authorization:
 * Bearer <token>`, as `?token=<token>`, or in the `tsdask_dashboard` cookie that the page
 * route sets after a good `?token=` (so the page's scripts and its WebSocket, which a browser
 * cannot give headers, are let in too). Comparison is in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'tsdask_dashboard';

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Whether `given` equals `token`, in time independent of where they differ. */
export function tokenMatches(token: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(token), digest(given));
}

/** The token a request carries: header, then query, then cookie. */
export function requestToken(headers: Record<string, string | string[] | undefined>, url: string): { token?: string; fromQuery: boolean } {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return { token: auth.slice(7).trim(), fromQuery: false };
  const q = url.indexOf('?');
  if (q >= 0) {
    const t = new URLSearchParams(url.slice(q + 1)).get('token');
    if (t !== null) return { token: t, fromQuery: true };
  }
  const cookie = headers['cookie'];
  if (typeof cookie === 'string') {
    for (const part of cookie.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === TOKEN_COOKIE) {
        // a malformed cookie (a stray '%') carries no token: 401, not a URIError's 500
        try {
          return { token: decodeURIComponent(part.slice(eq + 1).trim()), fromQuery: false };
        } catch {
          return { fromQuery: false };
        }
      }
    }
  }
  return { fromQuery: false };
}

/** The Set-Cookie value that lets the page's own requests in. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`;
}
