/**
 * The process logger (pino). Request ids are attached by the HTTP layer. In a terminal the lines are formatted for
 * people (log-format.ts); otherwise they are JSON, written through an asynchronous destination so a request never
 * waits for the log collector; pino flushes what is pending when the process exits. LOG_FORMAT=json|pretty overrides.
 */
import pino from 'pino';
import { prettyLogStream, shouldLogPretty } from './log-format';

const options = { level: process.env.LOG_LEVEL ?? 'info', base: { service: 'iop-fhir' } };

export const logger = shouldLogPretty(process.stdout)
  ? pino(options, prettyLogStream(process.stdout))
  : pino(options, pino.destination({ dest: 1, sync: false }));
export type Logger = typeof logger;
