// Which config keys belong to one node and never travel to the other: its
// identity and addresses in the pair, the sockets it listens on, the
// interface and port DHCP serves (67 on both Pis; apart only when a test or
// bench runs both nodes on one host), and the paths of its own files (two nodes may keep
// their data and secrets in different places). Everything else is the
// house's config, the same on both.
import { createHash } from 'node:crypto';
import type { HouseConfig } from './ports.ts';

const NODE_LOCAL: readonly (readonly string[])[] = [
  ['ha', 'node_id'],
  ['ha', 'priority'],
  ['ha', 'interface'],
  ['ha', 'listen'],
  ['ha', 'peers'],
  ['ha', 'notify'],
  ['ha', 'secret_file'],
  ['dns', 'listen'],
  ['api', 'listen'],
  ['api', 'token_file'],
  ['dhcp', 'interface'],
  ['dhcp', 'port'],
  ['data_dir'],
];

type Tree = Record<string, unknown>;

/** `config` without its node-local keys: what the pair shares. */
export function sharedConfig(config: HouseConfig): Tree {
  const copy = structuredClone(config) as unknown as Tree;
  for (const path of NODE_LOCAL) {
    const parent = walk(copy, path.slice(0, -1));
    if (parent) delete parent[path.at(-1)!];
  }
  return copy;
}

/** The shared part from the peer with this node's own node-local keys put back. */
export function withLocalKeys(shared: Tree, local: HouseConfig): Tree {
  const merged = structuredClone(shared);
  const own = local as unknown as Tree;
  for (const path of NODE_LOCAL) {
    const source = walk(own, path.slice(0, -1));
    const key = path.at(-1)!;
    if (source?.[key] === undefined) continue;
    const target = walk(merged, path.slice(0, -1), true)!;
    target[key] = structuredClone(source[key]);
  }
  return merged;
}

/** Equal on both nodes when they run the same house config. */
export function sharedHash(config: HouseConfig): string {
  return createHash('sha256')
    .update(JSON.stringify(sharedConfig(config)))
    .digest('hex');
}

function walk(tree: Tree, path: readonly string[], create = false): Tree | undefined {
  let at: Tree = tree;
  for (const key of path) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) {
      if (!create) return undefined;
      at[key] = {};
    }
    at = at[key] as Tree;
  }
  return at;
}
