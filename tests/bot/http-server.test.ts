import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  healthRoute,
  metricsRoute,
  type RunningHttpServer,
  readBody,
  sendJson,
  startHttpServer,
} from '../../bot/http-server.js';
import { createMetricsRegistry } from '../../bot/metrics.js';

describe('HTTP server, /healthz and /metrics', () => {
  const metrics = createMetricsRegistry();
  let healthy = true;
  let server: RunningHttpServer;

  beforeAll(async () => {
    server = await startHttpServer({
      port: 0,
      metrics,
      routes: [
        healthRoute(
          {
            database: async () => {
              if (!healthy) throw new Error('connection refused');
            },
          },
          () => ({ surfaces: { slack: 'http' } }),
        ),
        metricsRoute(metrics),
        {
          method: 'POST',
          path: '/echo',
          maxBodyBytes: 1024,
          async handler(request, response) {
            sendJson(response, 200, { bytes: (await readBody(request, 1024)).length });
          },
        },
      ],
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('reports health, 503 with the failing check', async () => {
    const ok = await fetch(`${server.url}/healthz`);
    expect([ok.status, await ok.json()]).toEqual([200, { status: 'ok', surfaces: { slack: 'http' } }]);
    healthy = false;
    const failing = await fetch(`${server.url}/healthz`);
    expect([failing.status, await failing.json()]).toEqual([
      503,
      { status: 'failing', surfaces: { slack: 'http' }, failed: { database: 'connection refused' } },
    ]);
    healthy = true;
  });

  it('limits request bodies, and answers 404 and 405', async () => {
    const small = await fetch(`${server.url}/echo`, { method: 'POST', body: 'x'.repeat(100) });
    expect(await small.json()).toEqual({ bytes: 100 });
    const large = await fetch(`${server.url}/echo`, { method: 'POST', body: 'x'.repeat(5000) });
    expect([large.status, await large.json()]).toEqual([413, { error: 'body_too_large', limit: 1024 }]);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/echo`);
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('exposes counters and latency histograms in the Prometheus text format', async () => {
    const answers = metrics.counter('analyst_surface_answers_total', 'Answers posted, by outcome');
    answers.inc({ surface: 'slack', outcome: 'answered' });
    answers.inc({ surface: 'slack', outcome: 'answered' });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain(
      '# TYPE analyst_surface_answers_total counter\nanalyst_surface_answers_total{outcome="answered",surface="slack"} 2',
    );
    expect(text).toContain('analyst_http_requests_total{route="/healthz",status="200"} 1');
    expect(text).toContain('analyst_http_requests_total{route="/echo",status="413"} 1');
    expect(text).toMatch(/analyst_http_request_duration_seconds_bucket\{route="\/echo",le="\+Inf"\} 2/);
    expect(() => metrics.counter('bad name', 'x')).toThrow(
      "'bad name' is not a valid Prometheus metric name",
    );
  });
});
