/**
 * Every StructureDefinition in profiles/ is complete (metadata, snapshot, no slicing pitfalls), and every example in
 * profiles/examples/ and every template in profiles/questionnaires/ validates against its profile with
 * @medplum/core's validator, given the R4 definitions and our StructureDefinitions.
 */
import '../../server/src/polyfills';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import type { Bundle, ElementDefinition, OperationOutcomeIssue, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';

const ROOT = path.join(__dirname, '../..');
const CANONICAL = 'http://iop-fhir.org/fhir';

function readResources<T extends Resource>(folder: string, prefix = ''): T[] {
  const dir = path.join(ROOT, folder);
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as T);
}

const definitions = readResources<StructureDefinition>('profiles', 'StructureDefinition-');
const profilesByUrl = new Map(definitions.map((sd) => [sd.url, sd]));
const examples = readResources<Resource>('profiles/examples');
const templates = readResources<Resource>('profiles/questionnaires');

beforeAll(() => {
  loadFhirDefinitions();
  indexStructureDefinitionBundle({ resourceType: 'Bundle', type: 'collection', entry: definitions.map((resource) => ({ resource })) } as Bundle);
});

function errorsOf(resource: Resource, profile?: StructureDefinition): OperationOutcomeIssue[] {
  try {
    return validateResource(resource, profile ? { profile } : undefined).filter((i) => i.severity === 'error');
  } catch (err) {
    if (err instanceof OperationOutcomeError) return (err.outcome.issue ?? []).filter((i) => i.severity === 'error');
    throw err;
  }
}

const describeIssues = (issues: OperationOutcomeIssue[]) => issues.map((i) => `${i.details?.text} @ ${i.expression?.join(',')}`);

describe('StructureDefinitions', () => {
  test('there are the profiles the IOP resource model needs', () => {
    const profiled = definitions.filter((sd) => sd.type !== 'Extension').map((sd) => `${sd.type}:${sd.id}`);
    expect(profiled).toEqual(expect.arrayContaining([
      'Patient:iop-patient', 'HealthcareService:iop-program', 'EpisodeOfCare:iop-enrollment',
      'Appointment:iop-group-session-appointment', 'Appointment:iop-patient-session-appointment',
      'Encounter:iop-group-session-encounter', 'Encounter:iop-session-attendance', 'CarePlan:iop-treatment-plan',
      'Goal:iop-treatment-goal', 'Questionnaire:iop-assessment-questionnaire', 'Questionnaire:iop-note-template',
      'QuestionnaireResponse:iop-assessment-response', 'Observation:iop-score-observation', 'Composition:iop-session-note',
      'DocumentReference:iop-psychotherapy-note', 'Flag:iop-risk-flag', 'Claim:iop-claim', 'Coverage:iop-coverage',
    ]));
  });

  test.each(definitions.map((sd) => [sd.id, sd] as const))('%s has url, name, title, description, type and a snapshot', (id, sd) => {
    expect(sd.url).toBe(`${CANONICAL}/StructureDefinition/${id}`);
    expect(sd.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(sd.title).toBeTruthy();
    expect(sd.description).toBeTruthy();
    expect(sd.type).toBeTruthy();
    expect(sd.derivation).toBe('constraint');
    expect(sd.snapshot?.element.length).toBeGreaterThan(sd.differential?.element.length ?? 0);
  });

  test.each(definitions.map((sd) => [sd.id, sd] as const))('%s: every extension slice carries its url in the snapshot', (_id, sd) => {
    const elements = sd.snapshot?.element ?? [];
    const slices = elements.filter((e) => e.sliceName && /\.(modifierE|e)xtension$/.test(e.path) && e.type?.[0]?.profile?.length);
    for (const slice of slices) {
      const url = elements.find((e) => e.id === `${slice.id}.url`);
      expect({ slice: slice.id, fixedUri: url?.fixedUri }).toEqual({ slice: slice.id, fixedUri: slice.type?.[0].profile?.[0] });
    }
  });

  test.each(definitions.map((sd) => [sd.id, sd] as const))('%s: no fixed value or pattern on a repeating element outside a slice', (_id, sd) => {
    const offenders = (sd.snapshot?.element ?? []).filter((e) => hasFixedValue(e) && repeats(e) && !e.sliceName && !insideSlice(e));
    expect(offenders.map((e) => e.id)).toEqual([]);
  });
});

function hasFixedValue(element: ElementDefinition): boolean {
  return Object.keys(element).some((key) => key.startsWith('fixed') || key.startsWith('pattern'));
}

function repeats(element: ElementDefinition): boolean {
  return (element.max ?? '1') !== '1' && (element.max ?? '1') !== '0';
}

function insideSlice(element: ElementDefinition): boolean {
  return (element.id ?? '').split('.').slice(0, -1).some((step) => step.includes(':'));
}

describe('examples', () => {
  test('cover every resource profile', () => {
    const claimed = new Set(examples.flatMap((r) => r.meta?.profile ?? []));
    const resourceProfiles = definitions.filter((sd) => sd.kind === 'resource' && sd.type !== 'Questionnaire').map((sd) => sd.url);
    expect(resourceProfiles.filter((url) => !claimed.has(url))).toEqual([]);
  });

  test.each(examples.map((r) => [`${r.resourceType}/${r.id}`, r] as const))('%s validates', (_name, resource) => {
    const profileUrl = resource.meta?.profile?.[0];
    const profile = profileUrl ? profilesByUrl.get(profileUrl) : undefined;
    if (profileUrl) expect(profile).toBeDefined();
    expect(describeIssues(errorsOf(resource, profile))).toEqual([]);
    if (profile) expect(describeIssues(errorsOf(resource))).toEqual([]);
  });
});

describe('clinical templates', () => {
  test.each(templates.map((r) => [`${r.resourceType}/${r.id}`, r] as const))('%s validates against its profile', (_name, resource) => {
    const profile = profilesByUrl.get(resource.meta?.profile?.[0] ?? '');
    expect(profile?.type).toBe('Questionnaire');
    expect(describeIssues(errorsOf(resource, profile))).toEqual([]);
  });
});
