// The logger: one JSON line per event on stdout when it is not a terminal
// (journald keeps them, `journalctl -u hearth -o cat | jq` reads them);
// readable lines when it is: `12:04:05.123 INFO  DHCP server started port=67 …`.
// Per-query lines only at debug level: a busy resolver must not spend itself
// on logging.
import { format } from 'node:util';
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.HEARTH_LOG_LEVEL ?? 'info'): Logger {
  return process.stdout.isTTY ? pino({ name: 'hearth', level }, terminalDestination()) : pino({ name: 'hearth', level });
}

// On a terminal pino hands each JSON line to write(); what is not the event's
// own (level, time, msg, name, pid, hostname) follows the message as key=value.

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const SKIP = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'v']);

function clock(time: unknown): string {
  const date = typeof time === 'number' ? new Date(time) : new Date();
  return date.toTimeString().slice(0, 8) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function value(item: unknown): string {
  if (typeof item === 'string') return /[\s"=]/.test(item) ? JSON.stringify(item) : item;
  if (item && typeof item === 'object' && 'stack' in item && typeof item.stack === 'string') return `\n${item.stack}`;
  return format('%j', item);
}

/** One JSON log line as a readable line; a line that is not JSON is passed on as it is. */
export function terminalLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIP.has(key))
    .map(([key, item]) => `${key}=${value(item)}`);
  const label = LEVELS[level] ?? String(level);
  const shown = colour && COLOURS[level] ? `${COLOURS[level]}${label}\x1b[0m` : label;
  return `${clock(entry.time)} ${shown} ${String(entry.msg ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

/** A pino destination that writes readable lines to `out`. */
export function terminalDestination(out: NodeJS.WriteStream = process.stdout): { write(line: string): void } {
  return {
    write: (line) => {
      out.write(terminalLine(line, out.hasColors?.() ?? false));
    },
  };
}
