// One JSON line per event on stdout (journald picks it up). Per-query lines
// only at debug level: a busy resolver must not spend itself on logging.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.HEARTH_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'hearth', level });
}
