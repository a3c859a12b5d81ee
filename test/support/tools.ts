// Tests that need an outside tool (dig, unbound, named...) skip, with a
// title saying which tool is missing, instead of failing on a bare machine.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';

/** Whether a command is on PATH; tests that need a missing tool skip. */
export function hasTool(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(join(dir, tool)));
}

/** `describe` for tests that need tools: when one is missing the group is
 *  skipped, and its title says which tool and where it comes from. */
export function describeWith(tools: readonly string[]): (title: string, body: () => void) => void {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) return (title, body) => describe(title, body);
  return (title, body) => describe.skip(`${title} [skipped: ${missing.join(', ')} not installed; .ci/run installs it]`, body);
}
