// docs/configuration.md against the schema it documents: every key listed
// once with its default, none that the schema lacks, and its example valid.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { configSchema } from '../../src/config/schema.ts';
import { ROOT } from '../integration/harness.ts';
import { schemaKeys } from './schema-keys.ts';

const DOC = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

/** The tables' rows: `| \`key\` | \`default\` or — | what it does |`. */
const rows = [...DOC.matchAll(/^\| `([^`]+)` \| (`[^`]*`|—) \| .+ \|$/gm)].map((match) => ({
  key: match[1]!,
  documentedDefault: match[2] === '—' ? undefined : (parse(match[2]!.slice(1, -1)) as unknown),
}));

const defaults = configSchema.parse({}) as Record<string, unknown>;

function valueAt(config: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], config);
}

function setAt(config: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = config;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

describe('docs/configuration.md', () => {
  it('lists every key of the schema once, and no other', () => {
    const documented = rows.map((row) => row.key);
    expect(documented.filter((key, index) => documented.indexOf(key) !== index)).toEqual([]);
    expect([...documented].sort()).toEqual(schemaKeys(configSchema).sort());
  });

  it('gives each key the default the schema has', () => {
    const fromDoc: Record<string, unknown> = {};
    for (const row of rows.filter((item) => !item.key.includes('[]'))) {
      const schemaDefault = valueAt(defaults, row.key);
      expect({ key: row.key, hasDefault: row.documentedDefault !== undefined }).toEqual({ key: row.key, hasDefault: schemaDefault !== undefined });
      if (row.documentedDefault !== undefined) setAt(fromDoc, row.key, row.documentedDefault);
    }
    // Durations and the like are compared as the schema reads them.
    expect(configSchema.parse(fromDoc)).toEqual(defaults);
  });

  it('has a complete example that the schema accepts', () => {
    const example = /^## A complete example\n\n```yaml\n([\s\S]*?)```/m.exec(DOC)?.[1];
    expect(example).toBeDefined();
    const loaded = parseConfig(example!, 'docs/configuration.md');
    expect(loaded.ok ? [] : loaded.errors).toEqual([]);
  });
});
