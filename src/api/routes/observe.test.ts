// GET /querylog, /stats and /metrics on a bare fastify with the API's
// compilers and error handlers, over a real query log, stats and metrics.
import SwaggerParser from '@apidevtools/swagger-parser';
import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Query, Response, Source } from '../../dns/message.ts';
import type { AnsweredQuery } from '../../dns/server.ts';
import { Metrics } from '../../observe/metrics.ts';
import { QueryLog } from '../../observe/querylog.ts';
import { Stats } from '../../observe/stats.ts';
import { installErrorHandlers, validatorCompiler } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import { metricsRoutes } from './metrics.ts';
import { querylogRoutes } from './querylog.ts';
import { statsRoutes } from './stats.ts';

const T0 = Date.parse('2025-05-01T12:00:00Z');

function answered(name: string, source: Source, client = '192.168.1.10'): AnsweredQuery {
  return {
    query: { name, type: 1 } as Query,
    client: { address: client, port: 5000, transport: 'udp' },
    response: { rcode: source === 'blocked' ? 3 : 0, source } as Response,
    view: '',
    latencyMs: 0.5,
  };
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function appWith(ctx: Parameters<typeof querylogRoutes>[1]): Promise<{ app: ApiApp; querylog: QueryLog }> {
  const clock = { now: T0 };
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-routes-'));
  dirs.push(dataDir);
  const querylog = await QueryLog.open({ dataDir, retentionSeconds: 86400, maxRows: 1000, now: () => clock.now++ });
  const stats = new Stats({ now: () => clock.now });
  const metrics = new Metrics();
  for (let i = 0; i < 30; i++) {
    const query = answered(`host${i}.example`, i % 3 === 0 ? 'blocked' : 'cache', i % 2 ? '192.168.1.10' : '192.168.1.11');
    for (const observer of [querylog, stats, metrics]) observer.observe(query);
  }
  await querylog.flush();
  const app: ApiApp = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'test', version: '0' } }, transform: jsonSchemaTransform });
  querylogRoutes(app, 'querylog' in ctx ? ctx : { querylog });
  statsRoutes(app, { stats });
  metricsRoutes(app, { metrics });
  await app.ready();
  return { app, querylog };
}

describe('observability routes', () => {
  let app: ApiApp;
  let querylog: QueryLog;
  beforeAll(async () => ({ app, querylog } = await appWith({})));
  afterAll(async () => {
    await app.close();
    await querylog.close();
  });
  const get = async (url: string) => {
    const reply = await app.inject({ method: 'GET', url });
    return {
      status: reply.statusCode,
      type: reply.headers['content-type'],
      text: reply.body,
      body: reply.headers['content-type']?.includes('json') ? reply.json() : undefined,
    };
  };

  it('GET /querylog pages through the log with filters', async () => {
    const first = await get('/querylog?limit=4&status=blocked');
    expect(first.status).toBe(200);
    expect(first.body.rows.map((row: { name: string }) => row.name)).toEqual(['host27.example', 'host24.example', 'host21.example', 'host18.example']);
    expect(first.body.rows[0]).toMatchObject({ status: 'blocked', rcode: 'NXDOMAIN', type: 'A', client: '192.168.1.10' });
    expect(first.body.next).toMatch(/^\d+-\d+$/);
    const second = await get(`/querylog?limit=4&status=blocked&before=${first.body.next}`);
    expect(second.body.rows.map((row: { name: string }) => row.name)).toEqual(['host15.example', 'host12.example', 'host9.example', 'host6.example']);
    const last = await get(`/querylog?limit=4&status=blocked&before=${second.body.next}`);
    expect(last.body.rows).toHaveLength(2);
    expect(last.body).not.toHaveProperty('next');

    const filtered = await get('/querylog?client=192.168.1.11&name=HOST2&from=2025-05-01T12:00:00.020Z&to=2025-05-01T14:00:01%2B02:00');
    expect(filtered.body.rows.map((row: { name: string }) => row.name)).toEqual([
      'host28.example',
      'host26.example',
      'host24.example',
      'host22.example',
      'host20.example',
    ]);
    expect((await get('/querylog')).body.rows).toHaveLength(30);
    expect((await get('/querylog?type=a&limit=100')).body.rows).toHaveLength(30);
    expect((await get('/querylog?type=AAAA')).body.rows).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['status=allowed', 'status'],
    ['client=192.168.1', 'client'],
    ['before=yesterday', 'before'],
    ['from=2025-05-01', 'from'],
    ['from=2025-05-02T00:00:00Z&to=2025-05-01T00:00:00Z', 'to'],
    ['name=', 'name'],
    ['type=NOTATYPE', 'type'],
    ['colour=red', ''],
  ])('GET /querylog?%s is a 400 naming %s', async (query, field) => {
    const reply = await get(`/querylog?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.error).toBe('bad_request');
    expect(reply.body.issues[0]).toMatchObject({ in: 'querystring', path: field ? [field] : [] });
  });

  it('GET /querylog is a 404 while the query log is off', async () => {
    const off = await appWith({ querylog: undefined });
    const reply = await off.app.inject({ method: 'GET', url: '/querylog' });
    expect(reply.statusCode).toBe(404);
    expect(reply.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('querylog.enabled') });
    await off.app.close();
    await off.querylog.close();
  });

  it('GET /querylog is a 503 when the log cannot be read', async () => {
    const broken = Fastify().withTypeProvider<ZodTypeProvider>();
    broken.setValidatorCompiler(validatorCompiler);
    broken.setSerializerCompiler(serializerCompiler);
    installErrorHandlers(broken);
    querylogRoutes(broken, { querylog: { query: () => Promise.reject(new Error('the query log writer exited')) } });
    const reply = await broken.inject({ method: 'GET', url: '/querylog' });
    expect(reply.statusCode).toBe(503);
    expect(reply.json()).toEqual({ error: 'unavailable', message: 'the query log cannot be read: the query log writer exited' });
  });

  it('GET /stats answers the snapshot', async () => {
    const reply = await get('/stats?top=2');
    expect(reply.status).toBe(200);
    expect(reply.body.totals).toMatchObject({ queries: 30, blocked: 10, cached: 20 });
    expect(reply.body.series).toHaveLength(24);
    expect(reply.body.topClients).toEqual([
      { client: '192.168.1.10', count: 15 },
      { client: '192.168.1.11', count: 15 },
    ]);
    expect(reply.body.topBlocked).toHaveLength(2);
    expect((await get('/stats?top=0')).status).toBe(400);
  });

  it('GET /metrics answers Prometheus text, not JSON', async () => {
    const reply = await get('/metrics');
    expect(reply.status).toBe(200);
    expect(reply.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.text).toMatch(/^# HELP /);
    expect(reply.text).toContain('hearth_dns_queries_total{source="blocked",rcode="NXDOMAIN",view=""} 10\n');
  });

  it('lists the three routes in a valid OpenAPI document', async () => {
    type Get = { responses: Record<string, { content: Record<string, unknown> }>; parameters: { name: string }[] };
    const document = app.swagger() as { paths: Record<string, { get: Get }> };
    await SwaggerParser.validate(structuredClone(document) as never);
    expect(Object.keys(document.paths).sort()).toEqual(['/metrics', '/querylog', '/stats']);
    expect(document.paths['/querylog']!.get.parameters.map((p) => p.name).sort()).toEqual([
      'before',
      'client',
      'from',
      'limit',
      'name',
      'status',
      'to',
      'type',
    ]);
    expect(Object.keys(document.paths['/metrics']!.get.responses['200']!.content)).toEqual(['text/plain; version=0.0.4']);
  });
});
