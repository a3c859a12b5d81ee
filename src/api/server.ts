// The admin API: fastify, with one zod schema per body, query and answer
// that validates the input, serializes the output and becomes the OpenAPI
// document. Routes live one file a resource under routes/.
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { parseListenAddress } from '../values/listen-address.ts';
import type { Logger } from '../observe/log.ts';
import type { ApiApp } from './api-app.ts';
import { loadToken, requireToken, type TokenCheck } from './auth.ts';
import type { ApiConfig } from './config.ts';
import type { ApiContext } from './context.ts';
import { loadDashboard } from './dashboard/assets.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { sessionRoutes } from './dashboard/session-routes.ts';
import { Sessions } from './dashboard/sessions.ts';
import { installErrorHandlers, validatorCompiler } from './errors.ts';
import { blocklistRoutes } from './routes/blocklists.ts';
import { cacheRoutes } from './routes/cache.ts';
import { cloakingRoutes } from './routes/cloaking.ts';
import { configRoutes } from './routes/config.ts';
import { ddnsRoutes } from './routes/ddns.ts';
import { dhcpRoutes } from './routes/dhcp.ts';
import { haRoutes } from './routes/ha.ts';
import { healthRoutes, HEARTH_VERSION } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { querylogRoutes } from './routes/querylog.ts';
import { statsRoutes } from './routes/stats.ts';
import { zonesRoutes } from './routes/zones.ts';

const ROUTES: readonly ((app: ApiApp, ctx: ApiContext) => void)[] = [
  healthRoutes,
  configRoutes,
  zonesRoutes,
  cloakingRoutes,
  blocklistRoutes,
  cacheRoutes,
  dhcpRoutes,
  ddnsRoutes,
  haRoutes,
  querylogRoutes,
  statsRoutes,
  metricsRoutes,
];

/** A whole config is a few KB; a MB leaves room and bounds what a client can make hearth parse. */
export const BODY_LIMIT = 1024 * 1024;

export interface ApiOptions {
  readonly token: TokenCheck;
  readonly logger: Logger;
}

export async function buildApi(ctx: ApiContext, options: ApiOptions): Promise<ApiApp> {
  const app: ApiApp = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // One line per request would drown hearth's own log; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  await app.register(helmet, {
    // Served over plain HTTP on the LAN: upgrading the UI's requests to
    // HTTPS, or HSTS, would only break /docs.
    contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } },
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'hearth admin API', version: HEARTH_VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  const sessions = new Sessions();
  requireToken(app, options.token, sessions);
  forwardWrites(app, ctx);
  for (const routes of ROUTES) routes(app, ctx);
  sessionRoutes(app, sessions);
  dashboardRoutes(app, loadDashboard());
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.ready();
  return app;
}

/** On a pair's standby, a request that changes something (after its token or
 *  session and its body are checked) is answered by the master; /ha and the
 *  dashboard's /session are each node's own. */
function forwardWrites(app: ApiApp, ctx: ApiContext): void {
  if (!ctx.forwardWrite) return;
  app.addHook('preHandler', async (request, reply) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || /^\/(ha|session)(\/|\?|$)/.test(request.url)) return;
    // The standby checked who asks; the master trusts its authenticated peer (see app.ts).
    const headers: Record<string, string> = {};
    for (const name of ['content-type']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const forwarded = ctx.forwardWrite?.({ method: request.method, url: request.url, headers, body });
    if (!forwarded) return;
    const answer = await forwarded;
    return reply
      .code(answer.status)
      .type(answer.contentType ?? 'application/json')
      .send(answer.body);
  });
}

/** Loads (or creates) the token, builds the API and listens on `api.listen`. */
export async function startApi(ctx: ApiContext, api: ApiConfig, logger: Logger): Promise<ApiApp> {
  const address = parseListenAddress(api.listen, 8053);
  if (!address) throw new Error(`api.listen "${api.listen}" is not an address`);
  const app = await buildApi(ctx, { token: loadToken(api, logger), logger });
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
