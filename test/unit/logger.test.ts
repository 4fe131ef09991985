import { Writable } from 'node:stream';
import { createLogger, type LogFormat, logFormatFor, temporalLogger } from '../../infra/logging/logger';

/** A logger writing into memory, and the lines it wrote. */
function capture(format: LogFormat, level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('test', level, { format, destination }), lines };
}

describe('log format', () => {
  test('pretty for a terminal, JSON for anything else', () => {
    expect(logFormatFor({ isTTY: true }, {})).toBe('pretty');
    expect(logFormatFor({ isTTY: false }, {})).toBe('json');
    expect(logFormatFor({}, {})).toBe('json');
  });

  test('LOG_FORMAT decides when set', () => {
    expect(logFormatFor({ isTTY: true }, { LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormatFor({ isTTY: false }, { LOG_FORMAT: 'pretty' })).toBe('pretty');
  });

  test('pretty: one line per entry, for people, with its fields', () => {
    const { log, lines } = capture('pretty');
    log.info({ orderId: 'o-1', nested: { a: 1 } }, 'order created');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*order created/);
    expect(lines[0]).toContain('o-1');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });

  test('json: one object per line', () => {
    const { log, lines } = capture('json');
    log.info({ orderId: 'o-1' }, 'order created');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, name: 'test', orderId: 'o-1', msg: 'order created' });
  });

  test('both redact secrets', () => {
    for (const format of ['pretty', 'json'] as const) {
      const { log, lines } = capture(format);
      log.info({ req: { headers: { authorization: 'Bearer sk-hidden' } } }, 'request');
      expect(lines.join('\n')).not.toContain('sk-hidden');
    }
  });
});

describe('the Temporal SDK through our logger', () => {
  test('warnings come out as our entries, without task tokens at any depth', () => {
    const { log, lines } = capture('json');
    temporalLogger(log).warn('Activity failed', {
      activityId: '7',
      taskToken: 'CiQ-secret-token',
      info: { base64TaskToken: 'CiQ-secret-token', attempt: 2 },
      error: new Error('boom'),
    });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 40, component: 'temporal', msg: 'Activity failed', activityId: '7' });
    expect(entry.info).toEqual({ attempt: 2 });
    expect(entry.err).toMatchObject({ message: 'boom' });
    expect(lines[0]).not.toContain('secret-token');
  });

  test('entries below the minimum level are dropped; the level is kept', () => {
    const { log, lines } = capture('json', 'trace');
    const sdk = temporalLogger(log, 'WARN');
    sdk.info('bundling workflows');
    sdk.log('DEBUG', 'details');
    sdk.error('worker failed');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['worker failed']);
    expect(JSON.parse(lines[0]!).level).toBe(50);
  });

  test('pretty: an SDK warning with metadata is one line', () => {
    const { log, lines } = capture('pretty');
    temporalLogger(log).warn('Heartbeat not supported', { sdkComponent: 'worker', taskQueue: 'payments' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN.*Heartbeat not supported/);
  });
});
