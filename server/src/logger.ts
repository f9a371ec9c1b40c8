/**
 * The process logger (pino). Request ids are attached by the HTTP layer. Lines go to stdout through an asynchronous
 * destination, so a request never waits for the terminal or the log collector; pino flushes what is pending when the
 * process exits.
 */
import pino from 'pino';

export const logger = pino(
  { level: process.env.LOG_LEVEL ?? 'info', base: { service: 'iop-fhir' } },
  pino.destination({ dest: 1, sync: false }),
);
export type Logger = typeof logger;
