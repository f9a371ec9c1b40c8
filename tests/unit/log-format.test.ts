/**
 * Human-readable logs in a terminal, JSON elsewhere (issue 16): the line format, when each is chosen, and the demo
 * seed's progress line (rewritten in place on a TTY, one log entry per step otherwise).
 */
import { formatLogLine, prettyLogStream, shouldLogPretty } from '../../server/src/log-format';
import type { Logger } from '../../server/src/logger';
import { seedProgressReporter } from '../../server/src/process/seed-progress';

const at = (h: number, m: number, s: number) => new Date(2026, 0, 5, h, m, s, 42).getTime(); // local wall clock, any zone

describe('log format', () => {
  test('a pino JSON line becomes time, level, message and the other fields', () => {
    const line = JSON.stringify({ level: 30, time: at(9, 5, 7), pid: 1, hostname: 'h', service: 'iop-fhir', msg: 'request', method: 'GET', url: '/fhir/metadata', status: 200, ms: 3.1 });
    expect(formatLogLine(line)).toBe('09:05:07.042 INFO  request method=GET url=/fhir/metadata status=200 ms=3.1');
  });

  test('errors keep their stack on indented lines; values with spaces are quoted; other text passes through', () => {
    const line = JSON.stringify({ level: 50, time: at(23, 59, 59), msg: 'failed to start', where: 'the database', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(formatLogLine(line)).toBe('23:59:59.042 ERROR failed to start where="the database"\n    Error: boom\n        at x');
    expect(formatLogLine('not json')).toBe('not json');
    expect(formatLogLine(JSON.stringify({ level: 40, time: at(1, 2, 3), msg: 'x' }), true)).toBe('01:02:03.042 \x1b[33mWARN \x1b[0m x');
  });

  test('pretty on a terminal, JSON for a collector, LOG_FORMAT decides when set', () => {
    expect(shouldLogPretty({ isTTY: true }, {})).toBe(true);
    expect(shouldLogPretty({ isTTY: false }, {})).toBe(false);
    expect(shouldLogPretty({}, {})).toBe(false);
    expect(shouldLogPretty({ isTTY: true }, { LOG_FORMAT: 'json' })).toBe(false);
    expect(shouldLogPretty({ isTTY: false }, { LOG_FORMAT: 'pretty' })).toBe(true);
  });

  test('the stream formats whole lines, however pino splits its writes', async () => {
    const written: string[] = [];
    const stream = prettyLogStream({ write: (text: string) => { written.push(text); return true; } } as unknown as NodeJS.WriteStream);
    const line = JSON.stringify({ level: 30, time: at(10, 0, 0), msg: 'listening', port: 8080 });
    await new Promise<void>((resolve) => stream.write(line.slice(0, 10), () => resolve()));
    expect(written).toEqual([]);
    await new Promise<void>((resolve) => stream.write(`${line.slice(10)}\n`, () => resolve()));
    expect(written).toEqual(['10:00:00.042 INFO  listening port=8080\n']);
  });
});

describe('demo seed progress', () => {
  test('on a terminal: one line rewritten in place with the step and the seconds, and a last line when done', () => {
    const out: string[] = [];
    let now = 1_000_000;
    const tty = { isTTY: true, columns: 200, write: (text: string) => out.push(text) } as unknown as NodeJS.WriteStream;
    const report = seedProgressReporter({} as Logger, tty, () => now);
    report('organisation, sites, staff and patients', 0, 12);
    now += 4_000;
    report('enrolments and treatment plans', 1, 12);
    now += 60_000;
    report('done', 12, 12);
    expect(out).toEqual([
      '\r\x1b[2KSeeding the demo organisation [0/12] organisation, sites, staff and patients … 0 s',
      '\r\x1b[2KSeeding the demo organisation [1/12] enrolments and treatment plans … 4 s',
      '\r\x1b[2KSeeding the demo organisation [12/12] done in 64 s\n',
    ]);
  });

  test('elsewhere: one log entry per step', () => {
    const entries: unknown[] = [];
    const logger = { info: (fields: unknown, msg: string) => entries.push([fields, msg]) } as unknown as Logger;
    const report = seedProgressReporter(logger, { isTTY: false } as NodeJS.WriteStream, () => 0);
    report('Part 2 consents', 11, 12);
    expect(entries).toEqual([[{ step: 'Part 2 consents', done: 11, total: 12, seconds: 0 }, 'seeding the demo organisation']]);
  });
});
