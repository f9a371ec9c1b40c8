/**
 * The 42 CFR Part 2 leak suite (issue 11): a payer's backend client (registered for its organisation, purpose HPAYMT)
 * asks for an SUD patient's records of every kind, by every read path, under each consent situation. Without a
 * consent that permits it now, every record is absent — the same answer as a record that does not exist — and no
 * count, include, chain, _has, history or export reveals it. With a valid consent each record is present and its
 * copy carries NORDSCLCD.
 */
import type { Bundle, Consent } from '@medplum/fhirtypes';
import { createResource } from '../support/auth-fixtures';
import { downloadAll, exportAs } from '../support/bulk-export-client';
import { codesOf, createPart2Clinic, Part2Clinic, part2Consent } from '../support/part2-fixtures';
import { createPart2Records, RECORD_KINDS } from '../support/part2-records';
import { startTestServer, TestAgent, TestServer } from '../support/test-server';

let server: TestServer;
let clinic: Part2Clinic;
let payer: TestAgent;

type Situation = 'no consent' | 'consent for another recipient' | 'another purpose' | 'expired' | 'revoked' | 'deny provision' | 'valid consent';
const SITUATIONS: Situation[] = ['no consent', 'consent for another recipient', 'another purpose', 'expired', 'revoked', 'deny provision', 'valid consent'];
const patients = new Map<Situation, string>();
const records = new Map<Situation, Record<string, string>>();

function consentFor(situation: Situation, patient: string): Consent | undefined {
  const toPayer = `Organization/${clinic.payer}`;
  switch (situation) {
    case 'no consent': return undefined;
    case 'consent for another recipient': return part2Consent(patient, `Organization/${clinic.hie}`, ['HPAYMT']);
    case 'another purpose': return part2Consent(patient, toPayer, ['TREAT']);
    case 'expired': {
      const consent = part2Consent(patient, toPayer, ['HPAYMT']);
      return { ...consent, provision: { ...consent.provision!, period: { start: '2019-01-01', end: '2020-01-01' } } };
    }
    case 'revoked': return { ...part2Consent(patient, toPayer, ['HPAYMT']), status: 'inactive' };
    case 'deny provision': {
      const consent = part2Consent(patient, toPayer, ['HPAYMT', 'HOPERAT']);
      const deny = { type: 'deny' as const, securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }] };
      return { ...consent, provision: { ...consent.provision!, provision: [deny] } };
    }
    case 'valid consent': return part2Consent(patient, toPayer, ['HPAYMT']);
  }
}

beforeAll(async () => {
  server = await startTestServer();
  clinic = await createPart2Clinic(server);
  for (const situation of SITUATIONS) {
    const patient = await createResource(server, { resourceType: 'Patient', name: [{ family: situation }] });
    patients.set(situation, patient);
    records.set(situation, await createPart2Records(server, patient, clinic.sudProgram, clinic.payer));
    const consent = consentFor(situation, patient);
    if (consent) await createResource(server, consent);
  }
  payer = await server.as('system/*.rs', { clientId: clinic.payerClient });
}, 120_000);
afterAll(() => server.close());

const matches = (bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome' && e.resource);

test('every record kind is labelled 42CFRPart2 on write', async () => {
  for (const kind of RECORD_KINDS) {
    const id = records.get('valid consent')![kind.type];
    const stored = (await server.http.get(`/fhir/${kind.type}/${id}`).expect(200)).body;
    expect([kind.type, codesOf(stored)]).toEqual([kind.type, expect.arrayContaining(['42CFRPart2', 'SUD', 'R'])]);
  }
});

/** Each read path: what the payer gets for one record of one patient, reduced to "present" or "absent". */
const PATHS: Record<string, (type: string, param: string, id: string, patient: string) => Promise<'present' | 'absent'>> = {
  read: async (type, _p, id) => ((await payer.get(`/fhir/${type}/${id}`)).status === 200 ? 'present' : 'absent'),
  vread: async (type, _p, id) => ((await payer.get(`/fhir/${type}/${id}/_history/1`)).status === 200 ? 'present' : 'absent'),
  'search by _id': async (type, _p, id) => inBundle(`/fhir/${type}?_id=${id}`, id),
  'search by patient': async (type, param, id, patient) => inBundle(`/fhir/${type}?${param}=Patient/${patient}`, id),
  'POST _search': async (type, param, id, patient) => {
    const res = await payer.post(`/fhir/${type}/_search`).type('form').send(`${param}=Patient/${patient}`);
    return res.status === 200 && matches(res.body).some((e) => e.resource!.id === id) ? 'present' : 'absent';
  },
  _revinclude: async (type, param, id, patient) => inBundle(`/fhir/Patient?_id=${patient}&_revinclude=${type}:${param}`, id),
  _has: async (type, param, id, patient) => inBundle(`/fhir/Patient?_id=${patient}&_has:${type}:${param}:_id=${id}`, patient),
  '_summary=count': async (type, param, _id, patient) => {
    const res = await payer.get(`/fhir/${type}?${param}=Patient/${patient}&_summary=count`).expect(200);
    return res.body.total > 0 ? 'present' : 'absent';
  },
  '_total=accurate': async (type, param, _id, patient) => {
    const res = await payer.get(`/fhir/${type}?${param}=Patient/${patient}&_total=accurate&_count=0`);
    return res.status === 200 && res.body.total > 0 ? 'present' : 'absent';
  },
  'instance history': async (type, _p, id) => {
    const res = await payer.get(`/fhir/${type}/${id}/_history`);
    return res.status === 200 && matches(res.body).length > 0 ? 'present' : 'absent';
  },
  'type history': async (type, _p, id) => inBundle(`/fhir/${type}/_history?_count=1000`, id),
  'compartment search': async (type, _p, id, patient) => inBundle(`/fhir/Patient/${patient}/${type}`, id),
  $everything: async (_t, _p, id, patient) => inBundle(`/fhir/Patient/${patient}/$everything?_count=1000`, id),
  'batch GET': async (type, _p, id) => {
    const res = await payer.post('/fhir').send({ resourceType: 'Bundle', type: 'batch', entry: [{ request: { method: 'GET', url: `${type}/${id}` } }] }).expect(200);
    return res.body.entry[0].response.status.startsWith('200') ? 'present' : 'absent';
  },
};

async function inBundle(path: string, id: string): Promise<'present' | 'absent'> {
  const res = await payer.get(path);
  if (res.status !== 200) return 'absent';
  return matches(res.body as Bundle).some((e) => e.resource!.id === id) ? 'present' : 'absent';
}

describe.each(SITUATIONS)('%s', (situation) => {
  const expected = situation === 'valid consent' ? 'present' : 'absent';
  test.each(Object.keys(PATHS))(`every record kind by %s is ${expected}`, async (path) => {
    const patient = patients.get(situation)!;
    const results: string[] = [];
    for (const kind of RECORD_KINDS) {
      // Compartment search and $everything leave out rosters (a Group names other patients) for everyone.
      if (kind.type === 'Group' && ['compartment search', '$everything'].includes(path)) continue;
      const got = await PATHS[path](kind.type, kind.patientParam, records.get(situation)![kind.type], patient);
      results.push(`${kind.type}: ${got}`);
    }
    expect(results).toEqual(results.map((r) => `${r.split(':')[0]}: ${expected}`));
  });
});

test('with the valid consent every copy carries NORDSCLCD; a deny provision by class withholds only that class', async () => {
  const patient = patients.get('valid consent')!;
  for (const kind of RECORD_KINDS) {
    const read = (await payer.get(`/fhir/${kind.type}/${records.get('valid consent')![kind.type]}`).expect(200)).body;
    expect([kind.type, codesOf(read)]).toEqual([kind.type, expect.arrayContaining(['NORDSCLCD', '42CFRPart2'])]);
  }
  const claimsOnly = part2Consent(patient, `Organization/${clinic.payer}`, ['HOPERAT']);
  await createResource(server, { ...claimsOnly, provision: { ...claimsOnly.provision!, provision: [{ type: 'deny', class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'Claim' }] }] } });
  const operations = await server.as('system/*.rs', { clientId: clinic.payerClient, purpose: 'HOPERAT' });
  expect((await operations.get(`/fhir/Claim/${records.get('valid consent')!.Claim}`)).status).toBe(404);
  expect((await operations.get(`/fhir/Encounter/${records.get('valid consent')!.Encounter}`)).status).toBe(200);
});

test('$export carries the consented patient\'s records (labelled) and nobody else\'s', async () => {
  const types = RECORD_KINDS.map((k) => k.type).join(',');
  const exported = await downloadAll(payer, await exportAs(payer, `/fhir/Patient/$export?_type=${types}`));
  const ids = new Set(exported.map((r) => `${r.resourceType}/${r.id}`));
  for (const situation of SITUATIONS) {
    for (const kind of RECORD_KINDS) {
      const ref = `${kind.type}/${records.get(situation)![kind.type]}`;
      expect([situation, ref, ids.has(ref)]).toEqual([situation, ref, situation === 'valid consent']);
    }
  }
  const consented = new Set(Object.entries(records.get('valid consent')!).map(([type, id]) => `${type}/${id}`));
  const labelled = exported.filter((r) => consented.has(`${r.resourceType}/${r.id}`));
  expect(labelled).toHaveLength(RECORD_KINDS.length);
  expect(labelled.filter((r) => !r.meta?.security?.some((c) => c.code === 'NORDSCLCD'))).toEqual([]);
});

test('IOP operations compute only from what the requester may see: $outcomes counts a score only under the valid consent', async () => {
  for (const situation of SITUATIONS) {
    const res = await payer.get(`/fhir/Patient/${patients.get(situation)}/$outcomes`).expect(200);
    const instruments = (res.body.parameter ?? []).filter((p: { name: string }) => p.name === 'instrument');
    expect([situation, instruments.length]).toEqual([situation, situation === 'valid consent' ? 1 : 0]);
  }
  const all = await server.http.get(`/fhir/Patient/${patients.get('no consent')}/$outcomes`).expect(200);
  expect(all.body.parameter.filter((p: { name: string }) => p.name === 'instrument')).toHaveLength(1); // an administrator sees it
});
