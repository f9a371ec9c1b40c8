/**
 * `Subscription/{id}/$status` and `Subscription/{id}/$events` (Subscriptions R5 Backport IG): the subscription's
 * status as a SubscriptionStatus Parameters (query-status), and past events by number (query-event), read from the
 * outbox through the same access judgement as delivery. Only the subscription's owner (or an administrator) may ask.
 */
import type { Bundle, OperationDefinition, OperationDefinitionParameter } from '@medplum/fhirtypes';
import { systemAccess } from '../auth/access-context';
import { badRequest, forbidden, notFound } from '../errors';
import type { FhirContext, FhirResponse } from '../fhir/types';
import { isSameRequester, type ExportRequester } from '../jobs/export-requester';
import { loadEvents } from '../jobs/subscription-events';
import { notificationBundle, subscriptionStatus, type SubscriptionStatusFacts } from '../jobs/subscription-notification';
import type { PayloadContent, SubscriptionSpec } from '../jobs/subscription-spec';
import { sql } from '../store/sql';
import type { OperationInput } from './operation-input';
import type { OperationDeclaration, OperationTarget } from './registry';

const BACKPORT_OPERATIONS = 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition';
/** Most events one $events answer carries; ask again from the last number for more. */
const MAX_EVENTS = 100;

function definition(code: string, name: string, description: string, parameter: OperationDefinitionParameter[]): OperationDefinition {
  return {
    resourceType: 'OperationDefinition', id: `backport-subscription-${code}`, url: `${BACKPORT_OPERATIONS}/backport-subscription-${code}`,
    name, status: 'active', kind: 'operation', code, affectsState: false, resource: ['Subscription'], system: false, type: false, instance: true,
    description, parameter,
  };
}

const RETURN: OperationDefinitionParameter = { name: 'return', use: 'out', min: 1, max: '1', type: 'Bundle' };

export const subscriptionStatusOperation: OperationDeclaration = {
  definition: definition('status', 'BackportSubscriptionStatus', 'The status of a topic-based Subscription (a Bundle with its SubscriptionStatus).', [RETURN]),
  handler: (_input, ctx, target) => statusOf(ctx, target),
};

export const subscriptionEventsOperation: OperationDeclaration = {
  definition: definition('events', 'BackportSubscriptionEvents', 'Past events of a topic-based Subscription, by event number.', [
    { name: 'eventsSinceNumber', use: 'in', min: 0, max: '1', type: 'string', documentation: 'First event number (inclusive)' },
    { name: 'eventsUntilNumber', use: 'in', min: 0, max: '1', type: 'string', documentation: 'Last event number (inclusive)' },
    { name: 'content', use: 'in', min: 0, max: '1', type: 'code', documentation: 'empty | id-only | full-resource (default: the subscription\'s)' },
    RETURN,
  ]),
  handler: (input, ctx, target) => eventsOf(input, ctx, target),
};

interface StateRow {
  topic: string;
  spec: SubscriptionSpec;
  owner: ExportRequester;
  status: string;
  error: string | null;
  last_event_number: string;
}

async function ownedState(ctx: FhirContext, id: string): Promise<StateRow> {
  const [row] = await ctx.repo.query<StateRow>(sql`SELECT s.topic, s.spec, s.owner, s.status, s.error, c.last_event_number
      FROM subscription_state s JOIN subscription_event_counter c USING (subscription_id) WHERE s.subscription_id = ${id}`);
  if (!row) throw notFound(`Subscription/${id} is not a topic-based subscription of this server`);
  const access = ctx.access ?? systemAccess();
  if (!access.policy.admin && !isSameRequester(row.owner, access)) throw forbidden('Only the owner of a subscription (or an administrator) may see its status and events');
  return row;
}

function factsOf(ctx: FhirContext, id: string, row: StateRow, type: 'query-status' | 'query-event'): SubscriptionStatusFacts {
  return {
    baseUrl: ctx.baseUrl, subscriptionId: id, topic: row.topic, status: row.status, type, eventsSinceStart: Number(row.last_event_number),
    error: row.error ?? undefined,
  };
}

async function statusOf(ctx: FhirContext, target: OperationTarget): Promise<FhirResponse> {
  const id = target.id!;
  const row = await ownedState(ctx, id);
  const status = subscriptionStatus(factsOf(ctx, id, row, 'query-status'), [], row.spec.content);
  const bundle: Bundle = {
    resourceType: 'Bundle', type: 'searchset', total: 1,
    entry: [{ fullUrl: `urn:uuid:${status.id}`, resource: status, search: { mode: 'match' } }],
  };
  return { status: 200, body: bundle };
}

async function eventsOf(input: OperationInput, ctx: FhirContext, target: OperationTarget): Promise<FhirResponse> {
  const id = target.id!;
  const row = await ownedState(ctx, id);
  const since = eventNumber(input.string('eventsSinceNumber'), 'eventsSinceNumber') ?? 1;
  const until = eventNumber(input.string('eventsUntilNumber'), 'eventsUntilNumber');
  const content = (input.string('content') ?? row.spec.content) as PayloadContent;
  if (!['empty', 'id-only', 'full-resource'].includes(content)) throw badRequest('content must be empty, id-only or full-resource', ['content']);
  // The caller is the owner (or an administrator): what they may read with this token is what they get.
  const events = await loadEvents(ctx.repo, (ctx.access ?? systemAccess()).policy, id, since - 1, until, MAX_EVENTS);
  const bundle = notificationBundle(factsOf(ctx, id, row, 'query-event'), events.filter((e) => e.visible), content, new Date());
  return { status: 200, body: bundle };
}

function eventNumber(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw badRequest(`${name} must be an event number`, [name]);
  return Number(text);
}
