/**
 * Applies the 42 CFR Part 2 labelling rules (domain/part2-labelling.ts) inside every write's transaction: one
 * statement tells whether the resource refers to Part 2 information or a Part 2 program, and whether the stored SUD
 * ValueSet changed since this process last read it. A label the client sent is kept; a label the rules apply cannot
 * be removed (every update is labelled again). The labelled row records whose Part 2 information it is
 * (resource.part2_patients), which is what the access filter reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Resource, ValueSet } from '@medplum/fhirtypes';
import {
  carriesPart2Label, hasSudCode, isLabelledType, isPart2Program, PART2_PROGRAM_FLAG, referencesOf, Part2Rules, sudCodeRules,
  SUD_VALUESET_URL, withPart2Labels,
} from '../domain/part2-labelling';
import { compartmentParams } from '../auth/patient-compartment';
import type { IndexRows } from './index-rows';
import type { Repository } from './repository';
import { prepared, Sql, sql } from './sql';
import { REPO_ROOT } from '../repo-root';

type LabelQueries = Pick<Repository, 'query'>;

export interface LabelledResource {
  resource: Resource;
  part2: boolean;
}

const SHIPPED_VALUESET = path.join(REPO_ROOT, 'terminology', 'ValueSet-sud-diagnosis.json');
const PROGRAM_FLAG_JSON = JSON.stringify([{ url: PART2_PROGRAM_FLAG, valueBoolean: true }]);

let cached: { version: string; rules: Part2Rules } | undefined;

/** The rules from a ValueSet (the stored one, or the shipped default when none is stored). */
export function rulesFromValueSet(valueSet: ValueSet, version: string): Part2Rules {
  return { sudCodes: sudCodeRules(valueSet).rules, fingerprint: `${valueSet.url}|${valueSet.version ?? ''}|${version}` };
}

function shippedRules(): Part2Rules {
  return rulesFromValueSet(JSON.parse(readFileSync(SHIPPED_VALUESET, 'utf8')) as ValueSet, 'shipped');
}

/** The current rules: the stored SUD ValueSet as of `version` (res_id:version_id), read again only when it changed. */
export async function currentRules(db: LabelQueries, version: string | null): Promise<Part2Rules> {
  const key = version ?? 'shipped';
  if (cached?.version === key) return cached.rules;
  let rules: Part2Rules;
  if (version === null) rules = shippedRules();
  else {
    const [row] = await db.query<{ content: ValueSet }>(sql`SELECT content FROM resource WHERE res_id = ${version.split(':')[0]}::bigint`);
    rules = row ? rulesFromValueSet(row.content, version) : shippedRules();
  }
  cached = { version: key, rules };
  return rules;
}

/** The version key of the stored SUD ValueSet (null when none is stored), as SQL for a select list. */
export function rulesVersionSql(): Sql {
  return sql`(SELECT vs.res_id || ':' || vs.version_id FROM idx_uri u JOIN resource vs ON vs.res_id = u.res_id
      WHERE u.resource_type = 'ValueSet' AND u.param = 'url' AND u.value = ${SUD_VALUESET_URL} AND NOT vs.deleted
      ORDER BY vs.res_id LIMIT 1)`;
}

/** Labels one resource about to be written. */
export async function labelForWrite(db: LabelQueries, resource: Resource): Promise<LabelledResource> {
  return (await labelForWrites(db, [resource]))[0];
}

/** What a resource's labelling depends on besides its own content. */
interface LabelInputs {
  /** References to records that may be Part 2 information, and to programs (HealthcareService). */
  references: string[];
  /** The patients whose Part 2 enrolment would label it (none when the enrolment rule does not apply). */
  patients: string[];
}

/**
 * Labels resources written together (a transaction's creates) in one statement. A resource is Part 2 information when
 * it carries the label, has a SUD code, refers to a stored record that is Part 2 information or to a Part 2 program,
 * refers to one of the other resources that is (followed until nothing changes), or names no care context while one
 * of its patients is enrolled in a Part 2 program — by a stored enrolment or by one written alongside.
 */
export async function labelForWrites(db: LabelQueries, resources: Resource[]): Promise<LabelledResource[]> {
  const inputs = resources.map((r) => (isLabelledType(r.resourceType) ? labelInputs(r) : undefined));
  if (inputs.every((i) => i === undefined)) return resources.map((resource) => ({ resource, part2: carriesPart2Label(resource) }));
  const references = [...new Set(inputs.flatMap((i) => i?.references ?? []))];
  const patients = [...new Set(inputs.flatMap((i) => i?.patients ?? []))];
  // Prepared: arrays keep the text the same for any number of resources.
  const [row] = await db.query<{ part2_targets: string[]; enrolled: string[]; rules_version: string | null }>(prepared(sql`SELECT
      ARRAY(SELECT t.resource_type || '/' || t.id FROM resource t
        JOIN unnest(${references.map((r) => r.split('/')[0])}::text[], ${references.map((r) => r.split('/')[1])}::text[]) AS ref(resource_type, id)
          ON t.resource_type = ref.resource_type AND t.id = ref.id
       WHERE NOT t.deleted AND (t.part2_patients IS NOT NULL
         OR (t.resource_type = 'HealthcareService' AND t.content->'extension' @> ${PROGRAM_FLAG_JSON}::jsonb))) AS part2_targets,
      ${enrolledInPart2Program(patients)} AS enrolled,
      ${rulesVersionSql()} AS rules_version`));
  const rules = await currentRules(db, row.rules_version);
  const part2Targets = new Set(row.part2_targets);
  for (const r of resources) if (isPart2Program(r)) part2Targets.add(`HealthcareService/${r.id}`);
  const enrolled = new Set([...row.enrolled, ...enrolledAlongside(resources, part2Targets)]);
  const part2 = resources.map((r, i) => carriesPart2Label(r) || (inputs[i] !== undefined
    && (hasSudCode(r, rules.sudCodes) || inputs[i]!.patients.some((p) => enrolled.has(p)) || inputs[i]!.references.some((ref) => part2Targets.has(ref)))));
  // A record referring to one written alongside that is Part 2 information is too (an Observation of a new Encounter).
  resources.forEach((r, i) => part2[i] && part2Targets.add(`${r.resourceType}/${r.id}`));
  for (let changed = true; changed;) {
    changed = false;
    resources.forEach((r, i) => {
      if (part2[i] || !inputs[i]?.references.some((ref) => part2Targets.has(ref))) return;
      part2[i] = changed = true;
      part2Targets.add(`${r.resourceType}/${r.id}`);
    });
  }
  return resources.map((resource, i) => ({ resource: part2[i] ? withPart2Labels(resource) : resource, part2: part2[i] }));
}

function labelInputs(resource: Resource): LabelInputs {
  const all = referencesOf(resource);
  const references = all.filter((r) => isLabelledType(r.resourceType) || r.resourceType === 'HealthcareService').map((r) => `${r.resourceType}/${r.id}`);
  // A record that names no care context (encounter, enrolment, appointment, program) belongs to the program the
  // patient is enrolled in: while that is a Part 2 program, the record is created for it (a PHQ-9 check-in, a goal).
  const byEnrolment = appliesToEnrolment(resource.resourceType) && !all.some((r) => CARE_CONTEXT_TYPES.has(r.resourceType));
  return { references, patients: byEnrolment ? all.filter((r) => r.resourceType === 'Patient').map((r) => r.id) : [] };
}

/** Patients of current enrolments (EpisodeOfCare) among `resources` in a program that is Part 2. */
function enrolledAlongside(resources: Resource[], part2Targets: Set<string>): string[] {
  return resources.flatMap((r) => {
    if (r.resourceType !== 'EpisodeOfCare' || !CURRENT_ENROLMENT.includes(r.status ?? '')) return [];
    const programs = (r.extension ?? []).filter((e) => e.url === PROGRAM_EXTENSION).map((e) => e.valueReference?.reference ?? '');
    const patient = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(r.patient?.reference ?? '')?.[1];
    return patient && programs.some((p) => part2Targets.has(p)) ? [patient] : [];
  });
}

/** References that say which care a record belongs to; a record naming one is labelled by what it names. */
const CARE_CONTEXT_TYPES = new Set(['Encounter', 'EpisodeOfCare', 'Appointment', 'HealthcareService']);
/** Records about the person or their insurance rather than their care: never labelled by enrolment alone. */
const NOT_BY_ENROLMENT = new Set(['Coverage', 'CoverageEligibilityRequest', 'CoverageEligibilityResponse', 'RelatedPerson', 'Person', 'Account',
  'Consent', 'Group', 'EpisodeOfCare', 'Provenance', 'Patient']);

function appliesToEnrolment(resourceType: string): boolean {
  return !NOT_BY_ENROLMENT.has(resourceType);
}

const CURRENT_ENROLMENT = ['planned', 'waitlist', 'active', 'onhold'];
const PROGRAM_EXTENSION = 'http://iop-fhir.org/fhir/StructureDefinition/program';

/** Those of the patients with a current (planned, waitlisted, active or on hold) stored enrolment in a Part 2 program. */
function enrolledInPart2Program(patients: string[]): Sql {
  return sql`ARRAY(SELECT DISTINCT ep.target_id FROM idx_reference ep JOIN idx_reference pr ON pr.res_id = ep.res_id
      JOIN resource eoc ON eoc.res_id = ep.res_id AND NOT eoc.deleted AND eoc.content->>'status' = ANY(${CURRENT_ENROLMENT}::text[])
      JOIN resource hs ON hs.resource_type = 'HealthcareService' AND hs.id = pr.target_id AND NOT hs.deleted
        AND hs.content->'extension' @> ${PROGRAM_FLAG_JSON}::jsonb
     WHERE ep.resource_type = 'EpisodeOfCare' AND ep.param = 'patient' AND ep.target_type = 'Patient' AND ep.target_id = ANY(${patients}::text[])
       AND pr.resource_type = 'EpisodeOfCare' AND pr.param = 'program' AND pr.target_type = 'HealthcareService')`;
}

/** Whose Part 2 information a labelled resource is: the patients its compartment links name (a roster's members). */
export function part2PatientsOf(resourceType: string, index: IndexRows, resourceId: string): string[] {
  if (resourceType === 'Patient') return [resourceId];
  const params = compartmentParams(resourceType);
  const patients = new Set<string>();
  for (const row of index.reference) {
    if (row.targetType === 'Patient' && row.targetId && params.includes(row.param)) patients.add(row.targetId);
  }
  return [...patients];
}
