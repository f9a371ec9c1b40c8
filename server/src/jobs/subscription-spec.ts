/**
 * What a Subscription (backport profile on R4) asks for, read and checked when it is written: a topic we publish,
 * filter criteria our search engine can evaluate on the topic's resource type with the topic's allowed parameters,
 * a rest-hook channel to an http(s) endpoint, and a payload content mode. Anything else is refused (422) before the
 * write commits, so a stored Subscription is always one delivery can carry out.
 */
import { groupParameters } from '../fhir/request-text';
import type { Extension, Subscription } from '@medplum/fhirtypes';
import { findTopic, SUBSCRIPTION_TOPICS } from '../domain/subscription-topics';
import { FhirError, unprocessable } from '../errors';
import { parseSearchQuery } from '../search/parse-search';
import type { SearchRequest } from '../search/search-request';
import { buildWhere } from '../search/search-sql';

export const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
export const FILTER_CRITERIA = `${BACKPORT}/backport-filter-criteria`;
export const PAYLOAD_CONTENT = `${BACKPORT}/backport-payload-content`;
export const HEARTBEAT_PERIOD = `${BACKPORT}/backport-heartbeat-period`;
export const MAX_COUNT = `${BACKPORT}/backport-max-count`;
export const TIMEOUT = `${BACKPORT}/backport-timeout`;
/** Some IGs (and older drafts) name the topic in this extension instead of in `criteria`. */
const TOPIC_CANONICAL_SUFFIX = '/backport-topic-canonical';

export type PayloadContent = 'empty' | 'id-only' | 'full-resource';
const CONTENTS = new Set<PayloadContent>(['empty', 'id-only', 'full-resource']);
const PAYLOAD_TYPES = new Set(['application/fhir+json', 'application/json']);
/** Each filter is one more condition evaluated on every matching write. */
const MAX_FILTERS = 10;

/** The stored form (subscription_state.spec): plain JSON. */
export interface SubscriptionSpec {
  topic: string;
  resourceType: string;
  /** Each a query string over `resourceType` (without `Type?`); a resource must match all of them. */
  filters: string[];
  endpoint: string;
  /** `Name: value` pairs from channel.header. */
  headers: [string, string][];
  payloadType: string;
  content: PayloadContent;
  heartbeatSeconds?: number;
  /** Events per notification. */
  maxCount: number;
  timeoutSeconds?: number;
}

export const DEFAULT_MAX_COUNT = 20;

export function readSubscriptionSpec(subscription: Subscription): SubscriptionSpec {
  const topicUrl = subscription.criteria?.trim()
    || subscription.extension?.find((e) => e.url.endsWith(TOPIC_CANONICAL_SUFFIX))?.valueCanonical;
  if (!topicUrl) throw unprocessable('Subscription.criteria must be the canonical URL of a SubscriptionTopic', ['Subscription.criteria']);
  const topic = findTopic(topicUrl);
  if (!topic) {
    throw unprocessable(`Unknown SubscriptionTopic ${topicUrl}; this server publishes: ${SUBSCRIPTION_TOPICS.map((t) => t.url).join(', ')}`, ['Subscription.criteria']);
  }
  const criteriaExtensions = (subscription as Subscription & { _criteria?: { extension?: Extension[] } })._criteria?.extension ?? [];
  const filterTexts = criteriaExtensions.filter((e) => e.url === FILTER_CRITERIA).map((e) => e.valueString ?? '');
  if (filterTexts.length > MAX_FILTERS) throw unprocessable(`At most ${MAX_FILTERS} filter criteria`, ['Subscription.criteria']);
  const filters = filterTexts.map((text) => checkFilter(text, topic.resourceType, topic.filterParameters));
  const channel = subscription.channel;
  if (channel?.type !== 'rest-hook') throw unprocessable(`Only the rest-hook channel is supported, not ${channel?.type ?? 'none'}`, ['Subscription.channel.type']);
  const endpoint = checkEndpoint(channel.endpoint);
  const headers = (channel.header ?? []).map(checkHeader);
  const payloadType = channel.payload ?? 'application/fhir+json';
  if (!PAYLOAD_TYPES.has(payloadType)) throw unprocessable(`Payload ${payloadType} is not supported: use application/fhir+json`, ['Subscription.channel.payload']);
  const payloadExtensions = (channel as typeof channel & { _payload?: { extension?: Extension[] } })._payload?.extension ?? [];
  const content = (payloadExtensions.find((e) => e.url === PAYLOAD_CONTENT)?.valueCode ?? 'id-only') as PayloadContent;
  if (!CONTENTS.has(content)) throw unprocessable(`Payload content must be empty, id-only or full-resource, not ${content}`, ['Subscription.channel.payload']);
  const channelExtension = (url: string) => channel.extension?.find((e) => e.url === url);
  const heartbeatSeconds = positive(channelExtension(HEARTBEAT_PERIOD), 'heartbeat period');
  const maxCount = positive(channelExtension(MAX_COUNT), 'max count') ?? DEFAULT_MAX_COUNT;
  const timeoutSeconds = positive(channelExtension(TIMEOUT), 'timeout');
  return {
    topic: topic.url, resourceType: topic.resourceType, filters, endpoint, headers, payloadType, content, heartbeatSeconds, maxCount, timeoutSeconds,
  };
}

/** A filter as a SearchRequest (the spec was checked on write; a SearchParameter removed since then fails here). */
export function filterRequest(resourceType: string, filter: string): SearchRequest {
  return parseSearchQuery(resourceType, queryOf(filter));
}

/** `Type?a=1&b=2` (or just `a=1&b=2`) → the query part, checked against the topic. */
function checkFilter(text: string, resourceType: string, allowed: string[]): string {
  const question = text.indexOf('?');
  const type = question >= 0 ? text.slice(0, question) : resourceType;
  const query = question >= 0 ? text.slice(question + 1) : text;
  if (type !== resourceType) throw unprocessable(`Filter criteria "${text}" must be on ${resourceType}, the topic's resource type`, ['Subscription.criteria']);
  const parsed = queryOf(query);
  if (Object.keys(parsed).length === 0) throw unprocessable(`Filter criteria "${text}" has no parameters`, ['Subscription.criteria']);
  for (const name of Object.keys(parsed)) {
    const code = name.split(':')[0];
    if (code !== '_id' && !allowed.includes(code)) {
      throw unprocessable(`Filter parameter ${name} is not allowed for this topic; allowed: _id, ${allowed.join(', ')}`, ['Subscription.criteria']);
    }
  }
  let request: SearchRequest;
  try {
    request = parseSearchQuery(resourceType, parsed);
    if (request.unknown.length > 0) {
      throw unprocessable(`Filter criteria "${text}" cannot be evaluated: ${request.unknown.map((u) => `${u} (${request.unknownReasons[u] ?? 'unknown'})`).join(', ')}`, ['Subscription.criteria']);
    }
    buildWhere(request);
  } catch (err) {
    if (err instanceof FhirError && err.status === 422) throw err;
    throw unprocessable(`Filter criteria "${text}" cannot be evaluated: ${err instanceof FhirError ? err.message : 'invalid'}`, ['Subscription.criteria']);
  }
  return query;
}

function queryOf(query: string): Record<string, string[]> {
  return groupParameters(new URLSearchParams(query));
}

function checkEndpoint(endpoint: string | undefined): string {
  let url: URL;
  try {
    url = new URL(endpoint ?? '');
  } catch {
    throw unprocessable('Subscription.channel.endpoint must be an absolute http(s) URL', ['Subscription.channel.endpoint']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unprocessable('Subscription.channel.endpoint must be an http(s) URL', ['Subscription.channel.endpoint']);
  return url.toString();
}

function checkHeader(header: string): [string, string] {
  const match = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+):\s*([^\r\n]*)$/.exec(header);
  if (!match) throw unprocessable(`Channel header "${header}" must be "Name: value"`, ['Subscription.channel.header']);
  return [match[1], match[2]];
}

function positive(extension: Extension | undefined, what: string): number | undefined {
  if (!extension) return undefined;
  const value = extension.valueUnsignedInt ?? extension.valuePositiveInt ?? extension.valueInteger;
  if (!Number.isInteger(value) || value! < 1) throw unprocessable(`The ${what} must be a positive whole number`, ['Subscription.channel.extension']);
  return value;
}
