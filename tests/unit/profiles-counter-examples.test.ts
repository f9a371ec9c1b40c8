/**
 * Counter-examples: each takes a valid example from profiles/examples/, breaks one rule of its profile, and must
 * fail @medplum/core validation against that profile with the issue that names the rule, and nothing else; and the
 * server's validator (validateFully, our own profile checker) must reject it with 422 for that reason. Where the
 * server finds more (medplum does not check extensions against their definitions), `server` lists what it finds.
 */
import '../../server/src/polyfills';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { loadConformance } from '../../server/src/conformance/load-conformance';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { validateFully } from '../../server/src/validation/validate-resource';

const ROOT = path.join(__dirname, '../..');
const SD = 'http://iop-fhir.org/fhir/StructureDefinition/';

function readFolder(folder: string): Resource[] {
  const dir = path.join(ROOT, folder);
  return readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => JSON.parse(readFileSync(path.join(dir, n), 'utf8')) as Resource);
}

const definitions = readFolder('profiles').filter((r): r is StructureDefinition => r.resourceType === 'StructureDefinition');
const byId = new Map([...readFolder('profiles/examples'), ...readFolder('profiles/questionnaires')].map((r) => [`${r.resourceType}/${r.id}`, r]));

beforeAll(() => {
  loadFhirDefinitions();
  indexStructureDefinitionBundle({ resourceType: 'Bundle', type: 'collection', entry: definitions.map((resource) => ({ resource })) } as Bundle);
  loadConformance();
});

type AnyResource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function example(ref: string): AnyResource {
  const resource = byId.get(ref);
  if (!resource) throw new Error(`no example ${ref}`);
  return structuredClone(resource) as AnyResource;
}

function errors(resource: AnyResource): string[] {
  const profile = definitions.find((sd) => sd.url === resource.meta?.profile?.[0]);
  if (!profile) throw new Error(`counter-example ${resource.resourceType} claims no known profile`);
  let issues: OperationOutcomeIssue[];
  try {
    issues = validateResource(resource as Resource, { profile });
  } catch (err) {
    if (!(err instanceof OperationOutcomeError)) throw err;
    issues = err.outcome.issue ?? [];
  }
  return issues.filter((i) => i.severity === 'error').map((i) => `${i.details?.text} @ ${i.expression?.join(',')}`);
}

const withoutExtension = (resource: AnyResource, id: string) => {
  resource.extension = resource.extension.filter((e: { url: string }) => e.url !== `${SD}${id}`);
  return resource;
};
const extensionOf = (resource: AnyResource, id: string) => resource.extension.find((e: { url: string }) => e.url === `${SD}${id}`);

interface CounterExample {
  name: string;
  build: () => AnyResource;
  /** The error(s) expected, each matched against "<message> @ <path>"; no other error may occur. */
  expected: RegExp | RegExp[];
  /** What the server's validator reports, where it differs from medplum's (FHIRPath paths, extension definitions). */
  server?: RegExp[];
}

const cases: CounterExample[] = [
  { name: 'IOP Patient without an identifier', expected: /Missing required property @ Patient\.identifier/,
    build: () => { const p = example('Patient/ana-rivera'); delete p.identifier; return p; } },
  { name: 'IOP Patient whose name has neither family nor text', expected: /iop-pat-1/,
    build: () => { const p = example('Patient/ana-rivera'); p.name = [{ given: ['Ana'] }]; return p; } },
  { name: 'IOP Program without the 42 CFR Part 2 flag',
    expected: [/expected 2\.\.\*, but found 1 @ HealthcareService\.extension/, /slice 'part2Program': expected 1\.\.1, but found 0/],
    build: () => withoutExtension(example('HealthcareService/sud-iop-evening'), 'part2-program') },
  { name: 'IOP Program without a location', expected: /Missing required property @ HealthcareService\.location/,
    build: () => { const p = example('HealthcareService/adult-php'); delete p.location; return p; } },
  { name: 'finished Enrollment without a discharge reason', expected: /iop-enr-1/,
    build: () => withoutExtension(example('EpisodeOfCare/ana-php-enrollment'), 'discharge-reason') },
  { name: 'step-down Enrollment that does not name the previous enrollment', expected: /iop-enr-2/,
    build: () => withoutExtension(example('EpisodeOfCare/ana-iop-enrollment'), 'previous-episode') },
  { name: 'Enrollment without a level of care', expected: /slice 'levelOfCare': expected 1\.\.1, but found 0/,
    build: () => withoutExtension(example('EpisodeOfCare/ana-iop-enrollment'), 'level-of-care') },
  { name: 'session-level Appointment that lists a patient', expected: /iop-gsa-1/,
    build: () => { const a = example('Appointment/group-session-2025-03-03'); a.participant.push({ actor: { reference: 'Patient/ana-rivera' }, status: 'accepted' }); return a; } },
  { name: 'session-level Appointment without a facilitator', expected: /iop-gsa-2/,
    build: () => { const a = example('Appointment/group-session-2025-03-03'); a.participant = a.participant.slice(1); return a; } },
  { name: "patient's Appointment marked noshow without a reason", expected: /iop-psa-2/,
    build: () => { const a = example('Appointment/ana-session-2025-03-03'); a.status = 'noshow'; return a; } },
  { name: "patient's Appointment naming two patients", expected: /iop-psa-1/,
    build: () => { const a = example('Appointment/ana-session-2025-03-03'); a.participant.push({ actor: { reference: 'Patient/other' }, status: 'accepted' }); return a; } },
  { name: 'session Encounter that is partOf another', expected: /Encounter\.partOf/,
    build: () => { const e = example('Encounter/group-session-encounter-2025-03-03'); e.partOf = { reference: 'Encounter/x' }; return e; } },
  { name: 'session Encounter without a session type', expected: /Missing required property @ Encounter\.serviceType/,
    build: () => { const e = example('Encounter/group-session-encounter-2025-03-03'); delete e.serviceType; return e; } },
  { name: 'Attendance without minutes attended', expected: /slice 'minutesAttended': expected 1\.\.1, but found 0/,
    build: () => withoutExtension(example('Encounter/ana-attendance-2025-03-03'), 'minutes-attended') },
  { name: 'Attendance of 2000 minutes', expected: /iop-att-4/, server: [/iop-minutes-1 .* @ Encounter\.extension\[0\]$/, /iop-att-4/],
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); extensionOf(e, 'minutes-attended').valueInteger = 2000; return e; } },
  { name: 'Attendance with minutes as text', expected: /iop-att-4/,
    server: [/Type string is not allowed here \(allowed: integer\) @ Encounter\.extension\[0\]\.value\.ofType\(string\)/, /iop-att-4/],
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); const m = extensionOf(e, 'minutes-attended'); delete m.valueInteger; m.valueString = '45'; return e; } },
  { name: 'Attendance at a group session that is not partOf the session Encounter', expected: /iop-att-2/,
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); delete e.partOf; return e; } },
  { name: 'Attendance with status planned (absences belong on the Appointment)', expected: /iop-att-1/,
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); e.status = 'planned'; return e; } },
  { name: 'Attendance with length in hours', expected: /iop-att-3/,
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); e.length = { value: 0.75, unit: 'h', system: 'http://unitsofmeasure.org', code: 'h' }; return e; } },
  { name: 'Attendance outside an enrollment', expected: /Missing required property @ Encounter\.episodeOfCare/,
    build: () => { const e = example('Encounter/ana-attendance-2025-03-03'); delete e.episodeOfCare; return e; } },
  { name: 'Treatment Plan without the treatment-plan category', expected: /slice 'treatmentPlan': expected 1\.\.1, but found 0/,
    build: () => { const c = example('CarePlan/ana-iop-treatment-plan'); c.category = [{ text: 'Plan' }]; return c; } },
  { name: 'Treatment Plan with intent order', expected: /did not match expected pattern @ CarePlan\.intent/,
    build: () => { const c = example('CarePlan/ana-iop-treatment-plan'); c.intent = 'order'; return c; } },
  { name: 'Treatment Plan without a next review date', expected: /slice 'nextReviewDate': expected 1\.\.1, but found 0/,
    build: () => withoutExtension(example('CarePlan/ana-iop-treatment-plan'), 'next-review-date') },
  { name: 'Treatment Plan without goals', expected: /Missing required property @ CarePlan\.goal/,
    build: () => { const c = example('CarePlan/ana-iop-treatment-plan'); delete c.goal; return c; } },
  { name: 'Treatment Goal without a measurable target', expected: /Missing required property @ Goal\.target/,
    build: () => { const g = example('Goal/ana-phq9-goal'); delete g.target; return g; } },
  { name: 'Treatment Goal target without a due date', expected: /Missing required property @ Goal\.target\[0\]\.due\[x\]/,
    server: [/Missing required property @ Goal\.target\[0\]\.due$/],
    build: () => { const g = example('Goal/ana-phq9-goal'); delete g.target[0].dueDate; return g; } },
  { name: 'Score Observation of 30 for the PHQ-9 (max 27)', expected: /iop-score-1/,
    build: () => { const o = example('Observation/ana-phq9-score-2025-03-03'); o.valueInteger = 30; return o; } },
  { name: 'Score Observation without the survey category', expected: /slice 'survey': expected 1\.\.1, but found 0/,
    build: () => { const o = example('Observation/ana-phq9-score-2025-03-03'); o.category = [{ text: 'Assessment' }]; return o; } },
  { name: 'Score Observation as a Quantity', expected: /iop-score-2/,
    server: [/Type Quantity is not allowed here \(allowed: integer\) @ Observation\.value\.ofType\(Quantity\)/, /iop-score-2/],
    build: () => { const o = example('Observation/ana-phq9-score-2025-03-03'); delete o.valueInteger; o.valueQuantity = { value: 12 }; return o; } },
  { name: 'Score Observation not derived from a response', expected: /Missing required property @ Observation\.derivedFrom/,
    build: () => { const o = example('Observation/ana-phq9-score-2025-03-03'); delete o.derivedFrom; return o; } },
  { name: 'group Session Note without the member-specific section', expected: /iop-note-1/,
    build: () => { const c = example('Composition/ana-group-note-2025-03-03'); c.section = c.section.slice(0, 1); return c; } },
  { name: 'Session Note without an encounter', expected: /Missing required property @ Composition\.encounter/,
    build: () => { const c = example('Composition/ana-group-note-2025-03-03'); delete c.encounter; return c; } },
  { name: 'Psychotherapy Note not labelled very restricted', expected: /slice 'veryRestricted': expected 1\.\.1, but found 0/,
    build: () => { const d = example('DocumentReference/ana-psychotherapy-note-2025-03-03'); d.meta.security[0].code = 'R'; return d; } },
  { name: 'inactive Risk Flag without an end date', expected: /iop-flag-1/,
    build: () => { const f = example('Flag/ana-item9-flag'); f.status = 'inactive'; return f; } },
  { name: 'IOP Claim of type professional', expected: /did not match expected pattern @ Claim\.type/,
    build: () => { const c = example('Claim/ana-claim-2025-03-03'); c.type.coding[0].code = 'professional'; return c; } },
  { name: 'IOP Claim without a type of bill', expected: /slice 'typeOfBill': expected 1\.\.1, but found 0/,
    build: () => { const c = example('Claim/ana-claim-2025-03-03'); c.supportingInfo = c.supportingInfo.slice(1); return c; } },
  { name: 'IOP Claim line without a revenue code', expected: /Missing required property @ Claim\.item\[0\]\.revenue/,
    build: () => { const c = example('Claim/ana-claim-2025-03-03'); delete c.item[0].revenue; return c; } },
  { name: 'IOP Claim line not tied to an attendance', expected: /Missing required property @ Claim\.item\[0\]\.encounter/,
    build: () => { const c = example('Claim/ana-claim-2025-03-03'); delete c.item[0].encounter; return c; } },
  { name: 'Coverage authorization without units', expected: /iop-cov-1/,
    server: [/iop-cov-1/, /slice 'units': expected 1\.\.1, but found 0 @ Coverage\.extension\[0\]\.extension$/],
    build: () => {
      const c = example('Coverage/ana-medicare-advantage');
      const auth = extensionOf(c, 'authorized-units');
      auth.extension = auth.extension.filter((e: { url: string }) => e.url !== 'units');
      return c;
    } },
  { name: 'Coverage without a payer class', expected: /Missing required property @ Coverage\.type/,
    build: () => { const c = example('Coverage/ana-medicare-advantage'); delete c.type; return c; } },
  { name: 'Assessment Questionnaire without its copyright', expected: /Missing required property @ Questionnaire\.copyright/,
    build: () => { const q = example('Questionnaire/phq-9'); delete q.copyright; return q; } },
  { name: 'Note Template without a note kind', expected: /Missing required property @ Questionnaire\.code/,
    build: () => { const q = example('Questionnaire/group-session-note'); delete q.code; return q; } },
  { name: 'Assessment Response without a subject', expected: /Missing required property @ QuestionnaireResponse\.subject/,
    build: () => { const r = example('QuestionnaireResponse/ana-phq9-2025-03-03'); delete r.subject; return r; } },
];

test.each(cases.map((c) => [c.name, c] as const))('%s fails for that reason only', (_name, counterExample) => {
  const found = errors(counterExample.build());
  const expected = Array.isArray(counterExample.expected) ? counterExample.expected : [counterExample.expected];
  expect(found).toEqual(expected.map((pattern) => expect.stringMatching(pattern)));
});

test.each(cases.map((c) => [c.name, c] as const))('server validator: %s is a 422 for that reason', (_name, counterExample) => {
  const report = validateFully(counterExample.build() as Resource);
  const found = report.issues.filter((i) => i.severity === 'error').map((i) => `${i.details?.text} @ ${i.expression?.join(',')}`);
  const expected = counterExample.server ?? (Array.isArray(counterExample.expected) ? counterExample.expected : [counterExample.expected]);
  expect(report.failureStatus).toBe(422);
  expect(found.sort()).toEqual(expect.arrayContaining(expected.map((pattern) => expect.stringMatching(pattern))));
  expect(found).toHaveLength(expected.length);
});
