// Logging: pino, always to stderr, so that stdout stays clean for GTP and for piped output.
import { pino, type Logger } from 'pino';

/** Creates the process logger at the given level (default from LOG_LEVEL, else "info"), writing to stderr. */
export function createLogger(level: string = process.env.LOG_LEVEL || 'info', name = 'tengen'): Logger {
  return pino({ name, level }, pino.destination(2));
}

export type { Logger };
