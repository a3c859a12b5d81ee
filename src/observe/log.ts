// One JSON line per event on stdout when it is not a terminal (journald keeps
// them, `journalctl -u hearth -o cat | jq` reads them); readable lines when it
// is. Per-query lines only at debug level: a busy resolver must not spend
// itself on logging.
import { pino, type Logger } from 'pino';
import { terminalDestination } from './terminal-log.ts';

export type { Logger };

export function createLogger(level = process.env.HEARTH_LOG_LEVEL ?? 'info'): Logger {
  return process.stdout.isTTY ? pino({ name: 'hearth', level }, terminalDestination()) : pino({ name: 'hearth', level });
}
