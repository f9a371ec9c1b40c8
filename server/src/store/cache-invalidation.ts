/**
 * Keeps every in-memory cache a copy of the database, across processes and machines: a write that changes cached
 * state calls notify() inside its own transaction (PostgreSQL delivers the message when that transaction commits,
 * and never if it rolls back), and each process holds ONE listening connection that hands every message to the
 * caches subscribed to its channel. That connection is a dedicated pg.Client, not one of the pool's, so the pool may
 * go through PgBouncer in transaction mode (point CACHE_LISTEN_URL at PostgreSQL itself: LISTEN needs a session).
 * When it is lost, it reconnects with backoff and tells every cache to reload in full: messages sent meanwhile are
 * gone. Caches that must never answer from stale state (verified tokens, user reach) use listeningEpoch() to keep
 * only what they learned while the current connection was listening.
 */
import { Client, type ClientConfig, type Pool } from 'pg';
import type { PgTransaction } from './pg-transaction';
import { Repository } from './repository';
import { sql } from './sql';

/** The closed list of channels (they are spliced into LISTEN as identifiers). */
export const CHANNELS = {
  /** `<resourceType> <res_id> <url>` of a CodeSystem, ValueSet or ConceptMap written (url empty for a deletion). */
  terminology: 'iop_terminology',
  /** The url of a SearchParameter definition recorded in search_param_state. */
  searchParameters: 'iop_search_parameters',
  /** `jti:<jti>`, `grant:<id>`, `client:<id>` or `user:<id>`: access tokens to verify again. */
  accessTokens: 'iop_access_tokens',
  /** `<resourceType>/<id>` of a resource that users' reach is read from (PractitionerRole, HealthcareService, …). */
  userReach: 'iop_user_reach',
  /** Empty payload: subscription events or a Subscription to activate were committed (wakes delivery workers). */
  subscriptionEvents: 'iop_subscription_events',
} as const;
export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export interface CacheSubscriber {
  /** For logs. */
  name: string;
  channels: Channel[];
  /**
   * One message. `db` is the process's pool (undefined when no listener runs, e.g. in a script). Runs once the
   * previous message or reload of this cache has finished; a synchronous handler runs at once when none is pending.
   */
  onMessage(channel: Channel, payload: string, db: Pool | undefined): void | Promise<void>;
  /** After (re)connecting, when messages may have been missed: read everything again, or drop it. */
  reload(db: Pool): void | Promise<void>;
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const subscribers: CacheSubscriber[] = [];
const pending = new Map<CacheSubscriber, Promise<void>>();
let active: CacheListener | undefined;

/** Called once by each cache module, at load. */
export function subscribeCache(subscriber: CacheSubscriber): void {
  if (subscribers.some((s) => s.name === subscriber.name)) return;
  subscribers.push(subscriber);
  active?.listenTo(subscriber.channels);
}

/**
 * Sends `payload` on `channel` when the caller's transaction commits: to every other process through PostgreSQL, and
 * to this one's caches right after the commit, so the writing process never answers from what it just changed.
 */
export async function notify(tx: Repository | PgTransaction, channel: Channel, payload: string): Promise<void> {
  if (tx instanceof Repository) await tx.query(sql`SELECT pg_notify(${channel}, ${payload})`);
  else await tx.client.query('SELECT pg_notify($1, $2)', [channel, payload]);
  tx.afterCommit(() => deliver(channel, payload, active?.pool));
}

/** The current listening connection's number, or undefined while none is listening. */
export function listeningEpoch(): number | undefined {
  return active?.epoch;
}

function deliver(channel: Channel, payload: string, db: Pool | undefined): void {
  for (const subscriber of subscribers) {
    if (subscriber.channels.includes(channel)) runInOrder(subscriber, () => subscriber.onMessage(channel, payload, db));
  }
}

/** Runs `work` after the subscriber's previous work; synchronously when nothing is pending. Resolves false if it failed. */
function runInOrder(subscriber: CacheSubscriber, work: () => void | Promise<void>): Promise<boolean> {
  const failed = (err: unknown) => {
    active?.log.error({ err, cache: subscriber.name }, 'cache update failed');
    return false;
  };
  const start = (): Promise<boolean> => {
    try {
      const result = work();
      return result instanceof Promise ? result.then(() => true, failed) : Promise.resolve(true);
    } catch (err) {
      return Promise.resolve(failed(err));
    }
  };
  const before = pending.get(subscriber);
  if (!before) {
    // Nothing queued: a synchronous cache (tokens, reach) is updated before this call returns.
    let result: void | Promise<void>;
    try {
      result = work();
    } catch (err) {
      return Promise.resolve(failed(err));
    }
    return result instanceof Promise ? queued(subscriber, result.then(() => true, failed)) : Promise.resolve(true);
  }
  return queued(subscriber, before.then(start));
}

/** Keeps `done` as the subscriber's pending work until it settles. */
function queued(subscriber: CacheSubscriber, done: Promise<boolean>): Promise<boolean> {
  const settled = done.then(() => undefined);
  pending.set(subscriber, settled);
  void settled.then(() => {
    if (pending.get(subscriber) === settled) pending.delete(subscriber);
  });
  return done;
}

export interface CacheListenerOptions {
  /** The process's pool: caches reload through it. */
  pool: Pool;
  /** Where to LISTEN (PostgreSQL itself, not a transaction-mode pooler); default the pool's own settings. */
  connectionString?: string;
  log: Log;
  /** How often the connection is checked: a silent network loss raises no error by itself. */
  heartbeatMs?: number;
}

const FIRST_RETRY_MS = 100;
const LONGEST_RETRY_MS = 5_000;
let epochs = 0;

export class CacheListener {
  readonly pool: Pool;
  readonly log: Log;
  /** Set while listening; a new number for every connection. */
  epoch: number | undefined;
  private client: Client | undefined;
  private readonly channels = new Set<Channel>();
  private stopped = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnecting: Promise<void> | undefined;
  private connections = 0;

  constructor(private readonly options: CacheListenerOptions) {
    this.pool = options.pool;
    this.log = options.log;
  }

  /** Resolves once listening with every cache reloaded (retrying until the database answers). */
  start(): Promise<void> {
    const interval = this.options.heartbeatMs ?? 10_000;
    this.heartbeat = setInterval(() => this.checkConnection(Math.min(interval, 5_000)), interval);
    this.heartbeat.unref();
    return this.reconnect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.epoch = undefined;
    await client?.end().catch(() => undefined);
    await this.reconnecting?.catch(() => undefined);
  }

  listenTo(channels: Channel[]): void {
    const fresh = channels.filter((c) => !this.channels.has(c));
    fresh.forEach((c) => this.channels.add(c));
    // A channel added while connected is listened to at once; it can have missed nothing that mattered to a cache
    // that did not exist yet.
    const client = this.client;
    if (client) for (const channel of fresh) client.query(`LISTEN ${channel}`).catch((err) => this.lost(client, err));
  }

  private reconnect(): Promise<void> {
    this.reconnecting ??= this.connectWithBackoff().finally(() => {
      this.reconnecting = undefined;
    });
    return this.reconnecting;
  }

  private async connectWithBackoff(): Promise<void> {
    for (let delay = FIRST_RETRY_MS, attempt = 1; !this.stopped; delay = Math.min(delay * 2, LONGEST_RETRY_MS), attempt++) {
      const client = new Client(this.clientConfig());
      client.on('error', (err) => this.lost(client, err));
      client.on('end', () => this.lost(client));
      try {
        await client.connect();
        client.on('notification', (message) => {
          if (client === this.client) deliver(message.channel as Channel, message.payload ?? '', this.pool);
        });
        for (const subscriber of subscribers) subscriber.channels.forEach((c) => this.channels.add(c));
        for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
        if (this.stopped) break;
        this.client = client;
        this.epoch = ++epochs;
        // Everything committed before LISTEN took effect may have been missed: every cache reads it all again. A
        // cache that cannot is a reason to start over, since it would stay stale with nothing left to tell it.
        const reloaded = await Promise.all(subscribers.map((s) => runInOrder(s, () => s.reload(this.pool))));
        if (reloaded.includes(false)) throw new Error('a cache could not reload');
        if (++this.connections > 1) this.log.info({ attempt, caches: subscribers.map((s) => s.name) }, 'cache listener reconnected; caches reloaded');
        return;
      } catch (err) {
        if (client === this.client) {
          this.client = undefined;
          this.epoch = undefined;
        }
        await client.end().catch(() => undefined);
        if (this.stopped) return;
        this.log.warn({ err, retryInMs: delay }, 'cache listener could not connect');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
    }
    await this.client?.end().catch(() => undefined);
  }

  /** The connection is gone (error, end, or a failed heartbeat): stop trusting it, reconnect and reload. */
  private lost(client: Client, err?: unknown): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.epoch = undefined;
    this.log.warn({ err }, 'cache listener connection lost; reconnecting');
    client.end().catch(() => undefined);
    void this.reconnect();
  }

  private checkConnection(timeoutMs: number): void {
    const client = this.client;
    if (!client) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    Promise.race([client.query('SELECT 1'), timeout])
      .catch((err) => this.lost(client, err))
      .finally(() => clearTimeout(timer));
  }

  private clientConfig(): ClientConfig {
    const { connectionString, ...rest } = this.pool.options as ClientConfig;
    return {
      ...rest,
      connectionString: this.options.connectionString ?? connectionString,
      application_name: `iop-fhir-listener-${process.pid}`,
      keepAlive: true,
    };
  }
}

/** Starts this process's listener (one per process); resolves once it listens and every cache has reloaded. */
export async function startCacheListener(options: CacheListenerOptions): Promise<CacheListener> {
  if (active) return active;
  const listener = new CacheListener(options);
  active = listener;
  await listener.start();
  return listener;
}

export async function stopCacheListener(): Promise<void> {
  const listener = active;
  active = undefined;
  await listener?.stop();
}
