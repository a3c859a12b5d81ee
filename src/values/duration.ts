// Durations as users write them in YAML or JSON: `30s`, `5m`, `1h30m`, `7d`,
// or a bare number of seconds.
import { z } from 'zod';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `30s`, `5m`, `12h`, `7d`, `1h30m` or a bare number of seconds → seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[smhdw])+$/i.test(text)) return undefined;
  let seconds = 0;
  for (const [, count, unit] of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) {
    seconds += Number(count) * UNITS[unit!]!;
  }
  return seconds;
}

export const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  const seconds = typeof value === 'number' ? value : parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (examples: 30s, 5m, 12h, 7d)` });
    return z.NEVER;
  }
  return seconds;
});
