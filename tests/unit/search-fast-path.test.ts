/** The compiled plain-path evaluators give exactly the index rows the FHIRPath evaluator gives, on real data. */
import { readFileSync } from 'node:fs';
import type { Resource } from '@medplum/fhirtypes';
import { generatedResources } from '../../bench/search-data';
import { loadFhirDefinitions } from '../../server/src/fhir/definitions';
import { extractIndexRows } from '../../server/src/search/index-extractor';
import { searchParamsFor } from '../../server/src/search/registry';
import { mentalHealthFiles, patients50Files } from '../support/synthea';

beforeAll(() => loadFhirDefinitions());

function resourcesOf(file: string): Resource[] {
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as { entry?: { resource: Resource }[] };
  return (bundle.entry ?? []).map((e) => e.resource);
}

/** The rows of each table as a set: duplicate rows change nothing for search (FHIRPath's union keeps some, we do not). */
const canonical = (rows: ReturnType<typeof extractIndexRows>) =>
  Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, [...new Set((list as unknown[]).map((r) => JSON.stringify(r)))].sort()]));

test('fast paths and FHIRPath index Synthea, mental-health and generated IOP resources identically', () => {
  const files = [...patients50Files().slice(0, 4), ...mentalHealthFiles().slice(0, 2)];
  const resources = [...files.flatMap(resourcesOf), ...generatedResources(0, 20), { resourceType: 'Patient', id: 'ext',
    _birthDate: { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] } } as Resource];
  let compared = 0;
  for (const resource of resources) {
    expect({ id: resource.id, rows: canonical(extractIndexRows(resource)) })
      .toEqual({ id: resource.id, rows: canonical(extractIndexRows(resource, { fastPaths: false })) });
    compared++;
  }
  expect(compared).toBeGreaterThan(1000);
});

test('most parameters of the IOP types compile to fast paths', () => {
  for (const type of ['Patient', 'Observation', 'Encounter', 'Appointment', 'Condition', 'QuestionnaireResponse', 'CarePlan']) {
    const params = [...searchParamsFor(type).values()].filter((p) => p.expression && p.type !== 'composite');
    const fast = params.filter((p) => p.fast).length;
    expect({ type, share: fast / params.length >= 0.8 }).toEqual({ type, share: true });
  }
});
