/**
 * Start-up and request logs a person can read in a terminal: each pino JSON line rendered as
 * "17:40:02.118 INFO  request  method=GET url=/fhir/metadata status=200 ms=3.1" (the idea of pino-pretty, without
 * the dependency). Only for a TTY: a log collector (stdout not a terminal, or LOG_FORMAT=json) gets the JSON as is.
 */
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields every line has, or that the line shows in its own place. */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'err']);

export function shouldLogPretty(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const format = (env.LOG_FORMAT ?? '').toLowerCase();
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return stream.isTTY === true;
}

function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One JSON log line as text; a line that is not JSON is passed through. */
export function formatLogLine(line: string, colour = false): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object') return line;
  const level = typeof entry.level === 'number' ? entry.level : 30;
  const label = LEVELS[level] ?? String(level);
  const fields = Object.entries(entry).filter(([k]) => !SHOWN_ELSEWHERE.has(k)).map(([k, v]) => `${k}=${value(v)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const text = [clock(entry.time), colour ? `\x1b[${COLOURS[level] ?? '0'}m${label}\x1b[0m` : label, String(entry.msg ?? ''), ...fields].join(' ');
  return err ? `${text}\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : text;
}

/** A stream pino writes its JSON lines to, that prints them formatted on `out`. */
export function prettyLogStream(out: NodeJS.WritableStream & { isTTY?: boolean }): Writable {
  let pending = '';
  return new Writable({
    write(chunk, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${formatLogLine(line, out.isTTY === true)}\n`);
      done();
    },
  });
}
