// The key paths of the config schema, for checking docs/configuration.md
// against it: `dns.cache.max_entries`, `dns.forward[].domains`. An object is
// a section, not a key, unless it reuses a schema met before (a view's
// `cloaking` is the default view's): then it is one key, documented once.
import type { z } from 'zod';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly in?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under its wrappers (optional, prefault, default, a pipe's input). */
function unwrap(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return schema;
}

export function schemaKeys(schema: z.ZodType): string[] {
  const keys: string[] = [];
  const seen = new Set<z.ZodType>();
  const walk = (node: z.ZodType, path: string): void => {
    const inner = unwrap(node);
    const def = defOf(inner);
    if (def.type === 'object') {
      if (seen.has(inner)) {
        keys.push(path);
        return;
      }
      seen.add(inner);
      for (const [key, value] of Object.entries(def.shape ?? {})) walk(value, path === '' ? key : `${path}.${key}`);
      return;
    }
    if (def.type === 'union') {
      for (const option of def.options ?? []) walk(option, path);
      return;
    }
    keys.push(path);
    if (def.type === 'array' && seen.has(inner)) return;
    seen.add(inner);
    if (def.type === 'array' && def.element && ['object', 'union'].includes(defOf(unwrap(def.element)).type)) walk(def.element, `${path}[]`);
  };
  walk(schema, '');
  return [...new Set(keys)];
}
