/**
 * Delivers subscription notifications from the outbox (jobs/subscription-outbox.ts). Each round claims due
 * subscriptions with `FOR NO KEY UPDATE SKIP LOCKED` (not FOR UPDATE: the outbox's foreign key takes KEY SHARE, and a
 * write raising an event must not wait for a post) and holds them, in one transaction, while it posts: so any number
 * of processes can run workers, one subscription is served by one of them at a time, and event n+1 is never sent
 * before n was acknowledged. A process that dies mid-post rolls back: the next worker sends the same events, with the same
 * numbers and content, again (at-least-once). Every delivery is judged against the owner's access as it is then:
 * events for versions the owner may not read (scopes, row filter, 42 CFR Part 2 consent) are withheld.
 */
import type { Pool } from 'pg';
import type { Subscription } from '@medplum/fhirtypes';
import type { AccessContext } from '../auth/access-context';
import { AuditLog } from '../audit/audit-log';
import type { AuditRecord } from '../audit/audit-record';
import { discloseResponse } from '../audit/part2-disclosures';
import { CHANNELS, subscribeCache } from '../store/cache-invalidation';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import { accessOfRequester, type ExportRequester } from './export-requester';
import { loadEventsOfMany, type StoredEvent } from './subscription-events';
import { notificationBundle, type NotificationType } from './subscription-notification';
import type { SubscriptionSpec } from './subscription-spec';

export interface DeliveryOptions {
  /** How often to look for due work when nothing woke the worker. */
  pollMs: number;
  /** First retry after this long; doubles with each failure, up to backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Consecutive failed deliveries that move an active Subscription to `error`. */
  errorAfterFailures: number;
  /** Per POST, unless the Subscription sets backport-timeout. */
  requestTimeoutMs: number;
  /** Subscriptions claimed (and posted to concurrently) per round. */
  batchSize: number;
  /** Delivered events (and those of subscriptions turned off) are kept this long for $events, then removed. */
  eventRetentionDays: number;
  onError?: (err: unknown) => void;
}

/** How often a worker removes events past their retention. */
const PRUNE_EVERY_MS = 10 * 60_000;

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  pollMs: 1000, backoffBaseMs: 1000, backoffMaxMs: 300_000, errorAfterFailures: 3, requestTimeoutMs: 10_000, batchSize: 64,
  eventRetentionDays: 7,
};

/**
 * SUBSCRIPTION_POLL_MS, SUBSCRIPTION_BACKOFF_MS, SUBSCRIPTION_BACKOFF_MAX_MS, SUBSCRIPTION_ERROR_AFTER,
 * SUBSCRIPTION_TIMEOUT_MS, SUBSCRIPTION_EVENT_RETENTION_DAYS.
 */
export function deliveryOptionsFromEnv(env: NodeJS.ProcessEnv): DeliveryOptions {
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] && Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const d = DEFAULT_DELIVERY_OPTIONS;
  return {
    ...d,
    pollMs: read('SUBSCRIPTION_POLL_MS', d.pollMs),
    backoffBaseMs: read('SUBSCRIPTION_BACKOFF_MS', d.backoffBaseMs),
    backoffMaxMs: read('SUBSCRIPTION_BACKOFF_MAX_MS', d.backoffMaxMs),
    errorAfterFailures: read('SUBSCRIPTION_ERROR_AFTER', d.errorAfterFailures),
    requestTimeoutMs: read('SUBSCRIPTION_TIMEOUT_MS', d.requestTimeoutMs),
    eventRetentionDays: read('SUBSCRIPTION_EVENT_RETENTION_DAYS', d.eventRetentionDays),
  };
}

interface StateRow {
  subscription_id: string;
  topic: string;
  spec: SubscriptionSpec;
  owner: ExportRequester;
  base_url: string;
  status: string;
  error: string | null;
  delivered_through: string;
  failures: number;
  last_event_number: string;
}

interface Plan {
  row: StateRow;
  type: NotificationType;
  /** Highest event number this plan covers (sent or withheld); undefined for handshake and heartbeat. */
  through?: number;
  /** Nothing to send (every event withheld): just move past them. */
  body?: string;
  /** Sent with the POST besides the channel's own (the 42 CFR Part 2 notice). */
  headers?: Record<string, string>;
  /** An event notification is a disclosure to the owner: audited (and accounted for Part 2 records) once acknowledged. */
  audit?: AuditRecord;
}

/** `aborted`: cut off because this worker stops; recorded as if never tried (the next worker sends it again). */
type Outcome = { ok: true } | { ok: false; reason: string; aborted?: boolean };

interface OwnerEvents {
  access: AccessContext;
  events: StoredEvent[];
}

const pendingOf = (row: StateRow) => Number(row.last_event_number) > Number(row.delivered_through);

/** Workers of this process, woken when a commit queued events (CHANNELS.subscriptionEvents). */
const running = new Set<SubscriptionDelivery>();
subscribeCache({
  name: 'subscription-delivery',
  channels: [CHANNELS.subscriptionEvents],
  onMessage: () => running.forEach((w) => w.wake()),
  reload: () => running.forEach((w) => w.wake()),
});

export class SubscriptionDelivery {
  private stopped = false;
  /** A wake-up that came while a round ran: the next wait is skipped, so no commit waits for the poll. */
  private woken = false;
  private wakeUp?: () => void;
  /** Cuts off the POSTs in flight when the worker stops, so a shutdown never waits for a slow endpoint. */
  private readonly stopping = new AbortController();
  private loop: Promise<void>;
  private readonly audit: AuditLog;

  constructor(private readonly repo: Repository, private readonly pool: Pool, private readonly options: DeliveryOptions = DEFAULT_DELIVERY_OPTIONS) {
    this.audit = new AuditLog(pool);
    running.add(this);
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Resolves once the round in flight (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    running.delete(this);
    this.stopping.abort();
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let prunedAt = 0;
    while (!this.stopped) {
      let more = false;
      this.woken = false;
      try {
        if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
          prunedAt = Date.now();
          await pruneSubscriptionEvents(this.repo, this.options.eventRetentionDays);
        }
        more = await this.round();
      } catch (err) {
        this.options.onError?.(err);
      }
      if (more || this.woken || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.pollMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wakeUp = done;
      });
      this.wakeUp = undefined;
    }
  }

  /** One round: claim due subscriptions, post to them concurrently, record the outcomes; true if it did anything. */
  async round(): Promise<boolean> {
    return this.repo.transaction(async (tx) => {
      const due = await tx.query<StateRow>(sql`SELECT s.subscription_id, s.topic, s.spec, s.owner, s.base_url, s.status, s.error,
            s.delivered_through, s.failures, c.last_event_number
          FROM subscription_state s JOIN subscription_event_counter c USING (subscription_id)
          WHERE s.status <> 'off' AND s.next_attempt_at <= now()
            AND (s.status <> 'active' OR c.last_event_number > s.delivered_through
              OR (s.spec ? 'heartbeatSeconds'
                  AND coalesce(s.last_sent_at, s.created_at) + make_interval(secs => (s.spec->>'heartbeatSeconds')::int) <= now()))
          ORDER BY s.next_attempt_at LIMIT ${this.options.batchSize} FOR NO KEY UPDATE OF s SKIP LOCKED`);
      if (due.length === 0) return false;
      const pending = await this.loadPendingEvents(tx, due.filter((row) => pendingOf(row) && row.status !== 'requested'));
      const plans: Plan[] = [];
      for (const row of due) plans.push(await this.plan(tx, row, pending.get(row.subscription_id)));
      const outcomes = await Promise.all(plans.map((p) => (p.body === undefined ? Promise.resolve<Outcome>({ ok: true }) : this.post(p.row.spec, p.body, p.headers))));
      await this.recordAll(tx, plans, outcomes);
      return true;
    });
  }

  /**
   * The next events of each subscription, judged against its owner's access as it is now: one statement per owner
   * (subscriptions of one client and user share it), whatever the number of subscriptions.
   */
  private async loadPendingEvents(tx: Repository, rows: StateRow[]): Promise<Map<string, OwnerEvents>> {
    const byOwner = new Map<string, StateRow[]>();
    for (const row of rows) {
      const key = JSON.stringify(row.owner);
      byOwner.set(key, [...(byOwner.get(key) ?? []), row]);
    }
    const result = new Map<string, OwnerEvents>();
    for (const group of byOwner.values()) {
      const access = await accessOfRequester(this.pool, group[0].owner, `subscription:${group[0].subscription_id}`);
      const events = await loadEventsOfMany(tx, access.policy, group.map((row) => ({
        subscriptionId: row.subscription_id, after: Number(row.delivered_through), limit: row.spec.maxCount,
      })));
      for (const row of group) result.set(row.subscription_id, { access, events: events.get(row.subscription_id) ?? [] });
    }
    return result;
  }

  private async plan(tx: Repository, row: StateRow, pendingEvents: OwnerEvents | undefined): Promise<Plan> {
    const pending = pendingOf(row);
    const facts = (type: NotificationType, status: string) => ({
      baseUrl: row.base_url, subscriptionId: row.subscription_id, topic: row.topic, status, type, eventsSinceStart: Number(row.last_event_number),
    });
    const now = new Date();
    if (row.status === 'requested' || (row.status === 'error' && !pending)) {
      return { row, type: 'handshake', body: JSON.stringify(notificationBundle(facts('handshake', 'requested'), [], row.spec.content, now)) };
    }
    if (!pending) return { row, type: 'heartbeat', body: JSON.stringify(notificationBundle(facts('heartbeat', row.status), [], row.spec.content, now)) };
    const { access, events } = pendingEvents!;
    if (events.length === 0) return { row, type: 'event-notification' }; // none can be missing (counter and events commit together): a guard
    const through = events[events.length - 1].eventNumber;
    const shown = events.filter((e) => e.visible);
    if (shown.length === 0) return { row, type: 'event-notification', through };
    const bundle = notificationBundle(facts('event-notification', row.status === 'error' ? 'error' : 'active'), shown, row.spec.content, now);
    // As for every response: Part 2 copies sent outside the program carry NORDSCLCD, the POST the §2.32 notice, and
    // what was disclosed goes to the accounting of disclosures with the delivery's AuditEvent.
    const request = `POST ${row.spec.endpoint} (Subscription/${row.subscription_id} events ${shown[0].eventNumber}-${shown[shown.length - 1].eventNumber})`;
    const { response, disclosures } = await discloseResponse(tx, access, { status: 200, body: bundle }, { request });
    const audit: AuditRecord = {
      kind: 'rest', subtype: 'subscription-notification', action: 'R', outcome: '0', agent: { ...access.principal }, patients: patientsOf(shown),
      entities: [`Subscription/${row.subscription_id}`, ...shown.map((e) => `${e.resourceType}/${e.resourceId}`)], query: request, disclosures,
      purposeOfUse: access.policy.admin ? 'HSYSADMIN' : access.principal.purpose,
    };
    return { row, type: 'event-notification', through, body: JSON.stringify(response.body), headers: response.headers, audit };
  }

  private async post(spec: SubscriptionSpec, body: string, extraHeaders: Record<string, string> = {}): Promise<Outcome> {
    const timeout = spec.timeoutSeconds ? spec.timeoutSeconds * 1000 : this.options.requestTimeoutMs;
    try {
      const response = await fetch(spec.endpoint, {
        method: 'POST',
        headers: { ...Object.fromEntries(spec.headers), ...extraHeaders, 'Content-Type': `${spec.payloadType}; charset=utf-8` },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(timeout), this.stopping.signal]),
        redirect: 'manual',
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? { ok: true } : { ok: false, reason: `the endpoint answered ${response.status}` };
    } catch (err) {
      if (this.stopping.signal.aborted) return { ok: false, reason: 'the worker stopped', aborted: true };
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      return { ok: false, reason: `the endpoint could not be reached (${cause})` };
    }
  }

  /**
   * Records a round's outcomes: the AuditEvents in one statement, the common case (an active subscription
   * acknowledged its notification, or had every event withheld) in one UPDATE, status changes one by one.
   */
  private async recordAll(tx: Repository, allPlans: Plan[], allOutcomes: Outcome[]): Promise<void> {
    const kept = allOutcomes.map((o) => !(!o.ok && o.aborted));
    const plans = allPlans.filter((_, i) => kept[i]);
    const outcomes = allOutcomes.filter((_, i) => kept[i]);
    const audits = plans.flatMap((plan, i) => {
      const outcome = outcomes[i];
      if (!plan.audit) return [];
      return [outcome.ok ? plan.audit : { ...plan.audit, outcome: '4' as const, outcomeDescription: outcome.reason, disclosures: undefined }];
    });
    await this.audit.recordMany(audits, tx);
    const simple = plans.filter((plan, i) => outcomes[i].ok && (plan.body === undefined || plan.row.status === 'active'));
    if (simple.length > 0) {
      // Withheld events (nothing sent) move delivered_through only: nothing was learned about the endpoint.
      await tx.query(sql`UPDATE subscription_state s SET delivered_through = greatest(s.delivered_through, d.through),
          failures = CASE WHEN d.sent THEN 0 ELSE s.failures END, next_attempt_at = CASE WHEN d.sent THEN now() ELSE s.next_attempt_at END,
          last_sent_at = CASE WHEN d.sent THEN now() ELSE s.last_sent_at END
        FROM unnest(${simple.map((p) => p.row.subscription_id)}::text[], ${simple.map((p) => p.through ?? 0)}::bigint[],
                    ${simple.map((p) => p.body !== undefined)}::boolean[]) AS d(subscription_id, through, sent)
        WHERE s.subscription_id = d.subscription_id`);
    }
    for (let i = 0; i < plans.length; i++) if (!simple.includes(plans[i])) await this.record(tx, plans[i], outcomes[i]);
  }

  private async record(tx: Repository, plan: Plan, outcome: Outcome): Promise<void> {
    const { row } = plan;
    if (outcome.ok) {
      await tx.query(sql`UPDATE subscription_state SET status = 'active', error = NULL, failures = 0, next_attempt_at = now(),
          delivered_through = greatest(delivered_through, ${plan.through ?? 0}::bigint), last_sent_at = now()
        WHERE subscription_id = ${row.subscription_id}`);
      if (row.status !== 'active') await this.writeStatus(tx, row.subscription_id, 'active', undefined);
      return;
    }
    const failures = row.failures + 1;
    const delay = Math.min(this.options.backoffBaseMs * 2 ** (failures - 1), this.options.backoffMaxMs);
    const reason = `${plan.type === 'handshake' ? 'Handshake' : 'Delivery'} failed: ${outcome.reason}`;
    const toError = row.status === 'requested' || row.status === 'error' || failures >= this.options.errorAfterFailures;
    const status = toError ? 'error' : row.status;
    await tx.query(sql`UPDATE subscription_state SET failures = ${failures}, status = ${status}, error = ${reason},
        next_attempt_at = now() + make_interval(secs => ${delay / 1000}) WHERE subscription_id = ${row.subscription_id}`);
    if (status !== row.status) await this.writeStatus(tx, row.subscription_id, status, reason);
  }

  /** The Subscription resource shows what delivery knows (status, and the reason while in error). */
  private async writeStatus(tx: Repository, id: string, status: string, error: string | undefined): Promise<void> {
    const current = await tx.readCurrent('Subscription', id);
    if (!current || current.deleted) {
      await tx.query(sql`UPDATE subscription_state SET status = 'off' WHERE subscription_id = ${id}`);
      return;
    }
    const { error: _previous, ...rest } = current.resource as Subscription;
    const resource = { ...rest, status, ...(error ? { error } : {}) } as Subscription;
    await tx.write({ resourceType: 'Subscription', id, method: 'PUT', resource });
  }
}

/** The patients whose records a notification carries (their subject or patient), for the AuditEvent. */
function patientsOf(events: StoredEvent[]): string[] {
  const ids = new Set<string>();
  for (const { resource } of events) {
    const r = resource as { resourceType?: string; id?: string; subject?: { reference?: string }; patient?: { reference?: string } } | undefined;
    if (r?.resourceType === 'Patient' && r.id) ids.add(r.id);
    for (const ref of [r?.subject?.reference, r?.patient?.reference]) if (ref?.startsWith('Patient/')) ids.add(ref.slice(8));
  }
  return [...ids];
}

/**
 * Removes events past the retention that no delivery needs any more: acknowledged (or withheld) ones, and every event
 * of a subscription turned off. Any number of workers may run it at once. Returns how many went.
 */
export async function pruneSubscriptionEvents(repo: Repository, retentionDays: number): Promise<number> {
  const rows = await repo.query<{ n: string }>(sql`WITH gone AS (
      DELETE FROM subscription_event e USING subscription_state s
       WHERE e.subscription_id = s.subscription_id AND (e.event_number <= s.delivered_through OR s.status = 'off')
         AND e.occurred_at < now() - make_interval(days => ${retentionDays}) RETURNING 1)
    SELECT count(*) AS n FROM gone`);
  return Number(rows[0].n);
}
