/**
 * Our app listening on a real port (for clients that make their own HTTP calls, like fhirclient), on the same
 * database as a TestServer, with BASE_URL set to where it listens.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../server/src/app';
import type { TestServer } from './test-server';

export interface LiveServer {
  origin: string;
  fhirBase: string;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startLiveServer(testServer: TestServer): Promise<LiveServer> {
  const http = createServer();
  const port = await listen(http);
  const origin = `http://127.0.0.1:${port}`;
  const app = createApp({ pool: testServer.pool, baseUrl: origin, logger: pino({ level: 'silent' }), auth: { enforce: true } });
  http.on('request', app);
  return {
    origin,
    fhirBase: `${origin}/fhir`,
    app,
    close: () => new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}
