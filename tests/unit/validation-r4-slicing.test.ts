/**
 * R4 pattern and slicing semantics in the server's profile checker (validateFully), with the vital-signs examples
 * of the R4 specification (tests/fixtures/r4-vital-signs) and counter-examples that break one rule each.
 *   - ElementDefinition.pattern[x] (R4 elementdefinition-definitions.html#ElementDefinition.pattern_x_): the instance
 *     must contain the pattern; extra codings, extra elements and extra array items are allowed.
 *   - ElementDefinition.fixed[x]: exact match, nothing more and nothing less.
 *   - Slicing (R4 profiling.html#slicing, #discriminator): value/pattern, type, exists discriminators; nested slices.
 *   - observation-vitalsigns.html: vital signs SHALL conform to the vital-signs profiles (item 10: implied → warnings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ElementDefinition, Observation, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { loadConformance } from '../../server/src/conformance/load-conformance';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { checkProfile } from '../../server/src/validation/profile/check-profile';
import { compileElementTree } from '../../server/src/validation/profile/element-tree';
import { matchesFixed, matchesPattern } from '../../server/src/validation/profile/specified-values';
import { validateFully } from '../../server/src/validation/validate-resource';
import { impliedVitalSignsProfiles } from '../../server/src/validation/vital-signs';

const SD = 'http://hl7.org/fhir/StructureDefinition/';
const IOP = 'http://iop-fhir.org/fhir/StructureDefinition/';
const EXAMPLES = path.join(__dirname, '../fixtures/r4-vital-signs');
const examples = readdirSync(EXAMPLES).filter((n) => n.endsWith('.json')).sort()
  .map((n) => [n, JSON.parse(readFileSync(path.join(EXAMPLES, n), 'utf8')) as Observation] as const);

beforeAll(() => {
  loadFhirDefinitions();
  loadConformance();
});

type AnyResource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const example = (id: string): AnyResource => structuredClone(examples.find(([, r]) => r.id === id)![1]) as AnyResource;
const describeIssues = (issues: OperationOutcomeIssue[]) => issues.map((i) => `${i.severity}: ${i.details?.text} @ ${i.expression?.join(',')}`);
const errorsOf = (issues: OperationOutcomeIssue[]) => describeIssues(issues.filter((i) => i.severity === 'error'));

describe('ElementDefinition.pattern[x] is containment, fixed[x] is exact (R4 elementdefinition)', () => {
  const loinc = { system: 'http://loinc.org', code: '8480-6' };
  test('patternCodeableConcept: extra codings, display, text and extensions in the instance are allowed', () => {
    const pattern = { coding: [loinc] };
    expect(matchesPattern({ coding: [{ system: 'http://snomed.info/sct', code: '271649006' }, { ...loinc, display: 'Systolic' }], text: 'SBP' }, pattern)).toBe(true);
    expect(matchesPattern({ coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, pattern)).toBe(false);
    expect(matchesPattern({ coding: [{ code: '8480-6' }] }, pattern)).toBe(false); // the system is part of the pattern
    expect(matchesPattern({ text: 'SBP' }, pattern)).toBe(false);
  });

  test('patternCoding, patternIdentifier, patternQuantity: every element of the pattern, any others', () => {
    expect(matchesPattern({ ...loinc, version: '2.74', display: 'x' }, loinc)).toBe(true);
    expect(matchesPattern({ system: 'urn:oid:1.2.3', value: '42', use: 'official', period: { start: '2020' } }, { system: 'urn:oid:1.2.3' })).toBe(true);
    expect(matchesPattern({ system: 'urn:oid:9.9', value: '42' }, { system: 'urn:oid:1.2.3' })).toBe(false);
    const mmHg = { system: 'http://unitsofmeasure.org', code: 'mm[Hg]' };
    expect(matchesPattern({ value: 120, unit: 'mmHg', ...mmHg }, mmHg)).toBe(true);
    expect(matchesPattern({ value: 16, unit: 'kPa', system: mmHg.system, code: 'kPa' }, mmHg)).toBe(false);
  });

  test('a pattern array item must match at least one instance item; a primitive pattern is an exact value', () => {
    expect(matchesPattern({ given: ['Ana', 'María'] }, { given: ['María'] })).toBe(true);
    expect(matchesPattern({ given: ['Ana'] }, { given: ['María'] })).toBe(false);
    expect(matchesPattern('plan', 'plan')).toBe(true);
    expect(matchesPattern('order', 'plan')).toBe(false);
  });

  test('fixed[x] is exact: an extra element or coding fails it, the same value passes', () => {
    const fixed = { coding: [loinc] };
    expect(matchesFixed({ coding: [{ ...loinc }] }, fixed)).toBe(true);
    expect(matchesFixed({ coding: [loinc], text: 'SBP' }, fixed)).toBe(false);
    expect(matchesFixed({ coding: [loinc, { system: 'http://snomed.info/sct', code: '271649006' }] }, fixed)).toBe(false);
    expect(matchesFixed('mm[Hg]', 'mm[Hg]')).toBe(true);
  });
});

describe('R4 vital-signs examples (observation-vitalsigns.html) are accepted', () => {
  test.each(examples)('%s conforms to vitalsigns and to its specific profile', (_name, observation) => {
    const [generic, specific] = impliedVitalSignsProfiles(observation);
    expect(generic).toBe(`${SD}vitalsigns`);
    const asClaimed = validateFully({ ...observation, meta: { profile: [specific ?? generic] } });
    expect(describeIssues(asClaimed.issues)).toEqual([]);
    const requested = validateFully(observation, { profile: specific ?? generic });
    expect(describeIssues(requested.issues)).toEqual([]);
  });

  test('each R4 vital-signs profile is implied by its LOINC code', () => {
    const implied = Object.fromEntries(examples.map(([, o]) => [o.id, impliedVitalSignsProfiles(o)[1]?.replace(SD, '')]));
    expect(implied).toEqual({
      'blood-pressure': 'bp', 'blood-pressure-dar': 'bp', 'heart-rate': 'heartrate', 'respiratory-rate': 'resprate',
      'body-temperature': 'bodytemp', 'body-height': 'bodyheight', example: 'bodyweight', bmi: 'bmi',
      'head-circumference': 'headcircum', satO2: 'oxygensat', 'vitals-panel': 'vitalspanel',
    });
  });

  test('a minimal bp from an HIE that claims the core bp profile is stored (the former false rejection)', () => {
    const bp = example('blood-pressure');
    const minimal = {
      resourceType: 'Observation', meta: { profile: [`${SD}bp`] }, status: 'final', category: bp.category,
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, subject: { reference: 'Patient/x' }, effectiveDateTime: '2024-05-01',
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 118, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 76, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    } as Resource;
    expect(validateFully(minimal)).toEqual({ issues: [], failureStatus: undefined });
  });
});

interface CounterExample {
  name: string;
  profile: string;
  build: () => AnyResource;
  expected: RegExp[];
}

const counterExamples: CounterExample[] = [
  { name: 'bp without the systolic component (slice SystolicBP 1..1)', profile: 'bp',
    build: () => { const o = example('blood-pressure'); o.component = o.component.slice(1); return o; },
    expected: [/expected 2\.\.\*, but found 1 @ Observation\.component$/, /slice 'SystolicBP': expected 1\.\.1, but found 0 @ Observation\.component$/] },
  { name: 'bp whose systolic component is coded in SNOMED only (the LOINC coding is the discriminator)', profile: 'bp',
    build: () => { const o = example('blood-pressure'); o.component[0].code.coding = o.component[0].code.coding.slice(1); return o; },
    expected: [/slice 'SystolicBP': expected 1\.\.1, but found 0 @ Observation\.component$/] },
  { name: 'bp systolic in kPa (fixedCode mm[Hg] and the required ucum-vitals-common binding)', profile: 'bp',
    build: () => { const o = example('blood-pressure'); o.component[0].valueQuantity = { value: 14.3, unit: 'kPa', system: 'http://unitsofmeasure.org', code: 'kPa' }; return o; },
    expected: [/fixed value @ Observation\.component\[0\]\.value\.ofType\(Quantity\)\.code$/, /"kPa" .* not in the required value set .* @ Observation\.component\[0\]\.value\.ofType\(Quantity\)$/] },
  { name: 'bp systolic without a unit (Quantity.unit 1..1 inside the slice)', profile: 'bp',
    build: () => { const o = example('blood-pressure'); delete o.component[0].valueQuantity.unit; return o; },
    expected: [/Missing required property @ Observation\.component\[0\]\.value\.ofType\(Quantity\)\.unit$/] },
  { name: 'bp with two systolic components (slice max 1)', profile: 'bp',
    build: () => { const o = example('blood-pressure'); o.component.push(structuredClone(o.component[0])); return o; },
    expected: [/slice 'SystolicBP': expected 1\.\.1, but found 2/] },
  { name: 'heart rate in beats per second (fixedCode /min)', profile: 'heartrate',
    build: () => { const o = example('heart-rate'); o.valueQuantity.code = '/s'; return o; },
    expected: [/fixed value @ Observation\.value\.ofType\(Quantity\)\.code$/] },
  { name: 'heart rate as a string (value[x] narrowed to Quantity, closed type slicing)', profile: 'heartrate',
    build: () => { const o = example('heart-rate'); delete o.valueQuantity; o.valueString = '44 bpm'; return o; },
    expected: [/Type string is not allowed here .* @ Observation\.value\.ofType\(string\)$/, /does not match any slice .* closed @ Observation\.value\.ofType\(string\)$/] },
  { name: 'body weight in metres (required binding ucum-bodyweight)', profile: 'bodyweight',
    build: () => { const o = example('example'); o.valueQuantity = { value: 1.8, unit: 'm', system: 'http://unitsofmeasure.org', code: 'm' }; return o; },
    expected: [/"m" .* not in the required value set BodyWeightUnits .* @ Observation\.value\.ofType\(Quantity\)\.code$/] },
  { name: 'BMI coded by text only (BMICode slice 1..1)', profile: 'bmi',
    build: () => { const o = example('bmi'); o.code = { text: 'BMI' }; return o; },
    expected: [/slice 'BMICode': expected 1\.\.1, but found 0 @ Observation\.code\.coding$/] },
  { name: 'vital sign in the laboratory category (VSCat slice 1..1)', profile: 'vitalsigns',
    build: () => { const o = example('heart-rate'); o.category = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }]; return o; },
    expected: [/slice 'VSCat': expected 1\.\.1, but found 0 @ Observation\.category$/] },
  { name: 'vital sign effective only to the year (vs-1)', profile: 'vitalsigns',
    build: () => { const o = example('heart-rate'); o.effectiveDateTime = '1999'; return o; },
    expected: [/Constraint vs-1 not met/] },
  { name: 'vital sign with neither a value nor a data-absent reason (vs-2)', profile: 'vitalsigns',
    build: () => { const o = example('body-height'); delete o.valueQuantity; return o; },
    expected: [/Constraint vs-2 not met/] },
  { name: 'bp component with neither a value nor a data-absent reason (vs-3)', profile: 'bp',
    build: () => { const o = example('blood-pressure-dar'); delete o.component[1].dataAbsentReason; return o; },
    expected: [/Constraint vs-3 not met: .* @ Observation\.component\[1\]$/] },
  { name: 'vitals panel without members (hasMember 1..*)', profile: 'vitalspanel',
    build: () => { const o = example('vitals-panel'); delete o.hasMember; return o; },
    expected: [/Missing required property @ Observation\.hasMember$/, /Constraint vs-2 not met/] },
];

describe('counter-examples are rejected with 422 when the profile is claimed', () => {
  test.each(counterExamples.map((c) => [c.name, c] as const))('%s', (_name, counterExample) => {
    const resource = { ...counterExample.build(), meta: { profile: [`${SD}${counterExample.profile}`] } } as Resource;
    const report = validateFully(resource);
    expect(report.failureStatus).toBe(422);
    const errors = errorsOf(report.issues);
    expect(errors).toEqual(expect.arrayContaining(counterExample.expected.map((p) => expect.stringMatching(p))));
    expect(errors).toHaveLength(counterExample.expected.length);
  });
});

describe('vital signs are checked against their profile even when meta.profile does not name it', () => {
  test('unclaimed: the same problems are warnings, and the write is not refused', () => {
    const bp = example('blood-pressure');
    delete bp.meta;
    bp.component = bp.component.slice(1);
    const report = validateFully(bp as Resource);
    expect(report.failureStatus).toBeUndefined();
    expect(describeIssues(report.issues)).toEqual([
      'warning: Invalid number of values: expected 2..*, but found 1 @ Observation.component',
      "warning: Incorrect number of values provided for slice 'SystolicBP': expected 1..1, but found 0 @ Observation.component",
    ]);
    expect(report.issues[1].diagnostics).toContain(`vital-signs profile ${SD}bp`);
  });

  test('named by $validate\'s profile parameter: errors (422)', () => {
    const bp = example('blood-pressure');
    delete bp.meta;
    bp.component = bp.component.slice(1);
    const report = validateFully(bp as Resource, { profile: `${SD}bp` });
    expect(report.failureStatus).toBe(422);
    expect(errorsOf(report.issues)).toHaveLength(2);
  });

  test('claiming vitalsigns still implies bp for a blood pressure: bp problems are warnings, vitalsigns ones errors', () => {
    const bp = example('blood-pressure'); // meta.profile = vitalsigns
    bp.component = bp.component.slice(1);
    bp.effectiveDateTime = '2012';
    const report = validateFully(bp as Resource);
    expect(report.failureStatus).toBe(422);
    expect(errorsOf(report.issues)).toEqual([expect.stringMatching(/vs-1/)]);
    expect(report.issues.filter((i) => i.severity === 'warning')).toHaveLength(2);
  });

  test('Observations outside the vital-signs category are not held to these profiles', () => {
    const score = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueString: 'high' } as Resource;
    expect(impliedVitalSignsProfiles(score)).toEqual([]);
    expect(validateFully(score).issues).toEqual([]);
  });
});

describe('our own profiles: pattern slices accept extra codings and elements', () => {
  test('Score Observation: the survey category carries a display, text and a second coding', () => {
    const observation = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/examples/Observation-ana-phq9-score-2025-03-03.json'), 'utf8'));
    expect(observation.meta.profile).toEqual([`${IOP}iop-score-observation`]);
    observation.category = [{ coding: [{ system: 'http://example.org/local', code: 'PHQ' }, { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }], text: 'Survey' }];
    expect(errorsOf(validateFully(observation).issues)).toEqual([]);
    observation.category[0].coding[1].code = 'exam';
    expect(errorsOf(validateFully(observation).issues)).toEqual([expect.stringMatching(/slice 'survey': expected 1\.\.1, but found 0/)]);
  });

  test('Psychotherapy Note: patternCoding security labels with a display and a version match their slices', () => {
    const note = JSON.parse(readFileSync(path.join(__dirname, '../../profiles/examples/DocumentReference-ana-psychotherapy-note-2025-03-03.json'), 'utf8'));
    note.meta.security = note.meta.security.map((c: object) => ({ ...c, display: 'label', version: '2018-08-12' }));
    expect(errorsOf(validateFully(note).issues)).toEqual([]);
  });
});

describe('discriminator types (R4 profiling.html#discriminator) on a test profile', () => {
  const element = (id: string, extra: Partial<ElementDefinition> = {}): ElementDefinition => ({ id, path: id.replace(/:[^.]+/g, ''), min: 0, max: '*', ...extra });
  const definition = {
    resourceType: 'StructureDefinition', url: 'http://example.org/fhir/StructureDefinition/discriminators', name: 'Discriminators',
    status: 'draft', kind: 'resource', abstract: false, type: 'Observation', derivation: 'constraint',
    snapshot: { element: [
      element('Observation', { max: '*' }),
      element('Observation.identifier', { type: [{ code: 'Identifier' }], slicing: { discriminator: [{ type: 'pattern', path: '$this' }], rules: 'closed' } }),
      element('Observation.identifier:mrn', { sliceName: 'mrn', min: 1, max: '1', type: [{ code: 'Identifier' }], patternIdentifier: { system: 'urn:oid:1.2.3' } }),
      element('Observation.value[x]', { max: '1', type: [{ code: 'Quantity' }, { code: 'string' }], slicing: { discriminator: [{ type: 'type', path: '$this' }], rules: 'open' } }),
      element('Observation.value[x]:valueQuantity', { sliceName: 'valueQuantity', max: '1', type: [{ code: 'Quantity' }] }),
      element('Observation.value[x]:valueQuantity.system', { min: 1, max: '1', type: [{ code: 'uri' }], fixedUri: 'http://unitsofmeasure.org' }),
      element('Observation.component', { type: [{ code: 'BackboneElement' }], slicing: { discriminator: [{ type: 'exists', path: 'value' }], rules: 'open', ordered: true } }),
      element('Observation.component:measured', { sliceName: 'measured', type: [{ code: 'BackboneElement' }] }),
      element('Observation.component:measured.value[x]', { min: 1, max: '1', type: [{ code: 'Quantity' }] }),
      element('Observation.component:absent', { sliceName: 'absent', type: [{ code: 'BackboneElement' }] }),
      element('Observation.component:absent.value[x]', { max: '0', type: [{ code: 'Quantity' }] }),
      element('Observation.component:absent.dataAbsentReason', { min: 1, max: '1', type: [{ code: 'CodeableConcept' }] }),
    ] },
  } as StructureDefinition;
  const tree = compileElementTree(definition);
  const options = { treeOf: () => undefined, inValueSet: () => undefined, conformsTo: () => undefined };
  const check = (extra: object) => checkProfile(tree, { resourceType: 'Observation', status: 'final', code: { text: 'x' }, ...extra }, options).issues.map((i) => `${i.details?.text} @ ${i.expression?.[0]}`);
  const mrn = { system: 'urn:oid:1.2.3', value: '42', use: 'official' };
  const quantity = (value: number) => ({ value, system: 'http://unitsofmeasure.org', code: 'mg' });
  const dar = { dataAbsentReason: { text: 'not done' } };

  test('pattern on $this with a closed slicing: an identifier matching no slice is an error', () => {
    expect(check({ identifier: [mrn] })).toEqual([]);
    expect(check({ identifier: [mrn, { system: 'urn:oid:9.9', value: '1' }] })).toEqual([expect.stringMatching(/does not match any slice .* closed @ Observation\.identifier\[1\]$/)]);
    expect(check({})).toEqual([expect.stringMatching(/slice 'mrn': expected 1\.\.1, but found 0 @ Observation\.identifier$/)]);
  });

  test('type discriminator on a choice: the Quantity slice applies to valueQuantity only', () => {
    expect(check({ identifier: [mrn], valueQuantity: quantity(1) })).toEqual([]);
    expect(check({ identifier: [mrn], valueString: 'n/a' })).toEqual([]);
    expect(check({ identifier: [mrn], valueQuantity: { value: 1, system: 'http://snomed.info/sct', code: 'mg' } }))
      .toEqual(['Value did not match expected fixed value @ Observation.value.ofType(Quantity).system']);
  });

  test('exists discriminator with ordered slices: measured components come before absent ones', () => {
    expect(check({ identifier: [mrn], component: [{ code: { text: 'a' }, valueQuantity: quantity(1) }, { code: { text: 'b' }, ...dar }] })).toEqual([]);
    expect(check({ identifier: [mrn], component: [{ code: { text: 'b' }, ...dar }, { code: { text: 'a' }, valueQuantity: quantity(1) }] }))
      .toEqual([expect.stringMatching(/slice 'measured' is out of order: .* @ Observation\.component\[1\]$/)]);
  });
});
