/**
 * The subscriptions' write hook (the one registered in fhir/write-hooks.ts): in the transaction of every write, a
 * Subscription written by a request is checked and its owner and delivery state recorded; a version that triggers a
 * topic some Subscription follows (and matches its filter criteria, evaluated by the search engine on the rows just
 * written) becomes one numbered outbox event per Subscription. Commit and outbox are one: no change without its
 * events, no event without its change. Access is judged at delivery (jobs/subscription-delivery.ts).
 */
import type { Subscription } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { topicsFor } from '../domain/subscription-topics';
import { unprocessable } from '../errors';
import type { FhirContext } from '../fhir/types';
import type { WriteHook } from '../fhir/write-hooks';
import { buildWhere } from '../search/search-sql';
import { CHANNELS, notify } from '../store/cache-invalidation';
import type { Repository, StoredVersion } from '../store/repository';
import { join, prepared, Sql, sql } from '../store/sql';
import { requesterOf } from './export-requester';
import { filterRequest, readSubscriptionSpec, type SubscriptionSpec } from './subscription-spec';

export const subscriptionWriteHook: WriteHook = {
  name: 'subscription-outbox',
  async afterWrite(tx, written, request) {
    if (written.resourceType === 'Subscription') await recordSubscription(tx, written, request);
    else if (topicsFor(written.resourceType).length > 0) await enqueueEvents(tx, written);
  },
};

/** Statuses a client may write; `active` and `error` are the server's to set (after a handshake, after failures). */
const CLIENT_STATUSES = new Set(['requested', 'off']);

const CANDIDATES_MEMO = 'subscription-candidates:';

async function recordSubscription(tx: Repository, written: StoredVersion, request: FhirContext | undefined): Promise<void> {
  tx.forget(CANDIDATES_MEMO); // later writes of this transaction must see this Subscription
  // The delivery worker's own status writes (and maintenance writes) carry no request: the state row is already theirs.
  if (!request) return;
  if (written.deleted) {
    await tx.query(sql`UPDATE subscription_state SET status = 'off' WHERE subscription_id = ${written.id}`);
    return;
  }
  const subscription = written.resource as Subscription;
  const spec = readSubscriptionSpec(subscription);
  const [current] = await tx.query<{ status: string }>(sql`SELECT status FROM subscription_state WHERE subscription_id = ${written.id}`);
  if (!CLIENT_STATUSES.has(subscription.status) && current?.status !== subscription.status) {
    throw unprocessable(`Subscription.status ${subscription.status} is set by the server: create or update with requested (or off)`, ['Subscription.status']);
  }
  const owner = requesterOf(request.access ?? systemAccess());
  const restart = subscription.status === 'requested';
  const status = CLIENT_STATUSES.has(subscription.status) ? subscription.status : current!.status;
  await tx.query(sql`INSERT INTO subscription_state (subscription_id, topic, spec, owner, owner_client_id, owner_user_id, base_url, status)
      VALUES (${written.id}, ${spec.topic}, ${JSON.stringify(spec)}::jsonb, ${JSON.stringify(owner)}::jsonb, ${owner.clientId ?? null}, ${owner.userId ?? null},
              ${request.baseUrl}, ${status})
    ON CONFLICT (subscription_id) DO UPDATE SET topic = EXCLUDED.topic, spec = EXCLUDED.spec, owner = EXCLUDED.owner,
      owner_client_id = EXCLUDED.owner_client_id, owner_user_id = EXCLUDED.owner_user_id, base_url = EXCLUDED.base_url, status = EXCLUDED.status,
      error = CASE WHEN ${restart} THEN NULL ELSE subscription_state.error END,
      failures = CASE WHEN ${restart} THEN 0 ELSE subscription_state.failures END,
      next_attempt_at = CASE WHEN ${restart} THEN now() ELSE subscription_state.next_attempt_at END`);
  await tx.query(sql`INSERT INTO subscription_event_counter (subscription_id) VALUES (${written.id}) ON CONFLICT DO NOTHING`);
  if (restart) await notify(tx, CHANNELS.subscriptionEvents, '');
}

interface Candidate {
  subscription_id: string;
  topic: string;
  spec: SubscriptionSpec;
}

async function enqueueEvents(tx: Repository, written: StoredVersion): Promise<void> {
  const topics = topicsFor(written.resourceType);
  // On the write path of every resource type a topic watches: a named statement, parsed once per connection.
  // Asked once per transaction and type: a transaction Bundle of a hundred Encounters looks once.
  const candidates = await tx.memo(`${CANDIDATES_MEMO}${written.resourceType}`, () => tx.query<Candidate>(prepared(sql`
      SELECT subscription_id, topic, spec FROM subscription_state WHERE topic = ANY(${topics.map((t) => t.url)}::text[]) AND status <> 'off'`)));
  if (candidates.length === 0) return;
  const previous = written.versionId > 1 ? await tx.readVersion(written.resourceType, written.id, written.versionId - 1) : undefined;
  const before = previous && !previous.deleted ? previous.resource : undefined;
  const after = written.deleted ? undefined : written.resource;
  const firing = new Set(topics.filter((t) => t.triggers(before, after)).map((t) => t.url));
  const triggered = candidates.filter((c) => firing.has(c.topic));
  if (triggered.length === 0) return;
  const matching = await matchFilters(tx, written, triggered);
  if (matching.length === 0) return;
  const ids = matching.map((c) => c.subscription_id);
  // Counter rows are locked in one order, so two writes raising events for the same subscriptions cannot deadlock.
  await tx.query(sql`WITH locked AS (
        SELECT subscription_id FROM subscription_event_counter WHERE subscription_id = ANY(${ids}::text[]) ORDER BY subscription_id FOR UPDATE),
      numbered AS (
        UPDATE subscription_event_counter c SET last_event_number = c.last_event_number + 1 FROM locked
        WHERE c.subscription_id = locked.subscription_id RETURNING c.subscription_id, c.last_event_number)
    INSERT INTO subscription_event (subscription_id, event_number, resource_type, resource_id, version_id, occurred_at)
    SELECT subscription_id, last_event_number, ${written.resourceType}, ${written.id}, ${written.versionId}, ${written.lastUpdated} FROM numbered`);
  await notify(tx, CHANNELS.subscriptionEvents, '');
}

/** The candidates whose filter criteria the written resource meets: one statement for all of them. */
async function matchFilters(tx: Repository, written: StoredVersion, candidates: Candidate[]): Promise<Candidate[]> {
  const filtered = candidates.filter((c) => c.spec.filters.length > 0);
  if (filtered.length === 0) return candidates;
  const conditions: Sql[] = filtered.map((c) => {
    try {
      return join(c.spec.filters.map((f) => buildWhere(filterRequest(written.resourceType, f))), ' AND ');
    } catch {
      return sql`FALSE`; // a SearchParameter removed since the Subscription was written: it matches nothing
    }
  });
  const exists = conditions.map((condition) => sql`EXISTS (SELECT 1 FROM resource r WHERE r.res_id = ${written.resId}::bigint AND ${condition})`);
  const [{ matches }] = await tx.query<{ matches: boolean[] }>(sql`SELECT ARRAY[${join(exists, ', ')}]::boolean[] AS matches`);
  const matched = new Set(filtered.filter((_, i) => matches[i]).map((c) => c.subscription_id));
  return candidates.filter((c) => c.spec.filters.length === 0 || matched.has(c.subscription_id));
}
