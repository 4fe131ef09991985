import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Secrets and card data are redacted by path wherever they could appear, as a safety net:
 * code should not log them in the first place.
 */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.cardNumber',
        '*.password',
        '*.secret',
        '*.apiKey',
        'DATABASE_URL',
        '*.DATABASE_URL',
      ],
      censor: '[redacted]',
    },
  });
}
export type { Logger };
