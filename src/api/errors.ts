// Every error the API sends is `{ error, message, issues? }`: `error` a
// stable code for scripts, `message` for people, `issues` the zod issue
// paths of a bad input. A client can cause 4xx answers only; a 500 means a
// bug in hearth, and is logged.
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { ConfigNotWritable } from '../config/store.ts';
import type { ApiApp } from './api-app.ts';

const issueSchema = z.object({
  /** Where the problem is: `body`, `querystring` or `params`. */
  in: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});

export const errorSchema = z.object({
  error: z.string().meta({ description: 'a stable code: bad_request, unauthorized, not_found, conflict, ...' }),
  message: z.string(),
  issues: z.array(issueSchema).optional(),
});

type ErrorBody = z.infer<typeof errorSchema>;
type Issue = z.infer<typeof issueSchema>;

/** An answer with a status other than 2xx that a route decides on. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly error: string;
  readonly issues: readonly Issue[] | undefined;

  constructor(statusCode: number, error: string, message: string, issues?: readonly Issue[]) {
    super(message);
    this.statusCode = statusCode;
    this.error = error;
    this.issues = issues;
  }
}

export const badRequest = (message: string, issues?: readonly Issue[]) => new ApiError(400, 'bad_request', message, issues);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string, error = 'conflict') => new ApiError(409, error, message);

/** Error responses every route can give, for the OpenAPI document. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 429: errorSchema } as const;

/** Validates with zod and keeps the issues whole: the provider's own
 *  compiler flattens the paths into strings. */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const where = httpPart ?? 'body';
    const issues = result.error.issues.map((issue) => ({ in: where, path: issue.path.map(pathKey), message: issue.message }));
    return { error: badRequest(summary(issues), issues) };
  };

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

function summary(issues: readonly Issue[]): string {
  const [first] = issues;
  if (!first) return 'invalid input';
  const where = [first.in, ...first.path].map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${where}: ${first.message}${more}`;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

function toBody(error: FastifyError | Error): { status: number; body: ErrorBody } {
  if (error instanceof ApiError) {
    return { status: error.statusCode, body: { error: error.error, message: error.message, ...(error.issues ? { issues: [...error.issues] } : {}) } };
  }
  if (error instanceof ConfigNotWritable) return { status: 409, body: { error: 'config_not_writable', message: error.message } };
  // fastify's own 4xx: bad JSON, body too large, wrong content type, ...
  const status = 'statusCode' in error ? error.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, body: { error: CODES[status] ?? `http_${status}`, message: error.message } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error in hearth (logged)' } };
}

export function installErrorHandlers(app: ApiApp): void {
  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toBody(error);
    if (status === 500) request.log.error({ err: error, method: request.method, url: request.url }, 'API request failed');
    return reply.code(status).type('application/json').send(JSON.stringify(body));
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` };
    return reply.code(404).type('application/json').send(JSON.stringify(body));
  });
}
