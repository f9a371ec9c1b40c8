/** The process logger (pino). Request ids are attached by the HTTP layer. */
import pino from 'pino';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'iop-fhir' } });
export type Logger = typeof logger;
