/**
 * The `/metrics` endpoint of a scheduler or worker (Dask serves the same on its HTTP port): a
 * small node:http server on its own port that answers GET /metrics with the text exposition
 * format of `collect()`'s families, 404 for any other path and 405 for other methods. Like Dask's,
 * it is not behind the cluster token (Prometheus scrapes it; it shows counts, never data or keys),
 * so bind it where only the monitoring network reaches it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXPOSITION_CONTENT_TYPE, formatExposition, type MetricFamily } from './exposition.js';

/** Where to serve and what. */
export interface MetricsServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  collect: () => MetricFamily[];
  /** Told of a collect() that threw (answered 500). */
  log?: (line: string) => void;
}

/** A running /metrics endpoint. */
export interface MetricsServer {
  /** `http://HOST:PORT/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics on host:port; resolves once listening (rejects when the port cannot be bound). */
export function serveMetrics(opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('use GET\n');
      return;
    }
    let body: string;
    try {
      body = formatExposition(opts.collect());
    } catch (err) {
      opts.log?.(`collecting metrics failed: ${(err as Error).message}`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      return;
    }
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      server.unref();
      const port = (server.address() as AddressInfo).port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        url: `http://${host}:${port}/metrics`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
