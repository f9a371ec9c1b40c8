/**
 * Billing rules are data: the claim lines come from the STORED ConceptMaps, so a PUT of a map changes the next
 * claim on the running server, and a map the server cannot read fails the signing whole (nothing half-written).
 */
import type { Claim, Composition, ConceptMap, ParametersParameter } from '@medplum/fhirtypes';
import { loadConformance } from '../../server/src/conformance/load-conformance';
import { storeConformanceResources } from '../../server/src/conformance/store-conformance';
import { createRepository } from '../../server/src/create-repository';
import { BILLING_MAP_URLS } from '../../server/src/domain/billing-rules-from-maps';
import { readShippedConceptMaps } from '../support/billing-maps-from-files';
import { startTestServer, TestServer } from '../support/test-server';
import {
  countOf, createFixture, dayFromToday, enroll, Fixture, IOP, invoke, output, outputs, params, schedule, searchResources,
  testClock,
} from './iop-fixtures';

let server: TestServer;
let fx: Fixture;
const notesByPatient = new Map<string, string>();
let perDiemMap: ConceptMap;

const json = (req: ReturnType<TestServer['http']['post']>) => req.set('Content-Type', 'application/fhir+json');
const sign = (patient: string) => invoke(server, `${notesByPatient.get(patient)}/$sign`, params({ name: 'signer', valueReference: { reference: `Practitioner/${fx.practitioners[0]}` } }));
const claimCodes = async (patient: string) => (await searchResources<Claim>(server, `Claim?patient=Patient/${patient}`))
  .flatMap((c) => c.item?.map((i) => `${i.productOrService.coding?.[0].code}/${i.revenue?.coding?.[0].code}`) ?? []);

/** The per-diem map with mh-iop billed as `code` instead of S9480. */
function perDiemMapBilling(code: string): ConceptMap {
  const map: ConceptMap = JSON.parse(JSON.stringify(perDiemMap));
  const element = map.group![0].element!.find((e) => e.code === 'mh-iop')!;
  element.target = [{ code, equivalence: 'equivalent' }];
  return map;
}

beforeAll(async () => {
  server = await startTestServer({ clock: testClock });
  fx = await createFixture(server, { patients: 3 });
  for (const patient of fx.patients) {
    const coverage = {
      resourceType: 'Coverage', status: 'active', beneficiary: { reference: `Patient/${patient}` }, payor: [{ reference: `Organization/${fx.org}` }],
      type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: 'commercial' }] },
    };
    expect((await json(server.http.post('/fhir/Coverage')).send(coverage)).status).toBe(201);
    expect((await enroll(server, fx.programs.iop, patient, dayFromToday(-30))).status).toBe(201);
  }
  const day = dayFromToday(-1);
  const scheduled = await schedule(server, fx.programs.iop, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], startTime: '09:00', minutes: 180, from: day, to: day, facilitators: [fx.practitioners[0]] });
  const sessionId = output(scheduled.body, 'session')!.valueReference!.reference!.split('/')[1];
  const present = (patient: string): ParametersParameter => ({ name: 'participant', part: [{ name: 'patient', valueReference: { reference: `Patient/${patient}` } }, { name: 'status', valueCode: 'present' }] });
  const recorded = await invoke(server, `Appointment/${sessionId}/$record-attendance`, params(...fx.patients.map(present)));
  expect(recorded.status).toBe(200);
  const encounter = output(recorded.body, 'sessionEncounter')!.valueReference!.reference!;
  const member = (patient: string): ParametersParameter => ({ name: 'member', part: [
    { name: 'patient', valueReference: { reference: `Patient/${patient}` } },
    { name: 'participation', valueCoding: { system: `${IOP}/CodeSystem/group-participation`, code: 'engaged' } },
    { name: 'response', valueCoding: { system: `${IOP}/CodeSystem/intervention-response`, code: 'receptive' } },
  ] });
  const shared: ParametersParameter = { name: 'shared', part: [
    { name: 'topic', valueString: 'Relapse prevention' },
    { name: 'modality', valueCoding: { system: `${IOP}/CodeSystem/therapy-modality`, code: 'cbt' } },
    { name: 'interventions', valueString: 'Warning-sign review' },
    { name: 'summary', valueString: 'Warning signs and coping plans.' },
  ] };
  const documented = await invoke(server, `${encounter}/$document-group-session`, params(shared, ...fx.patients.map(member)));
  expect(documented.status).toBe(200);
  for (const note of outputs(documented.body, 'note')) notesByPatient.set(note.part![0].valueReference!.reference!.split('/')[1], note.part![1].valueReference!.reference!);
  // The map as shipped in terminology/ (this test database stores no conformance content: the server reads
  // the shipped map until one is stored).
  perDiemMap = readShippedConceptMaps().find((m) => m.id === 'program-to-per-diem-code')!;
  expect(perDiemMap.url).toBe(`${IOP}/ConceptMap/program-to-per-diem-code`);
});
afterAll(() => server.close());

test('as shipped, a commercial MH IOP day is billed S9480 with revenue code 0905', async () => {
  expect((await sign(fx.patients[0])).status).toBe(200);
  expect(await claimCodes(fx.patients[0])).toEqual(['S9480/0905']);
});

test('after a PUT of the per-diem ConceptMap, the next claim uses the new code (and its revenue code from the revenue map)', async () => {
  const put = await json(server.http.put('/fhir/ConceptMap/program-to-per-diem-code')).send(perDiemMapBilling('H0015'));
  expect(put.status).toBe(201);
  expect((await sign(fx.patients[1])).status).toBe(200);
  expect(await claimCodes(fx.patients[1])).toEqual(['H0015/0906']);
  // The claim already written keeps its lines.
  expect(await claimCodes(fx.patients[0])).toEqual(['S9480/0905']);
});

test('a map the server cannot read refuses the signing whole: the note stays a draft and no claim is written', async () => {
  const broken = perDiemMapBilling('S9480');
  broken.group![0].element![0].target![0].dependsOn = [{ property: `${IOP}/CodeSystem/billing-rule-property#payer-klass`, value: 'commercial' }];
  expect((await json(server.http.put('/fhir/ConceptMap/program-to-per-diem-code')).send(broken)).status).toBe(200);
  const claimsBefore = await countOf(server, 'Claim');
  const res = await sign(fx.patients[2]);
  expect(res.status).toBe(500);
  expect(res.body.issue[0].diagnostics).toMatch(/billing rules could not be read.*unknown billing rule property .*payer-klass/);
  expect(((await server.http.get(`/fhir/${notesByPatient.get(fx.patients[2])}`)).body as Composition).status).toBe('preliminary');
  expect(await countOf(server, 'Claim')).toBe(claimsBefore);

  expect((await json(server.http.put('/fhir/ConceptMap/program-to-per-diem-code')).send(perDiemMapBilling('S9480'))).status).toBe(200);
  expect((await sign(fx.patients[2])).status).toBe(200);
  expect(await claimCodes(fx.patients[2])).toEqual(['S9480/0905']);
});

test('the billing maps, their code systems and the outcome Measures pass validation and are stored as at start', async () => {
  const ours = loadConformance().resources.filter((r) => {
    const url = (r as { url?: string }).url ?? '';
    return (r.resourceType === 'ConceptMap' && Object.values(BILLING_MAP_URLS).includes(url as never))
      || r.resourceType === 'Measure'
      || /CodeSystem\/(billing-rule-property|billing-program-kind|claim-model|session-modality|session-feature|service-day-tier)$/.test(url)
      || url.endsWith('/hospital-outpatient/apc');
  });
  expect(ours.length).toBe(9 + 8 + 7); // 8 Measures: six outcome measures, satisfaction and goal attainment
  const result = await storeConformanceResources(createRepository(server.pool), ours);
  expect(result.problems).toEqual([]);
  const measure = (await server.http.get('/fhir/Measure?url=http://iop-fhir.org/fhir/Measure/iop-step-down-rate')).body;
  expect(measure.entry).toHaveLength(1);
});
