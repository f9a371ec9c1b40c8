import path from 'node:path';
import { getDataType } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadConformance } from '../../server/src/conformance/load-conformance';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { collectBoundValues } from '../../server/src/validation/collect-bound-values';
import { findProfile } from '../../server/src/validation/profile-registry';
import { validateFully } from '../../server/src/validation/validate-resource';

beforeAll(() => {
  loadFhirDefinitions();
  loadConformance([path.join(__dirname, '../fixtures/terminology'), path.join(__dirname, '../fixtures/profiles')]);
});

/** Deliberately invalid input, typed loosely. */
const asResource = (value: object) => value as unknown as Resource;

const REQUIRED = { strengths: new Set(['required'] as const), extensionStrengths: new Set(['required'] as const) };
const ALL = { strengths: new Set(['required', 'extensible', 'preferred'] as const), extensionStrengths: new Set(['required', 'extensible', 'preferred'] as const) };

function boundPaths(resource: Resource): string[] {
  return collectBoundValues(resource, getDataType(resource.resourceType), REQUIRED).map((v) => v.path);
}

describe('collecting bound values', () => {
  test('choice types get ofType(); nested backbones and datatypes get indexed paths', () => {
    const paths = boundPaths({
      resourceType: 'Claim',
      status: 'active',
      use: 'claim',
      item: [{ sequence: 1, detail: [{ sequence: 1, subDetail: [{ sequence: 1, quantity: { value: 1, comparator: '<' } }] }] }],
      supportingInfo: [{ sequence: 1, category: { text: 'x' }, valueQuantity: { value: 2, comparator: '>' } }],
    } as Resource);
    expect(paths).toEqual(expect.arrayContaining([
      'Claim.status',
      'Claim.use',
      'Claim.item[0].detail[0].subDetail[0].quantity.comparator',
      'Claim.supportingInfo[0].value.ofType(Quantity).comparator',
    ]));
  });

  test('recursive elements (Questionnaire.item.item), contained and Bundle entry resources are walked; extensions are not', () => {
    const paths = boundPaths({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [{ resource: { resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: 'a', type: 'group', item: [{ linkId: 'b', type: 'choice' }] }] } }],
      extension: [{ url: 'urn:x', valueCodeableConcept: { coding: [{ code: 'y' }] } }],
    } as Resource);
    expect(paths).toEqual(['Bundle.type', 'Bundle.entry[0].resource.status', 'Bundle.entry[0].resource.item[0].type', 'Bundle.entry[0].resource.item[0].item[0].type']);
  });

  test('a profile schema yields its own bindings, inside backbone elements too', () => {
    const profile = findProfile('http://example.org/fhir/StructureDefinition/test-patient')!;
    const values = collectBoundValues(
      { resourceType: 'Patient', maritalStatus: { text: 'x' }, communication: [{ language: { text: 'y' } }] } as Resource,
      profile.schema, ALL,
    );
    const byPath = Object.fromEntries(values.map((v) => [v.path, `${v.binding.strength} ${v.binding.valueSet}`]));
    expect(byPath['Patient.maritalStatus']).toBe('required http://example.org/fhir/ValueSet/test-marital-status');
    expect(byPath['Patient.communication[0].language']).toBe('extensible http://example.org/fhir/ValueSet/test-languages');
  });
});

describe('validateFully', () => {
  test('base structure → 400; binding only → 422; warnings only → no failure', () => {
    expect(validateFully({ resourceType: 'Patient', birthDate: 'never' } as Resource).failureStatus).toBe(400);
    expect(validateFully(asResource({ resourceType: 'Patient', gender: 'xx' })).failureStatus).toBe(422);
    const warned = validateFully({ resourceType: 'Patient', meta: { profile: ['urn:unknown'] } } as Resource);
    expect(warned.failureStatus).toBeUndefined();
    expect(warned.issues).toEqual([expect.objectContaining({ severity: 'warning', code: 'not-supported', expression: ['Patient.meta.profile[0]'] })]);
  });

  test('a profile of another type is an error; the base definition URL in meta.profile is fine', () => {
    const wrong = validateFully({ resourceType: 'Patient', meta: { profile: ['http://example.org/fhir/StructureDefinition/test-session-encounter'] } } as Resource);
    expect(wrong.failureStatus).toBe(422);
    expect(wrong.issues[0].diagnostics).toMatch(/constrains Encounter, not Patient/);
    const base = validateFully({ resourceType: 'Patient', meta: { profile: ['http://hl7.org/fhir/StructureDefinition/Patient'] } } as Resource);
    expect(base.issues).toEqual([]);
  });

  test('each problem is reported once even when base and profile both find it', () => {
    const report = validateFully(asResource({ resourceType: 'Patient', meta: { profile: ['http://example.org/fhir/StructureDefinition/test-patient'] }, gender: 'xx', birthDate: '2000-01-01' }));
    expect(report.issues.filter((i) => i.expression?.[0] === 'Patient.gender')).toHaveLength(1);
  });
});
