/** The HTTP server of a process that answers requests, and how it drains them at shutdown. */
import { createServer } from 'node:http';
import { answerClientErrors } from '../http/client-errors';
import type { Express } from 'express';

const DRAIN_DEADLINE_MS = Number(process.env.DRAIN_DEADLINE_MS ?? 25_000);

export interface HttpServer {
  /** Stops accepting connections and resolves once running requests have finished (or the drain deadline cut them off). */
  drain(): Promise<void>;
}

export function serveHttp(app: Express, port: number, onListening: (port: number) => void): HttpServer {
  const server = createServer(app);
  answerClientErrors(server); // what Node's HTTP parser refuses is an OperationOutcome too
  server.listen(port, () => {
    const address = server.address();
    onListening(typeof address === 'object' && address ? address.port : port);
  });
  return {
    drain: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // Requests still running after the drain deadline are cut off (orchestrators typically allow 30 s).
      setTimeout(() => server.closeAllConnections(), DRAIN_DEADLINE_MS).unref();
    }),
  };
}

/** Runs `stop` on the first SIGINT or SIGTERM, then exits (0 when it went well). */
export function stopOnSignal(log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining requests');
    stop()
      .then(() => {
        log.info({}, 'stopped');
        process.exit(0);
      })
      .catch((err) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
