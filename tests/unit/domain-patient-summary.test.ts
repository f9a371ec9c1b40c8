/** The patient summary document built from plain resources, without a database: sections, narrative, labels. */
import type { Composition, Condition, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { buildPatientSummary } from '../../server/src/domain/patient-summary';
import { sectionNarrative } from '../../server/src/domain/summary-narrative';

const patient: Patient = { resourceType: 'Patient', id: 'p1', name: [{ given: ['Ana'], family: 'Ruiz' }] };
const condition: Condition = {
  resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/p1' }, code: { text: 'Depression <recurrent> & anxiety' },
  meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }, { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
};
const phq9 = (id: string, date: string): Observation => ({
  resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '44261-6', display: 'PHQ-9 total score' }] },
  subject: { reference: 'Patient/p1' }, effectiveDateTime: date, valueInteger: 12,
});

function build(resources: Resource[]) {
  return buildPatientSummary({
    patient, resources, supporting: [], author: { reference: 'Organization/o1' }, baseUrl: 'http://example.org/fhir',
    now: new Date('2026-11-02T12:00:00Z'), documentId: '00000000-0000-4000-8000-000000000001', compositionId: '00000000-0000-4000-8000-000000000002',
  });
}

test('a narrative escapes what the resources say and stays well-formed XHTML', () => {
  expect(sectionNarrative('Problems', ['a <b> & "c"'])).toBe('<div xmlns="http://www.w3.org/1999/xhtml"><ul><li>a &lt;b&gt; &amp; &quot;c&quot;</li></ul></div>');
  const composition = build([condition]).entry![0].resource as Composition;
  expect(composition.section![0].text!.div).toContain('Depression &lt;recurrent&gt; &amp; anxiety');
});

test('scores are ordered by date, empty sections carry emptyReason, and the date comes from the clock passed in', () => {
  const bundle = build([phq9('o2', '2026-10-15'), phq9('o1', '2026-09-01'), condition]);
  expect(bundle.timestamp).toBe('2026-11-02T12:00:00.000Z');
  const composition = bundle.entry![0].resource as Composition;
  expect(composition.date).toBe('2026-11-02T12:00:00.000Z');
  const results = composition.section!.find((s) => s.code!.coding![0].code === '30954-2')!;
  expect(results.entry!.map((e) => e.reference)).toEqual(['Observation/o1', 'Observation/o2']);
  const allergies = composition.section!.find((s) => s.code!.coding![0].code === '48765-2')!;
  expect(allergies.entry).toBeUndefined();
  expect(allergies.emptyReason!.coding![0].code).toBe('unavailable');
});

test('the document is as confidential as what it lists, and carries its sensitivity labels', () => {
  const composition = build([condition]).entry![0].resource as Composition;
  expect(composition.confidentiality).toBe('R');
  expect(composition.meta!.security!.map((c) => c.code).sort()).toEqual(['PSY', 'R']);
  const plain = build([phq9('o1', '2026-09-01')]).entry![0].resource as Composition;
  expect(plain.confidentiality).toBe('N');
  expect(plain.meta).toBeUndefined();
});
