/** 42 CFR Part 2 rules as pure functions: the SUD ValueSet as code rules, labels, and Consents read into rules. */
import type { Consent, ValueSet } from '@medplum/fhirtypes';
import { citesPart2, namesRepresentative, readPart2Consent } from '../../server/src/domain/part2-consent';
import { hasSudCode, referencesOf, sudCodeRules, withDisclosureLabel, withPart2Labels } from '../../server/src/domain/part2-labelling';
import { purposeCode } from '../../server/src/domain/purpose-of-use';
import { part2Consent } from '../support/part2-fixtures';

const ICD = 'http://hl7.org/fhir/sid/icd-10-cm';
const valueSet: ValueSet = {
  resourceType: 'ValueSet', status: 'active',
  compose: { include: [{ system: ICD, filter: [{ property: 'concept', op: 'is-a', value: 'F10' }] }, { system: 'http://snomed.info/sct', concept: [{ code: '7200002' }] },
    { system: 'http://loinc.org', filter: [{ property: 'COMPONENT', op: '=', value: 'x' }] }] },
};

test('an is-a filter on ICD-10-CM covers the code and every code below it; other filters are reported, not guessed', () => {
  const { rules, unsupported } = sudCodeRules(valueSet);
  const condition = (system: string, code: string) => ({ resourceType: 'Condition' as const, subject: {}, code: { coding: [{ system, code }] } });
  expect(hasSudCode(condition(ICD, 'F10.239'), rules)).toBe(true);
  expect(hasSudCode(condition(ICD, 'F10'), rules)).toBe(true);
  expect(hasSudCode(condition(ICD, 'F11.20'), rules)).toBe(false);
  expect(hasSudCode(condition('http://snomed.info/sct', '7200002'), rules)).toBe(true);
  expect(hasSudCode(condition('http://other', 'F10.2'), rules)).toBe(false);
  expect(unsupported).toEqual(['http://loinc.org COMPONENT = x']);
});

test('labels raise confidentiality to R (keeping V), keep client labels, and the disclosed copy adds NORDSCLCD once', () => {
  const codes = (r: { meta?: { security?: { code?: string }[] } }) => r.meta!.security!.map((c) => c.code).sort();
  expect(codes(withPart2Labels({ resourceType: 'Observation', status: 'final', code: {}, meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }, { code: 'HIV' }] } })))
    .toEqual(['42CFRPart2', 'HIV', 'R', 'SUD']);
  const v = withPart2Labels({ resourceType: 'DocumentReference', status: 'current', content: [], meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] } });
  expect(codes(v)).toEqual(['42CFRPart2', 'SUD', 'V']);
  expect(codes(withDisclosureLabel(withDisclosureLabel(v)))).toEqual(['42CFRPart2', 'NORDSCLCD', 'SUD', 'V']);
});

test('references are read from the content (not meta), versioned ones too', () => {
  expect(referencesOf({ resourceType: 'Claim', meta: { source: 'Encounter/x' }, patient: { reference: 'Patient/1' }, item: [{ encounter: [{ reference: 'Encounter/2/_history/3' }] }] } as never))
    .toEqual([{ resourceType: 'Patient', id: '1' }, { resourceType: 'Encounter', id: '2' }]);
});

describe('consents', () => {
  test('the base R4 shape is read into a permit; nested denies narrow it; periods become instants', () => {
    const consent = part2Consent('p1', 'Organization/o1', ['HPAYMT', 'HOPERAT']);
    consent.provision!.period = { start: '2026-01-05', end: '2026-12' };
    consent.provision!.provision = [{ type: 'deny', class: [{ system: 'http://hl7.org/fhir/resource-types', code: 'DocumentReference' }] }];
    expect(citesPart2(consent)).toBe(true);
    const read = readPart2Consent(consent);
    expect(read.problems).toEqual([]);
    expect(read.patientId).toBe('p1');
    expect(read.rules).toEqual([
      { effect: 'permit', recipients: ['Organization/o1'], purposes: ['HPAYMT', 'HOPERAT'], start: '2026-01-05T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z', classes: [], labels: [] },
      { effect: 'deny', recipients: [], purposes: [], start: undefined, end: undefined, classes: ['DocumentReference'], labels: [] },
    ]);
  });

  test('an inactive consent permits nothing; a malformed one reports each element', () => {
    expect(readPart2Consent({ ...part2Consent('p1', 'Organization/o1', ['TREAT']), status: 'inactive' }).rules).toEqual([]);
    const bad: Consent = { ...part2Consent('p1', 'Device/1', ['NOPE']), scope: { text: 'x' } };
    bad.provision!.provision = [{ type: 'permit' }];
    bad.provision!.data = [{ meaning: 'instance', reference: { reference: 'Observation/1' } }];
    const read = readPart2Consent(bad);
    expect(read.rules).toEqual([]);
    expect(read.problems.map((p) => p.expression).sort()).toEqual([
      'Consent.provision.actor', 'Consent.provision.actor[0].reference', 'Consent.provision.data', 'Consent.provision.provision[0].type',
      'Consent.provision.purpose', 'Consent.provision.purpose[0]', 'Consent.scope',
    ]);
  });

  test('a consent that does not cite Part 2 is not one of ours', () => {
    expect(citesPart2({ ...part2Consent('p', 'Organization/o', ['TREAT']), policy: [{ uri: 'https://example.org/hipaa' }] })).toBe(false);
    expect(citesPart2({ ...part2Consent('p', 'Organization/o', ['TREAT']), policy: undefined, policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' }] } })).toBe(true);
  });
});

test('purposes of use in plain and UDAP B2B forms', () => {
  expect(purposeCode('HPAYMT')).toBe('HPAYMT');
  expect(purposeCode('urn:oid:2.16.840.1.113883.5.8#TREAT')).toBe('TREAT');
  expect(purposeCode('http://terminology.hl7.org/CodeSystem/v3-ActReason#HOPERAT')).toBe('HOPERAT');
  expect(purposeCode('urn:oid:1.2.3#TREAT')).toBeUndefined();
  expect(purposeCode('PAYMENT')).toBeUndefined();
});

test('a representative is whom an active consent of that patient names for power of attorney (PWATRNY), within its period', () => {
  const now = new Date('2026-06-15T12:00:00Z');
  const proxy = 'RelatedPerson/rp1';
  const named = (purposes: string[], extra: Partial<Consent> = {}) => [part2Consent('p1', proxy, purposes, extra)];
  expect(namesRepresentative(named(['PWATRNY']), 'p1', proxy, now)).toBe(true);
  expect(namesRepresentative(named(['FAMRQT']), 'p1', proxy, now)).toBe(false); // receives records, does not act for the patient
  expect(namesRepresentative(named(['PWATRNY']), 'p2', proxy, now)).toBe(false); // another patient's consent
  expect(namesRepresentative(named(['PWATRNY']), 'p1', 'RelatedPerson/rp2', now)).toBe(false);
  expect(namesRepresentative(named(['PWATRNY'], { status: 'inactive' }), 'p1', proxy, now)).toBe(false);
  const within = (start: string, end: string) => {
    const [consent] = named(['PWATRNY']);
    return [{ ...consent, provision: { ...consent.provision!, period: { start, end } } }];
  };
  expect(namesRepresentative(within('2026-01-01', '2026-12-31'), 'p1', proxy, now)).toBe(true);
  expect(namesRepresentative(within('2026-01-01', '2026-06-14'), 'p1', proxy, now)).toBe(false);
  expect(namesRepresentative(within('2026-06-16', '2026-12-31'), 'p1', proxy, now)).toBe(false);
});
