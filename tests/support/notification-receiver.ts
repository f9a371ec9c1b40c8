/**
 * A real HTTP endpoint for subscription notifications (no mocks): a node http server on port 0 that records every
 * POST by path and answers as the test says (a status, or holding the response until released).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bundle, Parameters } from '@medplum/fhirtypes';

export interface ReceivedNotification {
  path: string;
  headers: IncomingHttpHeaders;
  bundle: Bundle;
  /** The SubscriptionStatus (first entry). */
  status: Parameters;
  type: string;
  eventNumbers: number[];
}

/** What to answer a POST to one path: an HTTP status, or 'hold' to keep the response open until release(). */
export type Answer = number | 'hold';

export class NotificationReceiver {
  readonly received: ReceivedNotification[] = [];
  private readonly answers = new Map<string, (n: ReceivedNotification) => Answer>();
  private readonly held: ServerResponse[] = [];
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle;
        const status = bundle.entry![0].resource as Parameters;
        const param = (name: string) => status.parameter!.filter((p) => p.name === name);
        const notification: ReceivedNotification = {
          path: req.url ?? '', headers: req.headers, bundle, status,
          type: param('type')[0]?.valueCode ?? '',
          eventNumbers: param('notification-event').map((p) => Number(p.part!.find((x) => x.name === 'event-number')!.valueString)),
        };
        this.received.push(notification);
        const answer = this.answers.get(notification.path)?.(notification) ?? 200;
        if (answer === 'hold') this.held.push(res);
        else res.writeHead(answer, { 'Content-Type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How to answer POSTs to `path` from now on. */
  answer(path: string, how: (n: ReceivedNotification) => Answer): void {
    this.answers.set(path, how);
  }

  /** Answers every held response with `status`. */
  release(status = 200): void {
    for (const res of this.held.splice(0)) res.writeHead(status).end();
  }

  at(path: string): ReceivedNotification[] {
    return this.received.filter((n) => n.path === path);
  }

  /** Polls (bounded) until `check` holds for what `path` received; returns it. */
  async waitFor(path: string, check: (received: ReceivedNotification[]) => boolean, what: string, timeoutMs = 30_000): Promise<ReceivedNotification[]> {
    await waitUntil(() => check(this.at(path)), `${what} at ${path}`, timeoutMs);
    return this.at(path);
  }

  async stop(): Promise<void> {
    this.release(503);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Bounded polling: resolves as soon as `check` is true, fails with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
