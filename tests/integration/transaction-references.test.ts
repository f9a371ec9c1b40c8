/**
 * Reference rules of R4 http.html#trules for transactions: fullUrls are replaced in narrative links too
 * ("Replacing hyperlinks and full-urls": `<a href>` and `<img src>`), and a reference carrying the
 * resolve-as-version-specific extension becomes a reference to the version the transaction writes
 * ("Version specific references and updates"), the extension removed.
 */
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const FHIR_JSON = 'application/fhir+json';
const VERSION_SPECIFIC = 'http://hl7.org/fhir/StructureDefinition/resolve-as-version-specific';
const post = (bundle: object) => server.http.post('/fhir').set('Content-Type', FHIR_JSON).send(bundle);
const read = async (location: string) => (await server.http.get(`/fhir/${location.replace(/\/_history\/\d+$/, '')}`)).body;
const xhtml = (body: string) => `<div xmlns="http://www.w3.org/1999/xhtml">${body}</div>`;
const pinned = (reference: string) => ({ reference, extension: [{ url: VERSION_SPECIFIC, valueBoolean: true }] });

const PATIENT = 'urn:uuid:0b3c0a5e-8f1e-4c57-9a51-2f0c1b9d7e01';
const IMAGE = 'urn:uuid:0b3c0a5e-8f1e-4c57-9a51-2f0c1b9d7e02';
const OBSERVATION = 'urn:uuid:0b3c0a5e-8f1e-4c57-9a51-2f0c1b9d7e03';

describe('R4 http.html#trules: urn:uuid fullUrls are replaced in narrative <a href> and <img src>', () => {
  test('links in DomainResource.text and Composition.section.text become the new absolute URLs; other text stays', async () => {
    const res = await post({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { fullUrl: PATIENT, resource: { resourceType: 'Patient', name: [{ family: 'Narrative' }] }, request: { method: 'POST', url: 'Patient' } },
        { fullUrl: IMAGE, resource: { resourceType: 'Binary', contentType: 'image/png', data: 'iVBORw0KGgo=' }, request: { method: 'POST', url: 'Binary' } },
        {
          resource: {
            resourceType: 'Composition', status: 'final', type: { text: 'note' }, date: '2026-01-05', title: 'Note',
            author: [{ reference: PATIENT }], subject: { reference: PATIENT },
            text: { status: 'generated', div: xhtml(`<p>See <a href="${PATIENT}">the patient</a>, <a href='${PATIENT}#name'>the name</a> and <img src="${IMAGE}" alt="scan"/>; id ${PATIENT} as text; <a title="${PATIENT}">no link</a></p>`) },
            section: [{ title: 'Findings', text: { status: 'generated', div: xhtml(`<p><a href="${PATIENT}">patient</a> <a href="urn:uuid:not-in-this-bundle">elsewhere</a></p>`) } }],
          },
          request: { method: 'POST', url: 'Composition' },
        },
      ],
    });
    expect(res.status).toBe(200);
    const [patient, image, composition] = res.body.entry.map((e: { response: { location: string } }) => e.response.location);
    const patientUrl = `${server.baseUrl}/${patient.replace(/\/_history\/\d+$/, '')}`;
    const imageUrl = `${server.baseUrl}/${image.replace(/\/_history\/\d+$/, '')}`;
    const stored = await read(composition);
    expect(stored.text.div).toBe(xhtml(`<p>See <a href="${patientUrl}">the patient</a>, <a href='${patientUrl}#name'>the name</a> and <img src="${imageUrl}" alt="scan"/>; id ${PATIENT} as text; <a title="${PATIENT}">no link</a></p>`));
    expect(stored.section[0].text.div).toBe(xhtml(`<p><a href="${patientUrl}">patient</a> <a href="urn:uuid:not-in-this-bundle">elsewhere</a></p>`));
    expect(stored.subject.reference).toBe(patient.replace(/\/_history\/\d+$/, ''));
  });
});

describe('R4 http.html#trules: resolve-as-version-specific pins a reference to the version the transaction writes', () => {
  test('to a created resource (version 1) and to an updated one (its new version), the extension removed', async () => {
    await server.http.put('/fhir/Patient/pin-me').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'pin-me', name: [{ family: 'Before' }] }).expect(201);
    const res = await post({
      resourceType: 'Bundle', type: 'transaction', entry: [
        {
          // POST runs before PUT (transaction order), yet its reference names the version the PUT will write
          resource: {
            resourceType: 'Provenance', recorded: '2026-01-05T10:00:00Z', agent: [{ who: { display: 'importer' } }],
            target: [pinned('Patient/pin-me'), pinned(OBSERVATION), { reference: 'Patient/pin-me' }],
          },
          request: { method: 'POST', url: 'Provenance' },
        },
        { fullUrl: OBSERVATION, resource: { resourceType: 'Observation', status: 'final', code: { text: 'pinned' }, subject: { reference: 'Patient/pin-me' } }, request: { method: 'POST', url: 'Observation' } },
        { resource: { resourceType: 'Patient', id: 'pin-me', name: [{ family: 'After' }] }, request: { method: 'PUT', url: 'Patient/pin-me' } },
      ],
    });
    expect(res.status).toBe(200);
    const [provenance, observation] = res.body.entry.map((e: { response: { location: string } }) => e.response.location);
    expect(res.body.entry[2].response.etag).toBe('W/"2"');
    const stored = await read(provenance);
    expect(stored.target).toEqual([{ reference: 'Patient/pin-me/_history/2' }, { reference: observation }, { reference: 'Patient/pin-me' }]);
    expect(observation).toMatch(/^Observation\/[0-9a-f-]{36}\/_history\/1$/);
    // the pinned version is the one the update wrote
    expect((await server.http.get(`/fhir/${stored.target[0].reference}`)).body.name[0].family).toBe('After');
  });

  test('a conditional create that matches pins the version it found; valueBoolean false leaves the reference as it is', async () => {
    await server.http.put('/fhir/Patient/pin-found').set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id: 'pin-found', identifier: [{ system: 'urn:test', value: 'pin-found' }] }).expect(201);
    await server.http.put('/fhir/Patient/pin-found').set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id: 'pin-found', identifier: [{ system: 'urn:test', value: 'pin-found' }], active: true }).expect(200);
    const res = await post({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { fullUrl: PATIENT, resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test', value: 'pin-found' }] }, request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:test|pin-found' } },
        {
          resource: {
            resourceType: 'Provenance', recorded: '2026-01-05T10:00:00Z', agent: [{ who: { display: 'importer' } }],
            target: [pinned(PATIENT), { reference: PATIENT, extension: [{ url: VERSION_SPECIFIC, valueBoolean: false }] }],
          },
          request: { method: 'POST', url: 'Provenance' },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.entry[0].response.status).toBe('200');
    expect((await read(res.body.entry[1].response.location)).target).toEqual([{ reference: 'Patient/pin-found/_history/2' }, { reference: 'Patient/pin-found' }]);
  });

  test('a marked reference to a resource the transaction does not write fails it (the spec allows the error), naming the entry', async () => {
    const provenances = async () => (await server.pool.query(`SELECT count(*)::int AS n FROM resource WHERE resource_type = 'Provenance'`)).rows[0].n;
    const before = await provenances();
    const res = await post({
      resourceType: 'Bundle', type: 'transaction', entry: [
        { resource: { resourceType: 'Patient', name: [{ family: 'Unrelated' }] }, request: { method: 'POST', url: 'Patient' } },
        {
          resource: { resourceType: 'Provenance', recorded: '2026-01-05T10:00:00Z', agent: [{ who: { display: 'importer' } }], target: [pinned('Patient/pin-me')] },
          request: { method: 'POST', url: 'Provenance' },
        },
      ],
    });
    expect([res.status, res.body.resourceType]).toEqual([400, 'OperationOutcome']);
    expect(res.body.issue[0].diagnostics).toMatch(/Entry 1: Patient\/pin-me is marked resolve-as-version-specific/);
    expect(await provenances()).toBe(before);
  });

  test('in a batch the extension is not interpreted (it is for transactions only)', async () => {
    const res = await post({
      resourceType: 'Bundle', type: 'batch', entry: [{
        resource: { resourceType: 'Provenance', recorded: '2026-01-05T10:00:00Z', agent: [{ who: { display: 'importer' } }], target: [pinned('Patient/pin-me')] },
        request: { method: 'POST', url: 'Provenance' },
      }],
    });
    expect(res.body.entry[0].response.status).toBe('201');
    expect((await read(res.body.entry[0].response.location)).target).toEqual([pinned('Patient/pin-me')]);
  });
});
