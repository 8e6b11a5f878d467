import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines for log collectors; readable lines (pino-pretty) when a person watches a terminal.
 */
export function createLogger(name: string, level = 'info'): Logger {
  if (process.stdout.isTTY) {
    return pino({
      name,
      level,
      base: { service: name },
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino({ name, level, base: { service: name } });
}
