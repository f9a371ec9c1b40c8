/**
 * The implementation-guide pages at /fhir/profiles/: an index and a page per profile, extension and terminology
 * resource, public (no token), HTML-escaped, and 404 as an OperationOutcome for what is not there.
 */
import request from 'supertest';
import { startTestServer, TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const get = (url: string) => request(server.app).get(url);

test('the index lists every profile, extension, template, search parameter and terminology resource, without a token', async () => {
  const res = await get('/fhir/profiles/');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
  for (const href of ['/fhir/profiles/iop-patient', '/fhir/profiles/iop-session-attendance', '/fhir/profiles/minutes-attended',
    '/fhir/profiles/Questionnaire/phq-9', '/fhir/profiles/SearchParameter/level-of-care', '/fhir/profiles/ValueSet/level-of-care',
    '/fhir/profiles/CodeSystem/cpt-iop-subset', '/fhir/profiles/ConceptMap/session-type-to-medicare']) {
    expect(res.text).toContain(`href="${href}"`);
  }
  expect((await get('/fhir/profiles')).status).toBe(200);
});

test('a profile page shows its constrained elements, bindings, extensions, invariants and examples', async () => {
  const res = await get('/fhir/profiles/iop-session-attendance');
  expect(res.status).toBe(200);
  expect(res.text).toContain('IOP Session Attendance');
  expect(res.text).toContain('<code>Encounter.extension:minutesAttended</code>');
  expect(res.text).toContain('href="/fhir/profiles/minutes-attended"');
  expect(res.text).toMatch(/required binding: <a href="\/fhir\/profiles\/ValueSet\/session-type">IOP Session Type<\/a>/);
  expect(res.text).toContain('<code>iop-att-2</code>');
  expect(res.text).toContain('<h3>Encounter/ana-attendance-2025-03-03</h3>');
  expect(res.text).toContain('href="/fhir/StructureDefinition/iop-session-attendance"');
});

test('a profile is also found by its name; text is escaped', async () => {
  const res = await get('/fhir/profiles/IopTreatmentGoal');
  expect(res.status).toBe(200);
  expect(res.text).toContain('(e.g. &#60; 10)');
  expect(res.text).not.toContain('(e.g. < 10)');
});

test('terminology and template pages', async () => {
  const valueSet = await get('/fhir/profiles/ValueSet/level-of-care');
  expect(valueSet.status).toBe(200);
  expect(valueSet.text).toContain('href="/fhir/profiles/CodeSystem/asam-level-of-care-3"');
  const cpt = await get('/fhir/profiles/CodeSystem/cpt-iop-subset');
  expect(cpt.text).toContain('NOT included');
  expect(cpt.text).toContain('<code>90853</code>');
  const map = await get('/fhir/profiles/ConceptMap/hcpcs-to-revenue-code');
  expect(map.text).toContain('<code>G0410</code>');
  const phq9 = await get('/fhir/profiles/Questionnaire/phq-9');
  expect(phq9.text).toContain('Little interest or pleasure in doing things');
});

test('an unknown page is a 404 OperationOutcome', async () => {
  for (const url of ['/fhir/profiles/no-such-profile', '/fhir/profiles/ValueSet/no-such-set', '/fhir/profiles/Patient/ana-rivera']) {
    const res = await get(url);
    expect(res.status).toBe(404);
    expect(res.body.resourceType).toBe('OperationOutcome');
    expect(res.body.issue[0].code).toBe('not-found');
  }
});
