/** Subscription topics (when a version triggers them) and how a Subscription is read, without a database. */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { findTopic, SUBSCRIPTION_TOPICS, TOPIC_BASE } from '../../server/src/domain/subscription-topics';
import { FhirError } from '../../server/src/errors';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { readSubscriptionSpec } from '../../server/src/jobs/subscription-spec';

beforeAll(() => loadFhirDefinitions());

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const LEVEL = 'http://iop-fhir.org/fhir/StructureDefinition/level-of-care';
const topic = (name: string) => findTopic(`${TOPIC_BASE}/${name}`)!;
const r = (resourceType: string, fields: Record<string, unknown>) => ({ resourceType, ...fields }) as Resource;

describe('topics', () => {
  test('the five published topics, each on one resource type with filter parameters', () => {
    expect(SUBSCRIPTION_TOPICS.map((t) => t.url.slice(TOPIC_BASE.length + 1))).toEqual([
      'episode-status', 'encounter-finished', 'claim-active', 'risk-flag', 'questionnaire-response-completed',
    ]);
    for (const t of SUBSCRIPTION_TOPICS) expect(t.filterParameters).toContain('patient');
  });

  test('episode-status: admission, status change, level-of-care change, end; not other edits or deletion', () => {
    const t = topic('episode-status');
    const active = r('EpisodeOfCare', { status: 'active', extension: [{ url: LEVEL, valueCodeableConcept: { text: 'PHP' } }] });
    expect(t.triggers(undefined, active)).toBe(true);
    expect(t.triggers(active, r('EpisodeOfCare', { ...active, status: 'finished' }))).toBe(true);
    expect(t.triggers(active, r('EpisodeOfCare', { ...active, extension: [{ url: LEVEL, valueCodeableConcept: { text: 'IOP' } }] }))).toBe(true);
    expect(t.triggers(active, r('EpisodeOfCare', { ...active, period: { end: '2026-06-01' } }))).toBe(true);
    expect(t.triggers(active, r('EpisodeOfCare', { ...active, careManager: { display: 'x' } }))).toBe(false);
    expect(t.triggers(active, undefined)).toBe(false);
  });

  test('status topics fire when the status is reached, once', () => {
    const enc = topic('encounter-finished');
    expect(enc.triggers(undefined, r('Encounter', { status: 'finished' }))).toBe(true);
    expect(enc.triggers(r('Encounter', { status: 'in-progress' }), r('Encounter', { status: 'finished' }))).toBe(true);
    expect(enc.triggers(r('Encounter', { status: 'finished' }), r('Encounter', { status: 'finished', length: { value: 5 } }))).toBe(false);
    expect(enc.triggers(undefined, r('Encounter', { status: 'planned' }))).toBe(false);
    expect(topic('claim-active').triggers(r('Claim', { status: 'draft' }), r('Claim', { status: 'active' }))).toBe(true);
    expect(topic('questionnaire-response-completed').triggers(undefined, r('QuestionnaireResponse', { status: 'in-progress' }))).toBe(false);
  });

  test('risk-flag: an active Flag with risk evidence, not any Flag', () => {
    const t = topic('risk-flag');
    const evidence = [{ url: 'http://iop-fhir.org/fhir/StructureDefinition/risk-evidence', valueReference: { reference: 'Observation/1' } }];
    expect(t.triggers(undefined, r('Flag', { status: 'active', extension: evidence }))).toBe(true);
    expect(t.triggers(undefined, r('Flag', { status: 'active' }))).toBe(false);
    expect(t.triggers(r('Flag', { status: 'active', extension: evidence }), r('Flag', { status: 'inactive', extension: evidence }))).toBe(false);
  });
});

describe('reading a Subscription', () => {
  const base = (extra: Partial<Subscription> = {}): Subscription => ({
    resourceType: 'Subscription', status: 'requested', reason: 'test', criteria: `${TOPIC_BASE}/claim-active`,
    channel: { type: 'rest-hook', endpoint: 'https://payer.example/hook', payload: 'application/fhir+json', header: ['X-Key: abc'] },
    ...extra,
  });

  test('defaults: id-only content, 20 events per notification; headers split', () => {
    expect(readSubscriptionSpec(base())).toMatchObject({
      topic: `${TOPIC_BASE}/claim-active`, resourceType: 'Claim', filters: [], content: 'id-only', maxCount: 20, headers: [['X-Key', 'abc']],
    });
  });

  test('filter criteria are kept as the query of the topic\'s type', () => {
    const spec = readSubscriptionSpec({ ...base(), _criteria: { extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: 'Claim?patient=Patient/1&use=claim' }] } } as Subscription);
    expect(spec.filters).toEqual(['patient=Patient/1&use=claim']);
  });

  test.each([
    ['a header without a colon', base({ channel: { type: 'rest-hook', endpoint: 'https://x.example', header: ['nonsense'] } })],
    ['a relative endpoint', base({ channel: { type: 'rest-hook', endpoint: '/hook' } })],
    ['a zero heartbeat', base({ channel: { type: 'rest-hook', endpoint: 'https://x.example', extension: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 0 }] } })],
    ['a result parameter as filter', { ...base(), _criteria: { extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: 'Claim?_count=5' }] } } as Subscription],
  ])('%s is refused with a 422', (_name, subscription) => {
    let error: unknown;
    try {
      readSubscriptionSpec(subscription);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FhirError);
    expect((error as FhirError).status).toBe(422);
  });
});
