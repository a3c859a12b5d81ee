// Reads the YAML config file and validates it against the schema. Every
// problem is reported as `file:line: key.path: message`, so a user can jump
// to the line; all problems are collected, not just the first.
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { SourceError } from '../diagnostics/source-error.ts';
import { configSchema, type Config } from './schema.ts';

export type LoadResult =
  | { readonly ok: true; readonly config: Config }
  /** `partial` is the file with its invalid keys left out, so `hearth check`
   *  can go on to check zone and rule files and report everything at once. */
  | { readonly ok: false; readonly errors: readonly SourceError[]; readonly partial?: Config };

/** Loads `file`, or the built-in default (every key at its default) when none is given. */
export function loadConfig(file?: string): LoadResult {
  if (file === undefined) return parseConfig('', '(built-in default)');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ file, line: 0, message: `cannot read: ${(error as Error).message}` }] };
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })),
    };
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      file,
      line: lines.linePos(offsetOf(doc, issue)).line,
      message: `${keyPath(issue.path)}: ${issue.message}`,
    })),
    partial: withoutInvalidKeys(raw, result.error.issues),
  };
}

const REMOVED = Symbol('removed');

/** Removes the value at `path`; when it is already absent (a required key
 *  is missing), removes the object that needs it instead. */
function remove(root: unknown, path: readonly PropertyKey[]): void {
  if (path.length === 0) return;
  const parent = path.slice(0, -1).reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], root);
  const key = path[path.length - 1]!;
  if (typeof parent !== 'object' || parent === null || !(key in parent)) return remove(root, path.slice(0, -1));
  if (Array.isArray(parent)) parent[Number(key)] = REMOVED;
  else delete (parent as Record<PropertyKey, unknown>)[key];
}

function withoutRemoved(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== REMOVED).map(withoutRemoved);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutRemoved(item)]));
}

/** Drops every key an issue points at (up to a few rounds, as dropping a
 *  key can expose a missing one) and parses what is left. */
function withoutInvalidKeys(raw: unknown, issues: readonly z.core.$ZodIssue[]): Config | undefined {
  let value = structuredClone(raw);
  let pending = issues;
  for (let round = 0; round < 4; round++) {
    for (const issue of pending) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) remove(value, [...issue.path, key]);
      else remove(value, issue.path);
    }
    value = withoutRemoved(value);
    const result = configSchema.safeParse(value);
    if (result.success) return result.data;
    pending = result.error.issues;
  }
  return undefined;
}

function keyPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
      .join('')
      .replace(/^\./, '') || '(top level)'
  );
}

/** Where in the text the issue's key sits: the unknown key itself, else the
 *  value at the path, else its nearest ancestor that exists in the file. */
function offsetOf(doc: Document, issue: z.core.$ZodIssue): number {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code === 'unrecognized_keys') {
    const parent = doc.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && issue.keys.includes(String(item.key.value)));
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
  }
  return 0;
}
