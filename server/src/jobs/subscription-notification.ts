/**
 * The shapes a subscriber receives (Subscriptions R5 Backport IG, R4): a `subscription-notification` history Bundle
 * whose first entry is the SubscriptionStatus as a Parameters (profile backport-subscription-status-r4), then one
 * entry per event focus as the payload content allows (full-resource: the version that raised the event; id-only:
 * its URL; empty: nothing). Also what $status and $events answer.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import type { PayloadContent } from './subscription-spec';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const STATUS_PROFILE = `${BACKPORT}/backport-subscription-status-r4`;
export const NOTIFICATION_PROFILE = `${BACKPORT}/backport-subscription-notification-r4`;

export type NotificationType = 'handshake' | 'heartbeat' | 'event-notification' | 'query-status' | 'query-event';

export interface NotificationEvent {
  eventNumber: number;
  occurredAt: Date;
  resourceType: string;
  resourceId: string;
  versionId: number;
  /** The version's content; absent when the payload content does not carry it. */
  resource?: Resource;
}

export interface SubscriptionStatusFacts {
  baseUrl: string;
  subscriptionId: string;
  topic: string;
  status: string;
  type: NotificationType;
  eventsSinceStart: number;
  error?: string;
}

export function subscriptionStatus(facts: SubscriptionStatusFacts, events: NotificationEvent[], content: PayloadContent): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `${facts.baseUrl}/Subscription/${facts.subscriptionId}` } },
    { name: 'topic', valueCanonical: facts.topic },
    { name: 'status', valueCode: facts.status },
    { name: 'type', valueCode: facts.type },
    { name: 'events-since-subscription-start', valueString: String(facts.eventsSinceStart) },
    ...events.map((e): ParametersParameter => ({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(e.eventNumber) },
        { name: 'timestamp', valueInstant: e.occurredAt.toISOString() },
        ...(content === 'empty' ? [] : [{ name: 'focus', valueReference: { reference: focusUrl(facts.baseUrl, e) } }]),
      ],
    })),
    ...(facts.error ? [{ name: 'error', valueCodeableConcept: { text: facts.error } }] : []),
  ];
  return { resourceType: 'Parameters', id: randomUUID(), meta: { profile: [STATUS_PROFILE] }, parameter };
}

export function notificationBundle(facts: SubscriptionStatusFacts, events: NotificationEvent[], content: PayloadContent, now: Date): Bundle {
  const status = subscriptionStatus(facts, events, content);
  const statusEntry: BundleEntry = {
    fullUrl: `urn:uuid:${status.id}`,
    resource: status,
    request: { method: 'GET', url: `${facts.baseUrl}/Subscription/${facts.subscriptionId}/$status` },
    response: { status: '200' },
  };
  const focusEntries = content === 'empty' ? [] : events.map((e): BundleEntry => ({
    fullUrl: focusUrl(facts.baseUrl, e),
    ...(content === 'full-resource' && e.resource ? { resource: e.resource } : {}),
    request: e.versionId === 1 ? { method: 'POST', url: e.resourceType } : { method: 'PUT', url: `${e.resourceType}/${e.resourceId}` },
    response: { status: e.versionId === 1 ? '201' : '200' },
  }));
  return {
    resourceType: 'Bundle', id: randomUUID(), meta: { profile: [NOTIFICATION_PROFILE] }, type: 'history', timestamp: now.toISOString(),
    entry: [statusEntry, ...focusEntries],
  };
}

function focusUrl(baseUrl: string, e: NotificationEvent): string {
  return `${baseUrl}/${e.resourceType}/${e.resourceId}`;
}
