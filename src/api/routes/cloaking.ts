// The default view's inline cloaking rules (dns.cloaking.rules). Changes go
// through the config file, so they survive a restart and reach the standby.
import { z } from 'zod';
import { cloakingSchema } from '../../dns/config.ts';
import type { Config } from '../../config/schema.ts';
import { parseCloakingRules } from '../../dns/cloaking/rules.ts';
import type { ApiContext } from '../context.ts';
import { badRequest, conflict, errorResponses, errorSchema, notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

/** `pattern value` with single spaces: how rules are compared and stored. */
function normalized(rule: string): string {
  return rule.trim().split(/\s+/).join(' ');
}

const ruleBody = z
  .strictObject({
    rule: z
      .string()
      .regex(/^[^\r\n]*$/, 'one rule, on one line')
      .transform(normalized)
      .superRefine((rule, ctx) => {
        const { rules, errors } = parseCloakingRules(rule, 'rule');
        for (const error of errors) ctx.addIssue({ code: 'custom', message: error.message });
        if (errors.length === 0 && rules.length === 0)
          ctx.addIssue({ code: 'custom', message: 'no rule here (a comment?): write "pattern value", e.g. "=nas.lan 192.168.1.10"' });
      }),
  })
  .meta({ example: { rule: '*.lab.lan 192.168.1.3' } });

export const rulesSchema = z.object({ rules: cloakingSchema.shape.rules.unwrap() });
const changedSchema = rulesSchema.extend({ version: z.number().int(), hash: z.string() });

function withRules(config: Config, rules: string[]): Config {
  return { ...config, dns: { ...config.dns, cloaking: { ...config.dns.cloaking, rules } } };
}

export function cloakingRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/cloaking',
    {
      schema: { summary: "The default view's inline cloaking rules", tags: ['cloaking'], response: { 200: rulesSchema, ...errorResponses } },
    },
    () => ({ rules: ctx.config().dns.cloaking.rules }),
  );

  app.post(
    '/cloaking',
    {
      schema: {
        summary: 'Add a cloaking rule',
        tags: ['cloaking'],
        body: ruleBody,
        response: { 201: changedSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { rule } = request.body;
      const config = ctx.config();
      const current = config.dns.cloaking.rules;
      if (current.some((existing) => normalized(existing) === rule)) throw conflict(`the rule "${rule}" is there already`);
      const rules = [...current, rule];
      // A name rule beside address rules for the same pattern (or two names) conflict.
      const clash = parseCloakingRules(rules.join('\n'), 'dns.cloaking.rules').errors.find((error) => error.line === rules.length);
      if (clash) throw badRequest(`rule: ${clash.message}`, [{ in: 'body', path: ['rule'], message: clash.message }]);
      const version = await ctx.replaceConfig(withRules(config, rules));
      return reply.code(201).send({ rules, ...version });
    },
  );

  app.delete(
    '/cloaking',
    {
      schema: {
        summary: 'Remove a cloaking rule',
        tags: ['cloaking'],
        body: z.strictObject({ rule: z.string().transform(normalized) }),
        response: { 200: changedSchema, 404: errorSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const config = ctx.config();
      const rules = config.dns.cloaking.rules.filter((existing) => normalized(existing) !== request.body.rule);
      if (rules.length === config.dns.cloaking.rules.length)
        throw notFound(`no inline cloaking rule "${request.body.rule}" (rules in dns.cloaking.files are not changed here)`);
      return { rules, ...(await ctx.replaceConfig(withRules(config, rules))) };
    },
  );
}
