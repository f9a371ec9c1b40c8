/**
 * Topic-based subscriptions (issue 14 item 1; Subscriptions R5 Backport IG on R4), end to end: Subscriptions created
 * over the FHIR API, changes written over it, notifications delivered by the delivery worker to a real HTTP receiver
 * in this file. The cost on the write path, handshake, content modes, filter criteria, order, a failing endpoint (error,
 * then active again), a delivery cut off mid-flight (at-least-once, stable numbers), a worker stopping mid-delivery,
 * owners who may not read a change (and, with a consent, a labelled and audited disclosure), and bad Subscriptions.
 */
import type { Bundle, OperationOutcome, Parameters, Resource, Subscription } from '@medplum/fhirtypes';
import { registerClient } from '../../server/src/auth/clients';
import { createRepository } from '../../server/src/create-repository';
import { DeliveryOptions, pruneSubscriptionEvents, SubscriptionDelivery } from '../../server/src/jobs/subscription-delivery';
import { jwksOf, makeKey } from '../support/auth-keys';
import { createResource } from '../support/auth-fixtures';
import { authServerOf } from '../support/auth-tokens';
import { NotificationReceiver, waitUntil } from '../support/notification-receiver';
import { codesOf, createPart2Clinic, part2Consent } from '../support/part2-fixtures';
import { startTestServer, TestServer, TestAgent } from '../support/test-server';

const TOPICS = 'http://iop-fhir.org/fhir/SubscriptionTopic';
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const FAST: DeliveryOptions = {
  pollMs: 50, backoffBaseMs: 50, backoffMaxMs: 200, errorAfterFailures: 2, requestTimeoutMs: 10_000, batchSize: 16, eventRetentionDays: 7,
};

let server: TestServer;
let receiver: NotificationReceiver;
let worker: SubscriptionDelivery | undefined;
const workerErrors: unknown[] = [];

const startWorker = () => new SubscriptionDelivery(createRepository(server.pool), server.pool, { ...FAST, onError: (err) => workerErrors.push(err) });

beforeAll(async () => {
  server = await startTestServer();
  receiver = new NotificationReceiver();
  await receiver.start();
  worker = startWorker();
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await receiver.stop();
  await server.close();
});

interface SubscriptionOptions {
  filters?: string[];
  content?: 'empty' | 'id-only' | 'full-resource';
  headers?: string[];
  maxCount?: number;
  heartbeat?: number;
  status?: Subscription['status'];
}

function subscription(topic: string, path: string, options: SubscriptionOptions = {}): Subscription {
  return {
    resourceType: 'Subscription', status: options.status ?? 'requested', reason: `test ${path}`,
    criteria: `${TOPICS}/${topic}`,
    ...(options.filters ? { _criteria: { extension: options.filters.map((f) => ({ url: `${BACKPORT}/backport-filter-criteria`, valueString: f })) } } : {}),
    channel: {
      type: 'rest-hook', endpoint: `${receiver.origin}${path}`, payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: options.content ?? 'full-resource' }] },
      ...(options.headers ? { header: options.headers } : {}),
      ...(options.maxCount || options.heartbeat ? {
        extension: [
          ...(options.maxCount ? [{ url: `${BACKPORT}/backport-max-count`, valuePositiveInt: options.maxCount }] : []),
          ...(options.heartbeat ? [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: options.heartbeat }] : []),
        ],
      } : {}),
    },
  } as Subscription;
}

async function subscribe(agent: TestAgent, topic: string, path: string, options: SubscriptionOptions = {}): Promise<string> {
  const res = await agent.post('/fhir/Subscription').send(subscription(topic, path, options));
  expect(res.status).toBe(201);
  const id = (res.body as Subscription).id!;
  await waitUntil(async () => (await agent.get(`/fhir/Subscription/${id}`)).body.status === 'active', `Subscription/${id} active`);
  return id;
}

const patient = (family: string) => createResource(server, { resourceType: 'Patient', name: [{ family }] });
const episode = (patientId: string, status = 'active') => createResource(server, { resourceType: 'EpisodeOfCare', status, patient: { reference: `Patient/${patientId}` } } as Resource);
const focusOf = (bundle: Bundle) => bundle.entry!.slice(1);
const statusParam = (status: Parameters, name: string) => status.parameter!.find((p) => p.name === name);

async function update(resource: Resource): Promise<void> {
  await server.http.put(`/fhir/${resource.resourceType}/${resource.id}`).send(resource).expect(200);
}

async function read<T extends Resource>(type: string, id: string): Promise<T> {
  return (await server.http.get(`/fhir/${type}/${id}`).expect(200)).body as T;
}

describe('the write path', () => {
  test('a write of a type no topic watches costs nothing; of a watched type, one statement while nobody subscribes', async () => {
    const subscriptionStatements = () => server.statements.filter((t) => /subscription_/.test(t)).length;
    server.statements.length = 0;
    const pat = await patient('Quiet');
    expect(subscriptionStatements()).toBe(0);
    await episode(pat);
    expect(subscriptionStatements()).toBe(1);
  });
});

describe('activation', () => {
  test('a requested Subscription is activated by a handshake to its endpoint, with its headers', async () => {
    const id = await subscribe(server.http, 'episode-status', '/handshake', { headers: ['Authorization: Bearer receiver-secret'] });
    const [handshake] = receiver.at('/handshake');
    expect(handshake.type).toBe('handshake');
    expect(handshake.headers.authorization).toBe('Bearer receiver-secret');
    expect(handshake.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(handshake.bundle).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(handshake.status.meta?.profile).toContain(`${BACKPORT}/backport-subscription-status-r4`);
    expect(statusParam(handshake.status, 'subscription')?.valueReference?.reference).toMatch(new RegExp(`/Subscription/${id}$`));
    expect(statusParam(handshake.status, 'topic')?.valueCanonical).toBe(`${TOPICS}/episode-status`);
    expect(statusParam(handshake.status, 'events-since-subscription-start')?.valueString).toBe('0');
  });

  test('a failed handshake leaves the Subscription in error with the reason, and it activates once the endpoint answers', async () => {
    let up = false;
    receiver.answer('/late', () => (up ? 200 : 503));
    const id = (await server.http.post('/fhir/Subscription').send(subscription('claim-active', '/late')).expect(201)).body.id as string;
    await waitUntil(async () => (await read<Subscription>('Subscription', id)).status === 'error', 'error status');
    expect((await read<Subscription>('Subscription', id)).error).toMatch(/Handshake failed: the endpoint answered 503/);
    up = true;
    await waitUntil(async () => (await read<Subscription>('Subscription', id)).status === 'active', 'recovered');
    expect((await read<Subscription>('Subscription', id)).error).toBeUndefined();
  });
});

describe('notifications', () => {
  test('full-resource notifications carry the triggering versions in order, filtered by the criteria', async () => {
    const adam = await patient('Adam');
    const other = await patient('Other');
    const id = await subscribe(server.http, 'episode-status', '/episodes', { filters: [`EpisodeOfCare?patient=Patient/${adam}`] });
    const first = await episode(adam); // admission: event 1
    await episode(other); // another patient: filtered out
    const stored = await read<Resource & { status: string; careManager?: unknown }>('EpisodeOfCare', first);
    await update({ ...stored, careManager: { display: 'Dr. Who' } } as Resource); // not a status change: no event
    await update({ ...stored, status: 'finished', period: { end: '2026-06-01' } } as Resource); // discharge: event 2
    const received = await receiver.waitFor('/episodes', (r) => r.flatMap((n) => n.eventNumbers).length >= 2, 'two events');
    const events = received.filter((n) => n.type === 'event-notification');
    expect(events.flatMap((n) => n.eventNumbers)).toEqual([1, 2]);
    const focus = events.flatMap((n) => focusOf(n.bundle));
    expect(focus.map((e) => (e.resource as { status: string }).status)).toEqual(['active', 'finished']);
    expect(focus.map((e) => e.resource!.meta!.versionId)).toEqual(['1', '3']);
    expect(focus[0].fullUrl).toMatch(new RegExp(`/EpisodeOfCare/${first}$`));
    expect(focus.map((e) => e.request!.method)).toEqual(['POST', 'PUT']);

    const status = (await server.http.get(`/fhir/Subscription/${id}/$status`).expect(200)).body as Bundle;
    const params = status.entry![0].resource as Parameters;
    expect(statusParam(params, 'type')?.valueCode).toBe('query-status');
    expect(statusParam(params, 'status')?.valueCode).toBe('active');
    expect(statusParam(params, 'events-since-subscription-start')?.valueString).toBe('2');

    const since2 = (await server.http.get(`/fhir/Subscription/${id}/$events?eventsSinceNumber=2`).expect(200)).body as Bundle;
    const sinceParams = since2.entry![0].resource as Parameters;
    expect(statusParam(sinceParams, 'type')?.valueCode).toBe('query-event');
    expect(sinceParams.parameter!.filter((p) => p.name === 'notification-event').map((p) => p.part![0].valueString)).toEqual(['2']);
    expect((focusOf(since2)[0].resource as { status: string }).status).toBe('finished');
    const idOnly = (await server.http.get(`/fhir/Subscription/${id}/$events?eventsUntilNumber=1&content=id-only`).expect(200)).body as Bundle;
    expect(focusOf(idOnly).map((e) => [e.fullUrl?.endsWith(`/EpisodeOfCare/${first}`), e.resource])).toEqual([[true, undefined]]);
  });

  test('id-only notifications name the resource without its content; empty ones only count events', async () => {
    const eve = await patient('Eve');
    await subscribe(server.http, 'claim-active', '/claims-id', { content: 'id-only' });
    await subscribe(server.http, 'claim-active', '/claims-empty', { content: 'empty' });
    const claim = await createResource(server, {
      resourceType: 'Claim', status: 'active', use: 'claim', created: '2026-11-02', patient: { reference: `Patient/${eve}` },
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      provider: { display: 'Riverbend' }, priority: { coding: [{ code: 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme' } }],
    } as Resource);
    const [idOnly] = (await receiver.waitFor('/claims-id', (r) => r.some((n) => n.type === 'event-notification'), 'id-only')).filter((n) => n.type === 'event-notification');
    expect(focusOf(idOnly.bundle)).toEqual([expect.objectContaining({ fullUrl: expect.stringMatching(new RegExp(`/Claim/${claim}$`)) })]);
    expect(focusOf(idOnly.bundle)[0].resource).toBeUndefined();
    const [empty] = (await receiver.waitFor('/claims-empty', (r) => r.some((n) => n.type === 'event-notification'), 'empty')).filter((n) => n.type === 'event-notification');
    expect(empty.bundle.entry).toHaveLength(1);
    const event = empty.status.parameter!.find((p) => p.name === 'notification-event')!;
    expect(event.part!.map((p) => p.name)).toEqual(['event-number', 'timestamp']);
  });

  test('a heartbeat is sent when nothing happened for the heartbeat period', async () => {
    await subscribe(server.http, 'risk-flag', '/heartbeat', { heartbeat: 1 });
    await receiver.waitFor('/heartbeat', (r) => r.some((n) => n.type === 'heartbeat'), 'a heartbeat');
  });
});

describe('a failing endpoint', () => {
  test('is retried with backoff, never out of order; the Subscription goes to error with the reason, then back to active', async () => {
    let failing = false;
    receiver.answer('/flaky', (n) => (failing && n.type === 'event-notification' ? 500 : 200));
    const id = await subscribe(server.http, 'encounter-finished', '/flaky', { maxCount: 1 });
    failing = true;
    const pat = await patient('Flaky');
    const encounter = (status: string) => createResource(server, {
      resourceType: 'Encounter', status, class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${pat}` },
    } as Resource);
    await encounter('finished');
    await encounter('finished');
    await waitUntil(async () => (await read<Subscription>('Subscription', id)).status === 'error', 'error status');
    expect((await read<Subscription>('Subscription', id)).error).toMatch(/Delivery failed: the endpoint answered 500/);
    failing = false;
    await receiver.waitFor('/flaky', (r) => r.some((n) => n.eventNumbers.includes(2)), 'event 2 after recovery');
    await waitUntil(async () => (await read<Subscription>('Subscription', id)).status === 'active', 'active again');
    const attempts = receiver.at('/flaky').filter((n) => n.type === 'event-notification').map((n) => n.eventNumbers[0]);
    // Event 1 was retried until it was acknowledged; event 2 never went before it.
    expect(attempts.filter((n) => n === 1).length).toBeGreaterThanOrEqual(3);
    expect(attempts.indexOf(2)).toBeGreaterThan(attempts.lastIndexOf(1));
  });

  test('a delivery cut off mid-flight (the worker\'s process gone) is sent again by the next worker: same numbers, same content', async () => {
    let hold = true;
    receiver.answer('/restart', (n) => (n.type === 'event-notification' && hold ? 'hold' : 200));
    await subscribe(server.http, 'questionnaire-response-completed', '/restart', { maxCount: 1 });
    const pat = await patient('Restart');
    for (const text of ['a', 'b', 'c']) {
      await createResource(server, { resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: `Patient/${pat}` }, item: [{ linkId: text, text }] } as Resource);
    }
    await receiver.waitFor('/restart', (r) => r.some((n) => n.type === 'event-notification'), 'the first delivery');
    // The process dies: its database session goes, and with it the claim (the transaction rolls back).
    const killed = await server.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'idle in transaction' AND query LIKE '%subscription%'`);
    expect(killed.rowCount).toBe(1);
    const stopped = worker!.stop(); // and it starts nothing more
    hold = false;
    receiver.release(200); // the endpoint's answer reaches no one who can record it
    await stopped;
    workerErrors.length = 0; // the dead session's errors, as a crashed process would have logged them
    worker = startWorker(); // a new process resumes
    const received = await receiver.waitFor('/restart', (r) => r.some((n) => n.eventNumbers.includes(3)), 'event 3');
    const events = received.filter((n) => n.type === 'event-notification');
    expect(events.map((n) => n.eventNumbers[0])).toEqual([1, 1, 2, 3]);
    expect(focusOf(events[1].bundle)).toEqual(focusOf(events[0].bundle));
    expect((focusOf(events[3].bundle)[0].resource as { item: { text: string }[] }).item[0].text).toBe('c');
  });
});

describe('stopping', () => {
  test('a worker that stops cuts off its POST in flight without counting it as a failure; the next worker sends it', async () => {
    let hold = true;
    receiver.answer('/stop', (n) => (n.type === 'event-notification' && hold ? 'hold' : 200));
    const id = await subscribe(server.http, 'claim-active', '/stop', { content: 'id-only' });
    const pat = await patient('Stop');
    await createResource(server, {
      resourceType: 'Claim', status: 'active', use: 'claim', created: '2026-11-02', patient: { reference: `Patient/${pat}` },
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
      provider: { display: 'Riverbend' }, priority: { coding: [{ code: 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage: { display: 'Acme' } }],
    } as Resource);
    await receiver.waitFor('/stop', (r) => r.some((n) => n.type === 'event-notification'), 'the held delivery');
    await worker!.stop(); // the endpoint has not answered
    const { rows } = await server.pool.query('SELECT failures, delivered_through, status FROM subscription_state WHERE subscription_id = $1', [id]);
    expect(rows[0]).toEqual({ failures: 0, delivered_through: '0', status: 'active' });
    hold = false;
    worker = startWorker();
    const received = await receiver.waitFor('/stop', (r) => r.filter((n) => n.type === 'event-notification').length >= 2, 'the delivery again');
    expect(received.filter((n) => n.type === 'event-notification').map((n) => n.eventNumbers)).toEqual([[1], [1]]);
  });
});

describe('retention', () => {
  test('delivered events past the retention are removed; pending ones stay', async () => {
    let up = false;
    receiver.answer('/retention', (n) => (n.type === 'event-notification' && !up ? 503 : 200));
    const id = await subscribe(server.http, 'questionnaire-response-completed', '/retention', { maxCount: 1 });
    const pat = await patient('Retention');
    const respond = () => createResource(server, { resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: `Patient/${pat}` } } as Resource);
    up = true;
    await respond();
    await receiver.waitFor('/retention', (r) => r.some((n) => n.eventNumbers.includes(1)), 'event 1');
    await waitUntil(async () => (await server.pool.query('SELECT delivered_through FROM subscription_state WHERE subscription_id = $1', [id])).rows[0].delivered_through === '1', 'event 1 acknowledged');
    up = false;
    await respond(); // event 2 cannot be delivered
    // Retention 0 days: whatever is delivered is past it.
    await pruneSubscriptionEvents(createRepository(server.pool), 0);
    const { rows } = await server.pool.query('SELECT event_number FROM subscription_event WHERE subscription_id = $1 ORDER BY event_number', [id]);
    expect(rows.map((r) => r.event_number)).toEqual(['2']);
    up = true;
    await receiver.waitFor('/retention', (r) => r.some((n) => n.eventNumbers.includes(2)), 'event 2 after all');
  });
});

describe('access', () => {
  test('an owner is never sent what they may not read: Part 2 records without consent, types outside their scopes', async () => {
    const clinic = await createPart2Clinic(server);
    await registerClient(authServerOf(server.app).pool, {
      clientId: 'payer-subscriber', type: 'backend', scope: 'system/EpisodeOfCare.rs system/Subscription.cruds', jwks: jwksOf(makeKey('ES384')),
      organization: `Organization/${clinic.payer}`, purposes: ['HPAYMT'],
    });
    await registerClient(authServerOf(server.app).pool, {
      clientId: 'claims-only', type: 'backend', scope: 'system/Claim.rs system/Subscription.cruds', jwks: jwksOf(makeKey('ES384')),
    });
    const payer = await server.as('system/EpisodeOfCare.rs system/Subscription.cruds', { clientId: 'payer-subscriber' });
    const claimsOnly = await server.as('system/Claim.rs system/Subscription.cruds', { clientId: 'claims-only' });
    const payerSub = await subscribe(payer, 'episode-status', '/payer');
    const narrowSub = await subscribe(claimsOnly, 'episode-status', '/claims-only');
    for (const id of [clinic.sud.episode, clinic.mh.episode]) { // the SUD (42 CFR Part 2) patient first, then the MH one
      const stored = await read<Resource>('EpisodeOfCare', id);
      await update({ ...stored, status: 'finished' } as Resource);
    }
    const received = await receiver.waitFor('/payer', (r) => r.some((n) => n.type === 'event-notification'), 'the MH discharge');
    const delivered = received.filter((n) => n.type === 'event-notification').flatMap((n) => focusOf(n.bundle).map((e) => e.resource!.id));
    expect(delivered).toEqual([clinic.mh.episode]);
    // Its $events shows the same: the Part 2 event is withheld there too.
    const events = (await payer.get(`/fhir/Subscription/${payerSub}/$events`).expect(200)).body as Bundle;
    expect(focusOf(events).map((e) => e.resource!.id)).toEqual([clinic.mh.episode]);
    // The owner without EpisodeOfCare scopes: both events are passed over, none is sent.
    await waitUntil(async () => {
      const { rows } = await server.pool.query(`SELECT s.delivered_through, c.last_event_number FROM subscription_state s
        JOIN subscription_event_counter c USING (subscription_id) WHERE subscription_id = $1`, [narrowSub]);
      return rows[0].last_event_number === '2' && rows[0].delivered_through === '2';
    }, 'the narrow subscription passing over its events');
    expect(receiver.at('/claims-only').map((n) => n.type)).toEqual(['handshake']);
    // Another client may not see a subscription at all (its channel headers hold the receiver's secrets): its
    // events, the resource and its history answer as for an absent one, and searches list only one's own.
    expect((await claimsOnly.get(`/fhir/Subscription/${payerSub}/$events`)).status).toBe(404);
    expect((await claimsOnly.get(`/fhir/Subscription/${payerSub}`)).status).toBe(404);
    expect((await claimsOnly.get(`/fhir/Subscription/${payerSub}/_history/1`)).status).toBe(404);
    const listed = (await claimsOnly.get('/fhir/Subscription?_count=100').expect(200)).body as Bundle;
    expect((listed.entry ?? []).map((e) => e.resource!.id)).toEqual([narrowSub]);
    const systemWide = (await claimsOnly.get('/fhir?_type=Subscription&_count=100').expect(200)).body as Bundle;
    expect((systemWide.entry ?? []).map((e) => e.resource!.id)).toEqual([narrowSub]);
    const stolen = await claimsOnly.put(`/fhir/Subscription/${payerSub}`).send({ ...subscription('episode-status', '/stolen'), id: payerSub });
    expect([403, 404]).toContain(stolen.status);
    expect((await payer.get(`/fhir/Subscription/${payerSub}`).expect(200)).body.channel.endpoint).toMatch(/\/payer$/);
    expect((await server.http.get(`/fhir/Subscription/${narrowSub}`)).status).toBe(200); // administrators see every one

    // Once the SUD patient consents to disclosure to the payer for payment, their records are sent, labelled as
    // disclosed, with the §2.32 notice, audited and in the patient's accounting of disclosures.
    await createResource(server, part2Consent(clinic.sudPatient, `Organization/${clinic.payer}`, ['HPAYMT']));
    const sudEpisode = await read<Resource>('EpisodeOfCare', clinic.sud.episode);
    await update({ ...sudEpisode, status: 'active' } as Resource);
    const [disclosed] = (await receiver.waitFor('/payer', (r) => r.some((n) => focusOf(n.bundle).some((e) => e.resource?.id === clinic.sud.episode)), 'the consented SUD event'))
      .filter((n) => focusOf(n.bundle).some((e) => e.resource?.id === clinic.sud.episode));
    expect(codesOf(focusOf(disclosed.bundle)[0].resource)).toContain('NORDSCLCD');
    expect(disclosed.headers['x-42cfr-part2-notice']).toMatch(/42 CFR part 2/);
    await waitUntil(async () => (await server.pool.query(`SELECT 1 FROM part2_disclosure WHERE patient_id = $1 AND $2 = ANY(resources)`,
      [clinic.sudPatient, `EpisodeOfCare/${clinic.sud.episode}`])).rowCount === 1, 'the accounting of the disclosure');
    const audited = await server.pool.query(`SELECT outcome FROM audit_event WHERE client_id = 'payer-subscriber' AND $1 = ANY(entities)`, [`EpisodeOfCare/${clinic.sud.episode}`]);
    expect(audited.rows.map((r) => r.outcome)).toEqual(['0']);
  });
});

describe('bad Subscriptions', () => {
  const cases: [string, () => Subscription][] = [
    ['an unknown topic', () => ({ ...subscription('episode-status', '/bad'), criteria: `${TOPICS}/no-such-topic` })],
    ['a filter on another resource type', () => subscription('episode-status', '/bad', { filters: ['Encounter?patient=Patient/1'] })],
    ['a filter parameter the topic does not allow', () => subscription('episode-status', '/bad', { filters: ['EpisodeOfCare?care-manager=Practitioner/1'] })],
    ['a filter the server cannot evaluate', () => subscription('claim-active', '/bad', { filters: ['Claim?patient:nonsense=1'] })],
    ['a channel other than rest-hook', () => ({ ...subscription('episode-status', '/bad'), channel: { type: 'websocket' } } as Subscription)],
    ['an endpoint that is not http(s)', () => {
      const s = subscription('episode-status', '/bad');
      return { ...s, channel: { ...s.channel, endpoint: 'ftp://example.org/hook' } };
    }],
    ['an unknown payload content', () => subscription('episode-status', '/bad', { content: 'everything' as never })],
    ['a status only the server sets', () => subscription('episode-status', '/bad', { status: 'active' })],
  ];

  test.each(cases)('%s is refused with an OperationOutcome and nothing is stored', async (_name, make) => {
    const before = (await server.http.get('/fhir/Subscription?_summary=count').expect(200)).body.total as number;
    const res = await server.http.post('/fhir/Subscription').send(make());
    expect([400, 422]).toContain(res.status);
    expect((res.body as OperationOutcome).resourceType).toBe('OperationOutcome');
    expect((await server.http.get('/fhir/Subscription?_summary=count').expect(200)).body.total).toBe(before);
  });

  test('the CapabilityStatement lists the topics and the operations', async () => {
    const metadata = (await server.anonymous.get('/fhir/metadata').expect(200)).body;
    const entry = metadata.rest[0].resource.find((r: { type: string }) => r.type === 'Subscription');
    const topics = entry.extension.filter((e: { url: string }) => e.url === `${BACKPORT}/capabilitystatement-subscriptiontopic-canonical`).map((e: { valueCanonical: string }) => e.valueCanonical);
    expect(topics).toEqual(expect.arrayContaining(['episode-status', 'encounter-finished', 'claim-active', 'risk-flag', 'questionnaire-response-completed'].map((t) => `${TOPICS}/${t}`)));
    expect(entry.operation.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(['status', 'events']));
    expect(workerErrors).toEqual([]);
  });
});
