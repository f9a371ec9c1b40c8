/**
 * The audit trail: an AuditEvent for every FHIR interaction and authorization event (who, client, patient,
 * action, query, outcome, source IP), written in the write's own transaction, searchable by administrators,
 * immutable through the API and in the database, and hash-chained so tampering is found by $verify-audit-chain.
 */
import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { canonicalJson, GENESIS_HASH } from '../../server/src/audit/audit-chain';
import { runBrowserFlow } from '../support/auth-browser';
import { APP_REDIRECT, Clinic, createClinic, PASSWORD } from '../support/auth-fixtures';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Clinic;
let asA: TestAgent;

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createClinic(server);
  asA = await server.as('launch/patient patient/*.cruds', { patient: clinic.patientA, username: clinic.users.patientA });
});
afterAll(() => server.close());

async function auditEvents(query: string): Promise<AuditEvent[]> {
  const res = await server.http.get(`/fhir/AuditEvent?${query}`);
  expect(res.status).toBe(200);
  return ((res.body as Bundle).entry ?? []).map((e) => e.resource as AuditEvent);
}

const subtype = (e: AuditEvent) => e.subtype?.[0]?.code;

type ChainResult = { parameter: { name: string; valueBoolean?: boolean; valueInteger?: number; valueString?: string }[] };

async function verifyChain(on: TestServer): Promise<ChainResult> {
  return (await on.http.post('/fhir/$verify-audit-chain')).body as ChainResult;
}

function chainParam(result: ChainResult, name: string) {
  return result.parameter.find((p) => p.name === name);
}

/** What a database superuser could do: one statement with one of audit_event's triggers switched off. */
async function withTriggerDisabled(on: TestServer, trigger: string, statement: string, params: unknown[] = []): Promise<void> {
  const superuser = new Client({ connectionString: (on.pool as unknown as { options: { connectionString: string } }).options.connectionString });
  await superuser.connect();
  try {
    await superuser.query(`ALTER TABLE audit_event DISABLE TRIGGER ${trigger}`);
    await superuser.query(statement, params);
    await superuser.query(`ALTER TABLE audit_event ENABLE TRIGGER ${trigger}`);
  } finally {
    await superuser.end();
  }
}

describe('every FHIR interaction is recorded', () => {
  test('a read: who (user and client), which patient, what, the outcome and the source address', async () => {
    await asA.get(`/fhir/Observation/${clinic.observationA}`).set('X-Forwarded-For', '203.0.113.9');
    const [event] = await auditEvents(`entity=Observation/${clinic.observationA}&subtype=read&_count=1`);
    expect(event.action).toBe('R');
    expect(event.outcome).toBe('0');
    expect(event.type?.code).toBe('rest');
    const user = event.agent.find((a) => a.requestor);
    expect(user?.who?.reference).toBe(`Patient/${clinic.patientA}`);
    expect(user?.network?.address).toEqual(expect.any(String));
    const app = event.agent.find((a) => a.who?.identifier?.system === 'urn:iop-fhir:client');
    expect(app?.who?.identifier?.value).toBe('test-app');
    expect(event.entity?.map((e) => e.what?.reference)).toEqual(expect.arrayContaining([`Patient/${clinic.patientA}`, `Observation/${clinic.observationA}`]));
  });

  test('a search records its query', async () => {
    await asA.get('/fhir/Observation?code=glucose&_count=5');
    const [event] = await auditEvents(`patient=${clinic.patientA}&subtype=search-type&_count=1`);
    const query = event.entity?.find((e) => e.query);
    expect(query?.description).toMatch(/^GET Observation\?code=glucose&_count=5/);
    expect(Buffer.from(query!.query!, 'base64').toString()).toBe(query!.description);
    expect(event.action).toBe('E');
  });

  test('a refused request is recorded with a failure outcome', async () => {
    const res = await asA.get(`/fhir/Observation/${clinic.observationB}`);
    expect(res.status).toBe(404);
    const [event] = await auditEvents(`entity=Observation/${clinic.observationB}&outcome=4&_count=1`);
    expect(event.outcomeDesc).toMatch(/not found/);
  });

  test('a write and its AuditEvent commit together; a refused write leaves only the failure event', async () => {
    const created = await asA.post('/fhir/Observation').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Observation', status: 'final', code: { text: 'mood' }, subject: { reference: `Patient/${clinic.patientA}` } });
    expect(created.status).toBe(201);
    const { rows } = await server.pool.query(`SELECT action, outcome FROM audit_event WHERE entities @> ARRAY[$1]`, [`Observation/${created.body.id}`]);
    expect(rows).toEqual([{ action: 'C', outcome: '0' }]);
    const refused = await asA.post('/fhir/Observation').set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Observation', status: 'final', code: { text: 'not mine' }, subject: { reference: `Patient/${clinic.patientB}` } });
    expect(refused.status).toBe(403);
    const [failure] = await auditEvents(`patient=${clinic.patientB}&action=C&_count=1`);
    expect(failure.outcome).toBe('4');
  });

  test('a transaction records one event per entry plus the Bundle; a failed one records only the failure', async () => {
    const ok = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'tx-1' }, subject: { reference: `Patient/${clinic.patientA}` } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'tx-2' }, subject: { reference: `Patient/${clinic.patientA}` } }, request: { method: 'POST', url: 'Observation' } },
      ],
    });
    expect(ok.status).toBe(200);
    const ids = ok.body.entry.map((e: { response: { location: string } }) => e.response.location.split('/_history')[0]);
    const { rows } = await server.pool.query(`SELECT count(*)::int AS n FROM audit_event WHERE entities && $1::text[]`, [ids]);
    expect(rows[0].n).toBe(2);
    const bundleEvents = await auditEvents('subtype=transaction&_count=5');
    expect(bundleEvents.length).toBeGreaterThan(0);
    const before = (await server.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    const failed = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Observation', status: 'final', code: { text: 'tx-3' }, subject: { reference: `Patient/${clinic.patientA}` } }, request: { method: 'POST', url: 'Observation' } },
        { request: { method: 'GET', url: 'Observation/does-not-exist' } },
      ],
    });
    expect(failed.status).toBe(404);
    const added = await server.pool.query(`SELECT subtype FROM (SELECT content->'subtype'->0->>'code' AS subtype, outcome FROM audit_event ORDER BY seq OFFSET $1) e`, [before]);
    expect(added.rows.map((r) => r.subtype).sort()).toEqual(['read', 'transaction']);
  });

  test('authorization events: a failed and a successful login, and the token, are recorded', async () => {
    await runBrowserFlow(server.app, { clientId: clinic.clients.public, redirectUri: APP_REDIRECT, scope: 'openid patient/*.rs launch/patient', username: clinic.users.patientB, password: 'wrong' });
    const flow = await runBrowserFlow(server.app, { clientId: clinic.clients.public, redirectUri: APP_REDIRECT, scope: 'openid patient/*.rs launch/patient', username: clinic.users.patientB, password: PASSWORD });
    expect(flow.code).toBeDefined();
    const logins = await auditEvents('type=110114&subtype=login:password&_count=10');
    expect(logins.map((e) => e.outcome)).toEqual(expect.arrayContaining(['0', '4']));
    const approved = await auditEvents(`type=110114&patient=${clinic.patientB}&_count=10`);
    expect(approved.map(subtype)).toEqual(expect.arrayContaining(['authorize:authorization_code']));
  });
});

describe('searching the trail', () => {
  test('AuditEvent?patient=&date= finds the events of a patient in a time window, newest first, paged', async () => {
    const start = new Date(Date.now() - 60_000).toISOString();
    await asA.get(`/fhir/Patient/${clinic.patientA}`);
    await asA.get(`/fhir/Patient/${clinic.patientA}`);
    const res = await server.http.get(`/fhir/AuditEvent?patient=${clinic.patientA}&date=ge${start}&_count=2`);
    expect(res.status).toBe(200);
    expect(res.body.entry).toHaveLength(2);
    const times = res.body.entry.map((e: { resource: AuditEvent }) => e.resource.recorded);
    expect([...times].sort().reverse()).toEqual(times);
    const next = res.body.link.find((l: { relation: string }) => l.relation === 'next');
    expect(next.url).toMatch(/_cursor=/);
    const future = await auditEvents(`patient=${clinic.patientA}&date=gt2999-01-01`);
    expect(future).toEqual([]);
  });

  test('_summary=count and _count=0 give the total only; _total=accurate adds it to a page', async () => {
    // Up to now: each of these searches is itself audited (it names the patient), after this instant.
    const query = `patient=${clinic.patientA}&date=le${new Date().toISOString()}`;
    const all = await auditEvents(`${query}&_count=1000`);
    expect(all.length).toBeGreaterThan(0);
    const counted = await server.http.get(`/fhir/AuditEvent?${query}&_summary=count`).expect(200);
    expect(counted.body.total).toBe(all.length);
    expect(counted.body).not.toHaveProperty('entry'); // R4 JSON: no empty arrays
    const zero = await server.http.get(`/fhir/AuditEvent?${query}&_count=0`).expect(200);
    expect(zero.body.total).toBe(all.length);
    const page = await server.http.get(`/fhir/AuditEvent?${query}&_count=1&_total=accurate`).expect(200);
    expect(page.body.entry).toHaveLength(1);
    expect(page.body.total).toBe(all.length);
    expect((await server.http.get('/fhir/AuditEvent?_count=-1')).status).toBe(400);
  });

  test('an AuditEvent can be read by id; unknown search parameters are refused', async () => {
    const [event] = await auditEvents('_count=1');
    const read = await server.http.get(`/fhir/AuditEvent/${event.id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(event.id);
    expect((await server.http.get('/fhir/AuditEvent?colour=blue')).status).toBe(400);
  });

  test('only administrators may search it', async () => {
    const clinician = await server.as('user/*.cruds', { username: clinic.users.clinician });
    expect((await clinician.get('/fhir/AuditEvent')).status).toBe(403);
    const admin = await server.as('user/*.rs openid', { username: clinic.users.admin });
    expect((await admin.get('/fhir/AuditEvent?_count=1')).status).toBe(200);
  });
});

describe('immutability and the hash chain', () => {
  test('AuditEvents cannot be created, updated or deleted through the API, even by an admin', async () => {
    const [event] = await auditEvents('_count=1');
    const create = await server.http.post('/fhir/AuditEvent').set('Content-Type', 'application/fhir+json').send({ ...event, id: undefined });
    const update = await server.http.put(`/fhir/AuditEvent/${event.id}`).set('Content-Type', 'application/fhir+json').send({ ...event, outcome: '12' });
    const remove = await server.http.delete(`/fhir/AuditEvent/${event.id}`);
    for (const res of [create, update, remove]) {
      expect(res.status).toBe(405);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
  });

  test('the database refuses UPDATE, DELETE and TRUNCATE of audit events', async () => {
    await expect(server.pool.query(`UPDATE audit_event SET outcome = '12' WHERE seq = (SELECT min(seq) FROM audit_event)`)).rejects.toThrow(/append-only/);
    await expect(server.pool.query('DELETE FROM audit_event')).rejects.toThrow(/append-only/);
    await expect(server.pool.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
  });

  test('$verify-audit-chain proves the chain; tampering by a database superuser breaks it where it happened', async () => {
    const valid = await server.http.get('/fhir/$verify-audit-chain');
    expect(valid.status).toBe(200);
    expect(chainParam(valid.body, 'valid')?.valueBoolean).toBe(true);
    expect(chainParam(valid.body, 'verified')?.valueInteger).toBeGreaterThan(10);

    const { rows: [target] } = await server.pool.query('SELECT chain_pos, seq FROM audit_chain ORDER BY chain_pos LIMIT 1 OFFSET 5');
    await withTriggerDisabled(server, 'audit_event_no_update',
      `UPDATE audit_event SET content = jsonb_set(content, '{outcome}', '"12"'), outcome = '12' WHERE seq = $1`, [target.seq]);
    const broken = await verifyChain(server);
    expect(chainParam(broken, 'valid')?.valueBoolean).toBe(false);
    expect(chainParam(broken, 'brokenAt')?.valueInteger).toBe(Number(target.chain_pos));
  });

  test('only administrators may verify the chain', async () => {
    expect((await asA.get('/fhir/$verify-audit-chain')).status).toBe(403);
  });
});

describe('the audit chain table (its own database: the tampering above breaks the chain)', () => {
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer();
    await own.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient' }).expect(201);
  }, 60_000);
  afterAll(() => own.close());

  test('the chain itself refuses UPDATE, DELETE and TRUNCATE, and an event slipped in past the sealing queue is found outside the chain', async () => {
    expect(chainParam(await verifyChain(own), 'valid')?.valueBoolean).toBe(true); // seals what is queued
    await expect(own.pool.query(`UPDATE audit_chain SET hash = 'x' WHERE chain_pos = 1`)).rejects.toThrow(/append-only/);
    await expect(own.pool.query('DELETE FROM audit_chain')).rejects.toThrow(/append-only/);
    await expect(own.pool.query('TRUNCATE audit_chain')).rejects.toThrow(/append-only/);
    await withTriggerDisabled(own, 'audit_event_to_seal', `INSERT INTO audit_event (id, recorded, type_code, action, outcome, content)
      VALUES (gen_random_uuid(), now(), 'rest', 'R', '0', '{"resourceType":"AuditEvent"}')`);
    const result = await verifyChain(own);
    expect(chainParam(result, 'valid')).toMatchObject({ valueBoolean: false });
    expect(chainParam(result, 'problem')?.valueString).toMatch(/outside the chain/);
  });
});

describe('links sealed before migration 088 (format 1, hashed over canonical JSON in the server)', () => {
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer();
  }, 60_000);
  afterAll(() => own.close());

  test('still verify next to format 2 links, and a change to their event is found where it happened', async () => {
    expect(chainParam(await verifyChain(own), 'valid')?.valueBoolean).toBe(true);
    await own.http.post('/fhir/Patient').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Patient' }).expect(201);
    // Seal what is queued as the sealer before migration 088 did: canonical JSON of the columns, format 1.
    const { rows: [last] } = await own.pool.query<{ chain_pos: string; hash: string }>('SELECT chain_pos, hash FROM audit_chain ORDER BY chain_pos DESC LIMIT 1');
    const { rows: events } = await own.pool.query(`WITH taken AS (DELETE FROM audit_unsealed RETURNING seq)
      SELECT e.seq, e.id, e.recorded, e.type_code, e.action, e.outcome, e.agent, e.client_id, e.patients, e.entities, e.source_ip, e.content
        FROM taken JOIN audit_event e USING (seq) ORDER BY e.seq`);
    expect(events.length).toBeGreaterThan(0);
    let previous = last?.hash ?? GENESIS_HASH; // a new database: the first links are these
    let position = Number(last?.chain_pos ?? 0);
    for (const { seq, ...columns } of events) {
      const hash = createHash('sha256').update(`${previous}\n${canonicalJson(columns)}`, 'utf8').digest('hex');
      await own.pool.query('INSERT INTO audit_chain (chain_pos, seq, prev_hash, hash, format) VALUES ($1, $2, $3, $4, 1)', [++position, seq, previous, hash]);
      previous = hash;
    }
    await own.http.get('/fhir/metadata').expect(200); // a format 2 link after them
    const valid = await verifyChain(own);
    expect(chainParam(valid, 'valid')?.valueBoolean).toBe(true);
    expect(chainParam(valid, 'verified')?.valueInteger).toBeGreaterThanOrEqual(position);

    const target = position - events.length + 1;
    await withTriggerDisabled(own, 'audit_event_no_update', `UPDATE audit_event SET outcome = '8' WHERE seq = (SELECT seq FROM audit_chain WHERE chain_pos = $1)`, [target]);
    const broken = await verifyChain(own);
    expect(chainParam(broken, 'valid')?.valueBoolean).toBe(false);
    expect(chainParam(broken, 'brokenAt')?.valueInteger).toBe(target);
  });
});

describe('server administration operations are registered operations, for administrators only', () => {
  test('the CapabilityStatement lists $verify-audit-chain (system) and SearchParameter/$reindex with their definitions', async () => {
    const rest = (await server.anonymous.get('/fhir/metadata')).body.rest[0];
    expect(rest.operation).toContainEqual({ name: 'verify-audit-chain', definition: 'http://iop-fhir.org/fhir/OperationDefinition/verify-audit-chain' });
    const searchParameter = rest.resource.find((r: { type: string }) => r.type === 'SearchParameter');
    expect(searchParameter.operation).toContainEqual({ name: 'reindex', definition: 'http://iop-fhir.org/fhir/OperationDefinition/reindex' });
  });

  test('a clinician\'s user/ token and a patient/ token are refused (403), no token is 401, an administrator client passes', async () => {
    const refused = [await server.as('user/*.cruds', { fhirUser: `Practitioner/${clinic.practitioner}` }), asA];
    for (const agent of refused) {
      expect((await agent.get('/fhir/$verify-audit-chain')).status).toBe(403);
      expect((await agent.post('/fhir/SearchParameter/$reindex?resourceType=Patient')).status).toBe(403);
      expect((await agent.get('/fhir/SearchParameter/$reindex?job=1')).status).toBe(403);
    }
    expect((await server.anonymous.get('/fhir/$verify-audit-chain')).status).toBe(401);
    expect((await server.anonymous.post('/fhir/SearchParameter/$reindex')).status).toBe(401);
    expect((await server.http.get('/fhir/$verify-audit-chain')).status).toBe(200);
  });
});
