/**
 * Subscription delivery survives the death of the server process delivering it: a real server process (WORKERS=1,
 * `server/src/main.ts`, its background work delivering) on this file's database is killed (SIGKILL) while its POST of
 * event 1 is in flight; a new process started on the same database sends event 1 again — same number, same content —
 * then 2 and 3, in order. Nothing is lost; duplicates are only the at-least-once kind. Writes go through this file's
 * in-process server, so the notifications travel between processes through PostgreSQL alone.
 */
import type { Resource, Subscription } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { NotificationReceiver, waitUntil } from '../support/notification-receiver';
import { startServerProcess, stopLeftoverServerProcesses, type ServerProcess } from '../support/server-process';
import { startTestServer, TEST_BASE_URL, TestServer } from '../support/test-server';

jest.setTimeout(300_000); // two real server starts on a machine shared with other tests

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

let a: TestServer;
let receiver: NotificationReceiver;
let b: ServerProcess | undefined;

const startDeliveringProcess = () => startServerProcess({
  DATABASE_URL: a.pool.options.connectionString!, BASE_URL: TEST_BASE_URL, AUTH: '', DEMO: '0', WORKERS: '1',
  SUBSCRIPTION_POLL_MS: '100', SUBSCRIPTION_BACKOFF_MS: '100', SUBSCRIPTION_BACKOFF_MAX_MS: '500',
}, { compiled: false });

beforeAll(async () => {
  a = await startTestServer();
  receiver = new NotificationReceiver();
  await receiver.start();
  b = await startDeliveringProcess();
});

afterAll(async () => {
  if (b && b.child.exitCode === null && b.child.signalCode === null) {
    b.child.kill('SIGTERM');
    await b.exited();
  }
  await stopLeftoverServerProcesses();
  await receiver.stop();
  await a.close();
});

test('a process killed mid-delivery: the next one sends the same events again, in order, with the same numbers and content', async () => {
  let hold = true;
  receiver.answer('/hook', (n) => (n.type === 'event-notification' && hold ? 'hold' : 200));
  const subscription = {
    resourceType: 'Subscription', status: 'requested', reason: 'restart', criteria: 'http://iop-fhir.org/fhir/SubscriptionTopic/questionnaire-response-completed',
    channel: {
      type: 'rest-hook', endpoint: `${receiver.origin}/hook`, payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'full-resource' }] },
      extension: [{ url: `${BACKPORT}/backport-max-count`, valuePositiveInt: 1 }],
    },
  } as Subscription;
  const id = (await a.http.post('/fhir/Subscription').send(subscription).expect(201)).body.id as string;
  await waitUntil(async () => (await a.http.get(`/fhir/Subscription/${id}`)).body.status === 'active', 'activation by the other process', 60_000);
  const patient = await createResource(a, { resourceType: 'Patient', name: [{ family: 'Restart' }] });
  for (const text of ['first', 'second', 'third']) {
    await createResource(a, { resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: `Patient/${patient}` }, item: [{ linkId: text, text }] } as Resource);
  }
  await receiver.waitFor('/hook', (r) => r.some((n) => n.type === 'event-notification'), 'the first delivery', 60_000);

  b!.child.kill('SIGKILL');
  await b!.exited();
  hold = false;
  receiver.release(200); // to a connection no one is listening on any more
  b = await startDeliveringProcess();

  const received = await receiver.waitFor('/hook', (r) => r.some((n) => n.eventNumbers.includes(3)), 'event 3 from the new process', 60_000);
  const events = received.filter((n) => n.type === 'event-notification');
  expect(events.map((n) => n.eventNumbers)).toEqual([[1], [1], [2], [3]]);
  const focus = (i: number) => events[i].bundle.entry!.slice(1);
  expect(focus(1)).toEqual(focus(0));
  expect(events.slice(1).map((_, i) => (focus(i + 1)[0].resource as { item: { text: string }[] }).item[0].text)).toEqual(['first', 'second', 'third']);
  expect((await a.http.get(`/fhir/Subscription/${id}`)).body.status).toBe('active');
});
