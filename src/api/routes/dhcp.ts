// DHCP leases (held now, from the lease store) and static leases (the config's
// dhcp.static_leases: changed through the config file, so they survive a
// restart and reach the standby, and apply without one).
import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import { normalizeClientId, normalizeMac } from '../../dhcp/client.ts';
import { staticLeaseSchema, type StaticLeaseConfig } from '../../dhcp/config.ts';
import { ipv4Address } from '../../values/address.ts';
import type { ApiContext } from '../context.ts';
import { conflict, errorResponses, errorSchema, notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

const leaseSchema = z.object({
  address: z.string(),
  mac: z.string(),
  clientId: z.string().optional(),
  hostname: z.string().optional(),
  expires: z.string(),
  kind: z.enum(['static', 'dynamic']),
});
export const leasesSchema = z.object({ enabled: z.boolean(), leases: z.array(leaseSchema) });
export const staticsSchema = z.object({ static_leases: z.array(staticLeaseSchema) });
const changedSchema = staticsSchema.extend({ version: z.number().int(), hash: z.string() });

/** Which reservation a DELETE means: by MAC, client id or address. */
const staticKey = z
  .strictObject({
    mac: staticLeaseSchema.shape.mac,
    client_id: staticLeaseSchema.shape.client_id,
    ip: ipv4Address.optional(),
  })
  .refine((key) => [key.mac, key.client_id, key.ip].filter((value) => value !== undefined).length === 1, {
    error: 'give exactly one of "mac", "client_id" and "ip"',
  });

function matches(lease: StaticLeaseConfig, key: { mac?: string | undefined; client_id?: string | undefined; ip?: string | undefined }): boolean {
  if (key.ip !== undefined) return lease.ip === key.ip;
  if (key.mac !== undefined) return lease.mac !== undefined && normalizeMac(lease.mac) === normalizeMac(key.mac);
  return lease.client_id !== undefined && key.client_id !== undefined && normalizeClientId(lease.client_id) === normalizeClientId(key.client_id);
}

function withStatics(config: Config, static_leases: StaticLeaseConfig[]): Config {
  return { ...config, dhcp: { ...config.dhcp, static_leases } };
}

export function dhcpRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/dhcp/leases',
    {
      schema: { summary: 'The leases held now', tags: ['dhcp'], response: { 200: leasesSchema, ...errorResponses } },
    },
    () => ({ enabled: ctx.dhcp !== undefined, leases: ctx.dhcp?.leases() ?? [] }),
  );

  app.delete(
    '/dhcp/leases/:address',
    {
      schema: {
        summary: 'Release a lease (its name leaves DNS); the client gets a NAK when it renews',
        tags: ['dhcp'],
        params: z.strictObject({ address: ipv4Address }),
        response: { 204: z.null(), 404: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (!ctx.dhcp?.release(request.params.address)) throw notFound(`no lease is held on ${request.params.address}`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/dhcp/static',
    {
      schema: { summary: 'Static leases (dhcp.static_leases)', tags: ['dhcp'], response: { 200: staticsSchema, ...errorResponses } },
    },
    () => ({ static_leases: ctx.config().dhcp.static_leases }),
  );

  app.post(
    '/dhcp/static',
    {
      schema: {
        summary: 'Reserve an address for a MAC or client id',
        tags: ['dhcp'],
        body: staticLeaseSchema.meta({ example: { mac: 'aa:bb:cc:dd:ee:ff', ip: '192.168.1.10', hostname: 'nas' } }),
        response: { 201: changedSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const lease = request.body;
      const config = ctx.config();
      const current = config.dhcp.static_leases;
      const clash = current.find(
        (existing) =>
          existing.ip === lease.ip ||
          (lease.mac !== undefined && matches(existing, { mac: lease.mac })) ||
          (lease.client_id !== undefined && matches(existing, { client_id: lease.client_id })),
      );
      if (clash) throw conflict(`a static lease for ${clash.mac ?? clash.client_id} → ${clash.ip} is there already: delete it first`);
      const static_leases = [...current, lease];
      const version = await ctx.replaceConfig(withStatics(config, static_leases));
      return reply.code(201).send({ static_leases, ...version });
    },
  );

  app.delete(
    '/dhcp/static',
    {
      schema: {
        summary: 'Remove a static lease',
        tags: ['dhcp'],
        body: staticKey,
        response: { 200: changedSchema, 404: errorSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const config = ctx.config();
      const static_leases = config.dhcp.static_leases.filter((lease) => !matches(lease, request.body));
      if (static_leases.length === config.dhcp.static_leases.length) throw notFound('no static lease matches');
      return { static_leases, ...(await ctx.replaceConfig(withStatics(config, static_leases))) };
    },
  );
}
