/**
 * The dashboard as a fastify plugin: register it on any fastify app (under a prefix if you
 * like) with a DashboardHub. Routes:
 *   GET /            the page (HTML; sets the token cookie after a good `?token=`)
 *   GET /app/<file>  the page's compiled scripts (exact names only)
 *   GET /api/state   the current snapshot (the `hello` message) as JSON
 *   GET /ws          the WebSocket stream of ServerMessages
 * Every route and the stream answer 403 to a request whose Host or Origin is foreign (another
 * site's page, DNS rebinding; see origin.ts). With a `token`, every route and the stream
 * answer 401 unless the request carries it.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { requestToken, tokenCookie, tokenMatches } from './auth.js';
import { DashboardOptionsError } from './errors.js';
import type { DashboardHub } from './hub.js';
import { requestRefusal, type HostAllowList } from './origin.js';
import { loadPageAssets, type PageAssets } from './page-assets.js';
import { pageHtml } from './page-html.js';

export interface DashboardPluginOptions {
  hub: DashboardHub;
  /** When set, required on every route and on the stream. */
  token?: string;
  /** The compiled page scripts (default: those built beside this package). */
  assets?: PageAssets;
  /**
   * Host names requests may give (in Host and Origin) besides localhost, 127.0.0.1 and [::1]:
   * the host the server is bound to when that is not loopback; '*' for a server bound to every
   * interface (any Host, and an Origin must then be that Host). Default: loopback only.
   */
  allowedHosts?: HostAllowList;
}

/** Serves the page and streams the hub's messages. */
export const dashboardPlugin: FastifyPluginAsync<DashboardPluginOptions> = async (app: FastifyInstance, opts) => {
  const { hub, token } = opts;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0)) {
    throw new DashboardOptionsError('token', 'must be a non-empty string when given.');
  }
  const allowed = opts.allowedHosts ?? [];
  if (allowed !== '*' && !(Array.isArray(allowed) && allowed.every((h) => typeof h === 'string' && h.length > 0))) {
    throw new DashboardOptionsError('allowedHosts', `must be an array of host names or '*', got ${JSON.stringify(allowed)}.`);
  }
  const assets = opts.assets ?? loadPageAssets();
  await app.register(websocket, { options: { maxPayload: 1 << 16 } });

  // First: a foreign Host or Origin is refused before anything else (the WebSocket upgrade too).
  app.addHook('onRequest', async (req, reply) => {
    const port = req.socket?.localPort;
    const why = requestRefusal(req.headers, allowed, typeof port === 'number' ? port : undefined);
    if (why === undefined) return undefined;
    await reply.code(403).type('application/json').send({ error: 'forbidden', message: why });
    return reply;
  });

  if (token !== undefined) {
    app.addHook('onRequest', async (req, reply) => {
      const given = requestToken(req.headers, req.url);
      if (!tokenMatches(token, given.token)) {
        await reply
          .code(401)
          .type('application/json')
          .send({ error: 'unauthorized', message: 'This dashboard needs its token: open the URL it printed (with ?token=...).' });
        return reply;
      }
      if (given.fromQuery) reply.header('set-cookie', tokenCookie(token));
      return undefined;
    });
  }

  app.get('/', async (_req, reply) => {
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(pageHtml());
  });

  app.get('/app/*', async (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    const body = assets.get(rel);
    if (body === undefined) return reply.code(404).send({ error: 'not found', message: `No page script '${rel}'.` });
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body);
  });

  app.get('/favicon.ico', async (_req, reply) => reply.code(204).send());

  app.get('/api/state', async () => hub.aggregator.hello());

  app.get('/ws', { websocket: true }, (socket) => {
    const remove = hub.addClient({
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text);
      },
      bufferedAmount: () => socket.bufferedAmount,
    });
    socket.on('close', remove);
    socket.on('error', remove);
  });
};
