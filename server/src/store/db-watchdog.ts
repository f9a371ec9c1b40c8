/**
 * Tells a frozen database from a slow query. A stopped PostgreSQL (SIGSTOP, a hung host) accepts TCP but never
 * answers, so queries would wait for the 60 s statement timeout and new connections for the 10 s connect timeout.
 * When a query has been waiting STALL_MS, the watchdog opens a fresh connection and asks `SELECT 1` with a short
 * deadline: an answer (even an error with a SQLSTATE) means the database is alive and the query is merely slow;
 * silence means it is frozen. Then every waiting query is failed (its connection destroyed) and new ones fail at
 * once, as "Connection terminated" (a 503 with Retry-After, http/error-mapper.ts), until a probe is answered again.
 */
import { Client, type ClientConfig, type Pool, type PoolClient } from 'pg';

export interface WatchdogOptions {
  /** A query waiting this long makes the watchdog look. */
  stallMs?: number;
  /** How long the probe may take to connect and answer. */
  probeMs?: number;
}

const PROBE_INTERVAL_MS = 2_000;

export const FROZEN_MESSAGE = 'Connection terminated: the database is not answering';

export class DatabaseWatchdog {
  private readonly waiting = new Map<PoolClient, number>();
  private frozen = false;
  private probing = false;
  private lastProbe = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly stallMs: number;
  private readonly probeMs: number;

  constructor(private readonly pool: Pool, private readonly config: ClientConfig, options: WatchdogOptions = {}) {
    this.stallMs = options.stallMs ?? 3_000;
    this.probeMs = options.probeMs ?? 2_000;
    this.timer = setInterval(() => this.check(), 500);
    this.timer.unref();
  }

  /** True while the last probe went unanswered: callers fail at once instead of waiting. */
  get isFrozen(): boolean {
    return this.frozen;
  }

  frozenError(): Error {
    return new Error(FROZEN_MESSAGE);
  }

  /** Wraps a pooled client's query so its waits are seen. */
  watch(client: PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (this.frozen) return reject(args, this.frozenError());
      if (!this.waiting.has(client)) this.waiting.set(client, Date.now());
      const done = () => this.waiting.delete(client);
      // Callback style (pool.query uses it) or promise style (transactions): either way, note when it is answered.
      const at = args.findIndex((arg) => typeof arg === 'function');
      if (at >= 0) {
        const callback = args[at] as (...results: unknown[]) => void;
        args[at] = (...results: unknown[]) => {
          done();
          callback(...results);
        };
      }
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
      return result;
    };
    client.once('end', () => this.waiting.delete(client));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if ((this.pool as Pool & { ended?: boolean }).ended) {
      this.stop();
      return;
    }
    if (this.probing) return;
    const now = Date.now();
    const oldest = Math.min(...this.waiting.values());
    if (!this.frozen && !(now - oldest > this.stallMs)) return;
    // A slow query on a live database is probed now and then, not on every tick; a frozen one every tick (recovery).
    if (!this.frozen && now - this.lastProbe < PROBE_INTERVAL_MS) return;
    this.lastProbe = now;
    this.probing = true;
    void this.probe().then((answered) => {
      this.probing = false;
      if (answered) {
        this.frozen = false;
        return;
      }
      this.frozen = true;
      for (const client of this.waiting.keys()) destroy(client);
      this.waiting.clear();
    });
  }

  /** A fresh connection and `SELECT 1` within probeMs: answered (true) unless nothing came back at all. */
  private async probe(): Promise<boolean> {
    const client = new Client({ ...this.config, connectionTimeoutMillis: this.probeMs, query_timeout: this.probeMs, statement_timeout: undefined });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch (err) {
      // A SQLSTATE (too many connections, shutting down, …) is an answer: the database is alive, if unwell.
      return typeof (err as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code);
    } finally {
      destroy(client);
    }
  }
}

/** Fails the query (callback or promise style) without touching the connection. */
function reject(args: unknown[], err: Error): unknown {
  const callback = args.find((arg) => typeof arg === 'function') as ((err: Error) => void) | undefined;
  if (callback) {
    setImmediate(() => callback(err));
    return undefined;
  }
  return Promise.reject(err);
}

/** Drops a connection whose database does not answer: its pending queries fail with "Connection terminated". */
function destroy(client: Client | PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
}
