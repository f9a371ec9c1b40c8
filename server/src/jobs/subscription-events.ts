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
  const rows = await repo.query<EventRow>(sql`SELECT e.event_number, e.occurred_at, e.resource_type, e.resource_id, e.version_id, h.content,
        ${visibleVersionCondition(policy, 'h', 'r')} AS visible
      FROM subscription_event e
      LEFT JOIN resource_history h ON h.resource_type = e.resource_type AND h.id = e.resource_id AND h.version_id = e.version_id
      WHERE e.subscription_id = ${subscriptionId} AND e.event_number > ${after}::bigint
        AND (${until ?? null}::bigint IS NULL OR e.event_number <= ${until ?? null}::bigint)
      ORDER BY e.event_number LIMIT ${limit}`);
  return rows.map((e) => ({
    eventNumber: Number(e.event_number), occurredAt: e.occurred_at, resourceType: e.resource_type, resourceId: e.resource_id,
    versionId: e.version_id, resource: e.content ?? undefined, visible: e.visible === true && e.content !== null,
  }));
}
