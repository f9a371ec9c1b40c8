/**
 * Bulk Data polish without a database: the X-Progress text, `_elements` parsing, and the demo's payer attribution
 * Groups (members = the patients whose Coverage is with that plan, across programs).
 */
import '../../server/src/polyfills';
import type { Coverage, Group } from '@medplum/fhirtypes';
import { buildDemoBundle } from '../../server/src/demo/demo-bundle';
import { demoCalendar } from '../../server/src/demo/demo-calendar';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { elementsForType, parseExportElements } from '../../server/src/jobs/export-elements';
import { exportProgress } from '../../server/src/jobs/export-progress';

describe('exportProgress', () => {
  const job = { status: 'in-progress' as const, types: ['Claim', 'Coverage', 'Encounter', 'Patient'], exported: 120 };
  test.each([
    [0, '0% complete (120 resources written, type 1 of 4)'],
    [1, '25% complete (120 resources written, type 2 of 4)'],
    [3, '75% complete (120 resources written, type 4 of 4)'],
    [4, '99% complete (120 resources written, type 4 of 4)'],
    [9, '99% complete (120 resources written, type 4 of 4)'],
  ])('type index %i → %s', (typeIndex, expected) => {
    expect(exportProgress({ ...job, typeIndex })).toBe(expected);
  });
  test('a waiting job is at 0 %', () => {
    expect(exportProgress({ ...job, status: 'accepted', typeIndex: 0 })).toBe('0% complete (waiting to start)');
  });
});

describe('_elements', () => {
  beforeAll(() => loadFhirDefinitions()); // resource type names come from the R4 definitions
  test('bare names apply to every type, Type.name to that type only', () => {
    const elements = parseExportElements(['status,Observation.code', ' Patient.name ']);
    expect(elementsForType(elements, 'Observation')).toEqual(['status', 'code']);
    expect(elementsForType(elements, 'Patient')).toEqual(['status', 'name']);
    expect(elementsForType(parseExportElements(['Patient.name']), 'Claim')).toEqual([]);
  });
  test.each(['Observation.code.coding', 'Unknown.status', 'Status', ''])('%j is refused or ignored', (value) => {
    if (value === '') expect(parseExportElements([value])).toEqual([]);
    else expect(() => parseExportElements([value])).toThrow();
  });
});

describe('demo payer attribution Groups', () => {
  const bundle = buildDemoBundle(demoCalendar(new Date('2026-11-02T15:00:00Z')));
  const resources = bundle.entry!.map((e) => ({ fullUrl: e.fullUrl!, resource: e.resource! }));
  const groups = resources.filter((r) => r.resource.resourceType === 'Group' && r.resource.name?.includes('attribution')).map((r) => r.resource as Group);
  const coverages = resources.map((r) => r.resource).filter((r): r is Coverage => r.resourceType === 'Coverage');
  const payerUrl = resources.find((r) => r.resource.resourceType === 'Organization' && r.resource.name === 'Prairie Health Plan')!.fullUrl;

  test('one per plan the payer covers, managed by the payer', () => {
    expect(groups.map((g) => g.code!.coding![0].code).sort()).toEqual(['commercial', 'medicaid', 'medicare', 'medicare-advantage']);
    for (const group of groups) expect(group.managingEntity!.reference).toBe(payerUrl);
  });

  test("each lists exactly the patients with that plan's Coverage", () => {
    for (const group of groups) {
      const plan = group.code!.coding![0].code;
      const covered = coverages.filter((c) => c.type!.coding![0].code === plan && c.payor[0].reference === payerUrl).map((c) => c.beneficiary.reference).sort();
      expect(group.member!.map((m) => m.entity.reference).sort()).toEqual(covered);
      expect(covered.length).toBeGreaterThan(0);
    }
  });
});
