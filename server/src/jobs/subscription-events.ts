/**
 * Reads a subscription's outbox events with the version each one names, judged against an access policy in the same
 * statement (auth/row-visibility.ts: the resource must be reachable now and the version as written, 42 CFR Part 2
 * consent included). Delivery and $events both read through here, so both withhold the same events.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { AccessPolicy } from '../auth/access-policy';
import { visibleVersionCondition } from '../auth/row-visibility';
import type { Repository } from '../store/repository';
import { sql } from '../store/sql';
import type { NotificationEvent } from './subscription-notification';

export interface StoredEvent extends NotificationEvent {
  /** The owner may read this version now. */
  visible: boolean;
}

interface EventRow {
  event_number: string;
  occurred_at: Date;
  resource_type: string;
  resource_id: string;
  version_id: number;
  content: Resource | null;
  visible: boolean | null;
}

/** Events numbered in (after, until], oldest first, at most `limit`. */
export async function loadEvents(repo: Repository, policy: AccessPolicy, subscriptionId: string, after: number, until: number | undefined, limit: number): Promise<StoredEvent[]> {
  return (await loadEventsOfMany(repo, policy, [{ subscriptionId, after, until, limit }])).get(subscriptionId) ?? [];
}

export interface EventWindow {
  subscriptionId: string;
  after: number;
  until?: number;
  limit: number;
}

/** The same for several subscriptions of one owner (one policy) in one statement, by subscription id. */
export async function loadEventsOfMany(repo: Repository, policy: AccessPolicy, windows: EventWindow[]): Promise<Map<string, StoredEvent[]>> {
  const rows = await repo.query<EventRow & { subscription_id: string }>(sql`SELECT w.subscription_id, ev.*
      FROM unnest(${windows.map((w) => w.subscriptionId)}::text[], ${windows.map((w) => w.after)}::bigint[],
                  ${windows.map((w) => w.until ?? null)}::bigint[], ${windows.map((w) => w.limit)}::int[]) AS w(subscription_id, after_number, until_number, max_count)
      CROSS JOIN LATERAL (
        SELECT e.event_number, e.occurred_at, e.resource_type, e.resource_id, e.version_id, h.content,
               ${visibleVersionCondition(policy, 'h', 'r')} AS visible
          FROM subscription_event e
          LEFT JOIN resource_history h ON h.resource_type = e.resource_type AND h.id = e.resource_id AND h.version_id = e.version_id
         WHERE e.subscription_id = w.subscription_id AND e.event_number > w.after_number
           AND (w.until_number IS NULL OR e.event_number <= w.until_number)
         ORDER BY e.event_number LIMIT w.max_count) ev
      ORDER BY w.subscription_id, ev.event_number`);
  const bySubscription = new Map<string, StoredEvent[]>();
  for (const e of rows) {
    const list = bySubscription.get(e.subscription_id) ?? [];
    list.push({
      eventNumber: Number(e.event_number), occurredAt: e.occurred_at, resourceType: e.resource_type, resourceId: e.resource_id,
      versionId: e.version_id, resource: e.content ?? undefined, visible: e.visible === true && e.content !== null,
    });
    bySubscription.set(e.subscription_id, list);
  }
  return bySubscription;
}
