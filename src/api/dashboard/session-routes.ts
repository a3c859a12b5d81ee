// GET /session (open: "am I signed in?", so a signed-out page load is not a
// failed login), POST /session (sign in: the API token as a bearer header,
// checked by auth.ts like any other request, so failed sign-ins count
// against the same limit) and DELETE /session (sign out).
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import { sessionCookie, Sessions } from './sessions.ts';

export const sessionSchema = z.object({
  signedIn: z.boolean(),
  csrf: z.string().optional().meta({ description: 'send as the x-hearth-csrf header with every change made with the session cookie' }),
  expires: z.string().optional().meta({ description: 'ISO 8601: when the session ends' }),
});

export function sessionRoutes(app: ApiApp, sessions: Sessions): void {
  const tags = ['session'];
  app.get(
    '/session',
    {
      schema: { summary: 'Is this browser signed in?', tags, security: [], response: { 200: sessionSchema } },
    },
    (request) => {
      const session = sessions.find(request);
      return session ? { signedIn: true, csrf: session.csrf, expires: new Date(session.expires).toISOString() } : { signedIn: false };
    },
  );

  app.post(
    '/session',
    {
      schema: { summary: 'Sign in: trade the bearer token for a session cookie', tags, response: { 201: sessionSchema, ...errorResponses } },
    },
    async (request, reply) => {
      const session = sessions.open();
      void reply.header('set-cookie', sessionCookie(session, request.protocol === 'https'));
      return reply.code(201).send({ signedIn: true, csrf: session.csrf, expires: new Date(session.expires).toISOString() });
    },
  );

  app.delete(
    '/session',
    {
      schema: { summary: 'Sign out', tags, response: { 204: z.null(), ...errorResponses } },
    },
    async (request, reply) => {
      sessions.close(request);
      void reply.header('set-cookie', sessionCookie(undefined, request.protocol === 'https'));
      return reply.code(204).send(null);
    },
  );
}
