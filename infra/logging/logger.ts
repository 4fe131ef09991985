import type { Logger as TemporalLogger, LogLevel as TemporalLogLevel, LogMetadata } from '@temporalio/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import pretty from 'pino-pretty';

/** `pretty`: one coloured line per entry, for a person at a terminal; `json`: one JSON object per line, for machines. */
export type LogFormat = 'pretty' | 'json';

/**
 * Pretty when the output is a terminal, JSON otherwise (a file, a pipe, a log collector). `LOG_FORMAT=pretty` or
 * `LOG_FORMAT=json` decides instead. `npm start`'s API and worker write to its terminal, so they log pretty there.
 */
export function logFormatFor(stream: { isTTY?: boolean } = process.stdout, env = process.env): LogFormat {
  if (env.LOG_FORMAT === 'pretty' || env.LOG_FORMAT === 'json') return env.LOG_FORMAT;
  return stream.isTTY ? 'pretty' : 'json';
}

/**
 * Structured logs. Secrets and card data are redacted by path wherever they could appear, as a safety net: code
 * should not log them in the first place. `destination` is for tests (stdout otherwise).
 */
export function createLogger(
  name: string,
  level = 'info',
  options: { format?: LogFormat; destination?: DestinationStream } = {},
): Logger {
  const settings: LoggerOptions = {
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
  };
  const format = options.format ?? logFormatFor();
  if (format === 'json') return options.destination ? pino(settings, options.destination) : pino(settings);
  return pino(
    settings,
    pretty({
      colorize: options.destination === undefined,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      destination: options.destination ?? 1,
      sync: true,
    }),
  );
}

const SDK_LEVELS: Record<TemporalLogLevel, number> = { TRACE: 10, DEBUG: 20, INFO: 30, WARN: 40, ERROR: 50 };

/**
 * The Temporal SDK's logger (Runtime.install) as a child of ours, so its warnings come out in the process's format
 * (one line, not the SDK's multi-line objects) and pass the same redaction. Task tokens (an activity's credential to
 * complete it) are left out of every entry. Entries below `minLevel` are dropped: the SDK reports its workflow
 * bundling at INFO, dozens of lines per start.
 */
export function temporalLogger(log: Logger, minLevel: TemporalLogLevel = 'WARN'): TemporalLogger {
  const sdk = log.child({ component: 'temporal' });
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => {
    if (SDK_LEVELS[level] < SDK_LEVELS[minLevel]) return;
    const { error, ...rest } = withoutTaskTokens(meta) ?? {};
    // pino serialises an Error (message, type, stack) under `err` only.
    const fields = error instanceof Error ? { ...rest, err: error } : error === undefined ? rest : { ...rest, error };
    sdk[level.toLowerCase() as Lowercase<TemporalLogLevel>](fields, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/** The metadata without task tokens, at any depth (activity info nests them), and nothing else changed. */
export function withoutTaskTokens<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutTaskTokens) as T;
  if (value === null || typeof value !== 'object' || value instanceof Error || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !/task_?token/i.test(key))
      .map(([key, v]) => [key, withoutTaskTokens(v)]),
  ) as T;
}

export type { Logger };
