/**
 * The one HTTP server of `analyst serve`: Slack's events endpoint, Discord's interactions endpoint,
 * `/healthz` and `/metrics`, on one port. Every POST has a body limit (checked on `Content-Length`
 * before reading, and while reading), requests have timeouts, and unknown paths get 404, so nothing
 * reaches a surface that it did not ask for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AnalystError } from '../core/errors.js';
import type { MetricsRegistry } from './metrics.js';

/** Handles one request. A rejection becomes a 500 (when nothing was sent yet). */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** A route: exact method and path. */
export interface HttpRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handler: RouteHandler;
  /** POST bodies larger than this get 413. Default: the server's. */
  readonly maxBodyBytes?: number;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Default 127.0.0.1; set 0.0.0.0 behind a reverse proxy that terminates TLS. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly routes: readonly HttpRoute[];
  /** Default body limit of POST routes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Counts requests by route and status, and their latency. */
  readonly metrics?: MetricsRegistry;
}

/** A listening server. */
export interface RunningHttpServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/** A body larger than the route allows. */
export class BodyTooLargeError extends AnalystError {
  readonly limit: number;

  constructor(limit: number) {
    super('body_too_large', `The request body is larger than ${limit} bytes.`);
    this.limit = limit;
  }
}

/** Reads a request body, failing with {@link BodyTooLargeError} as soon as it passes `maxBytes`. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Sends a short plain-text response. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** `GET /healthz`: 200 `{status: "ok", …}` when every check passes, else 503 with the failing ones. */
export function healthRoute(
  checks: Readonly<Record<string, () => Promise<void>>>,
  details: () => Record<string, unknown> = () => ({}),
): HttpRoute {
  return {
    method: 'GET',
    path: '/healthz',
    async handler(_request, response) {
      const failed: Record<string, string> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await check();
          } catch (error) {
            failed[name] = (error as Error).message;
          }
        }),
      );
      const ok = Object.keys(failed).length === 0;
      sendJson(response, ok ? 200 : 503, {
        status: ok ? 'ok' : 'failing',
        ...details(),
        ...(ok ? {} : { failed }),
      });
    },
  };
}

/** `GET /metrics`: the registry in the Prometheus text format. */
export function metricsRoute(metrics: MetricsRegistry): HttpRoute {
  return {
    method: 'GET',
    path: '/metrics',
    handler(_request, response) {
      sendText(response, 200, metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    },
  };
}

/**
 * Starts the server.
 *
 * @example
 * const server = await startHttpServer({ port: 3000, routes: [healthRoute({}), { method: 'POST', path: slack.endpoint, handler: slack.requestListener! }] });
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const defaultLimit = options.maxBodyBytes ?? 1024 * 1024;
  const requests = options.metrics?.counter(
    'analyst_http_requests_total',
    'HTTP requests by route and status',
  );
  const latency = options.metrics?.histogram(
    'analyst_http_request_duration_seconds',
    'Time to respond (for Slack and Discord: the acknowledgement)',
  );
  const byPath = new Map<string, HttpRoute[]>();
  for (const route of options.routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);

  const server = createServer((request, response) => {
    const started = performance.now();
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const candidates = byPath.get(path);
    const route = candidates?.find((entry) => entry.method === request.method);
    const label = route ? route.path : 'other';
    response.on('finish', () => {
      requests?.inc({ route: label, status: String(response.statusCode) });
      latency?.observe((performance.now() - started) / 1000, { route: label });
    });
    if (!candidates) {
      sendJson(response, 404, { error: 'not_found' });
      request.resume();
      return;
    }
    if (!route) {
      response.setHeader('allow', candidates.map((entry) => entry.method).join(', '));
      sendJson(response, 405, { error: 'method_not_allowed' });
      request.resume();
      return;
    }
    const limit = route.maxBodyBytes ?? defaultLimit;
    const declared = Number(request.headers['content-length']);
    if (route.method === 'POST' && Number.isFinite(declared) && declared > limit) {
      // Refuse before the handler reads anything; the body is discarded as it arrives (bounded by
      // the server's request timeout), so the client reads the 413 instead of a reset connection.
      sendJson(response, 413, { error: 'body_too_large', limit });
      request.resume();
      return;
    }
    Promise.resolve()
      .then(() => route.handler(request, response))
      .catch((error: unknown) => {
        if (response.headersSent) {
          response.end();
          return;
        }
        if (error instanceof BodyTooLargeError) {
          response.setHeader('connection', 'close');
          sendJson(response, 413, { error: 'body_too_large', limit: error.limit });
          return;
        }
        sendJson(response, 500, { error: 'internal_error' });
      });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
