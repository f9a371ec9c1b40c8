/**
 * Subscription notification latency: 100 active rest-hook Subscriptions (full-resource) on the encounter-finished
 * topic, a receiver on this machine, and finished Encounters written one after another over HTTP; each write raises
 * one notification per Subscription, and the next write waits until all of them arrived. Latency is from the event's timestamp (the version's meta.lastUpdated, taken in
 * the write's transaction just before it commits) to the notification's arrival at the receiver, on the same clock.
 * BENCH_SUBSCRIPTIONS (default 100) and BENCH_SUBSCRIPTION_WRITES (default 20) size it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FhirClient } from './fhir-client';
import { percentile, round } from './stats';

export interface SubscriptionBenchResult {
  subscriptions: number;
  writes: number;
  notifications: number;
  seconds: number;
  notificationsPerSecond: number;
  latency: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const TOPIC = 'http://iop-fhir.org/fhir/SubscriptionTopic/encounter-finished';
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

export async function runSubscriptionBench(client: FhirClient, log: (line: string) => void): Promise<SubscriptionBenchResult> {
  const subscriptions = Number(process.env.BENCH_SUBSCRIPTIONS ?? 100);
  const writes = Number(process.env.BENCH_SUBSCRIPTION_WRITES ?? 20);
  const latencies: number[] = [];
  let handshakes = 0;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      const bundle = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { entry: { resource: { parameter: Param[] } }[] };
      const parameters = bundle.entry[0].resource.parameter;
      if (parameters.find((p) => p.name === 'type')?.valueCode === 'handshake') handshakes++;
      for (const event of parameters.filter((p) => p.name === 'notification-event')) {
        const timestamp = event.part!.find((p) => p.name === 'timestamp')!.valueInstant!;
        latencies.push(arrived - Date.parse(timestamp));
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
  const ids: string[] = [];
  try {
    for (let i = 0; i < subscriptions; i++) {
      const body = {
        resourceType: 'Subscription', status: 'requested', reason: 'bench', criteria: TOPIC,
        channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'full-resource' }] } },
      };
      ids.push((JSON.parse(await client.request('POST', 'Subscription', JSON.stringify(body), [201])) as { id: string }).id);
    }
    await waitFor(() => handshakes >= subscriptions, 60_000, 'handshakes');
    log(`subscriptions: ${subscriptions} active; writing ${writes} finished Encounters`);
    const patient = JSON.parse(await client.request('POST', 'Patient', JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Bench' }] }), [201])) as { id: string };
    const started = performance.now();
    // One change at a time, each fanned out to every subscription before the next: the latency of a change, not of a
    // backlog.
    for (let i = 0; i < writes; i++) {
      await client.request('POST', 'Encounter', JSON.stringify({
        resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${patient.id}` },
      }), [201]);
      await waitFor(() => latencies.length >= (i + 1) * subscriptions, 60_000, 'notifications');
    }
    const seconds = (performance.now() - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    const result: SubscriptionBenchResult = {
      subscriptions, writes, notifications: latencies.length, seconds: round(seconds, 2),
      notificationsPerSecond: round(latencies.length / seconds, 1), // paced by the waits: not a throughput ceiling
      latency: 'event timestamp (meta.lastUpdated, in the write transaction) to arrival at a local receiver, ms',
      p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1), maxMs: round(sorted[sorted.length - 1], 1),
    };
    log(`notification latency with ${subscriptions} subscriptions: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${result.notifications} notifications in ${result.seconds} s)`);
    return result;
  } finally {
    // Off, so nothing after this phase notifies.
    for (const id of ids) await client.request('DELETE', `Subscription/${id}`, undefined, [200, 204]).catch(() => undefined);
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

interface Param {
  name: string;
  valueCode?: string;
  valueInstant?: string;
  part?: Param[];
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`subscription bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
