// GET / (the dashboard) and GET /ui/* (its modules, styles and the vendored
// Preact and htm), open without the token: the page signs in itself. They
// are revalidated by ETag on each load, so an upgraded hearth serves the new
// page at once, and compressed as the browser asks.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { Asset, Dashboard } from './assets.ts';

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset): FastifyReply {
  void reply.header('etag', asset.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding').type(asset.type);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accepted)) return reply.header('content-encoding', 'br').send(asset.br);
  if (/\bgzip\b/.test(accepted)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.body);
}

export function dashboardRoutes(app: ApiApp, dashboard: Dashboard): void {
  app.get('/', { schema: { hide: true } }, (request, reply) => {
    const page = dashboard.assets.get('/');
    if (!page) throw notFound('the dashboard is not installed');
    void reply.header('content-security-policy', dashboard.csp);
    return send(request, reply, page);
  });
  app.get('/ui/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const asset = path === '/' ? undefined : dashboard.assets.get(path);
    if (!asset) throw notFound(`no dashboard file ${path}`);
    return send(request, reply, asset);
  });
}
