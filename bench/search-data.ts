/**
 * Generated IOP data for the search benchmark: per patient 20 resources (Patient, Condition, 6 Appointments,
 * 4 Encounters, 8 PHQ-9/GAD-7 Observations), plus one Practitioner per 50 patients, one Location per 500 and one
 * Organization per 1000, so every benchmark query returns about the same number of rows at any size. Rows are
 * written straight to PostgreSQL in batches, with index rows from the server's own extractor.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Pool } from 'pg';
import { extractIndexRows } from '../server/src/search/index-extractor';
import { insertIndexRowsBatchSql } from '../server/src/store/index-store';

export const MRN_SYSTEM = 'http://iop.example.org/mrn';
export const PHQ9 = '44261-6';
export const GAD7 = '70274-6';
export const PATIENTS_PER_PRACTITIONER = 50;
const PATIENTS_PER_LOCATION = 500;
const PATIENTS_PER_ORGANIZATION = 1000;
/** Patients sharing a family name (blocks of consecutive patients). */
export const FAMILY_SIZE = 5;
const BATCH_PATIENTS = 250;
const YEAR_START = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'te', 'vo', 'zi', 'ba', 'de', 'fo', 'gu', 'ha', 'ji', 'pe'];
const GIVEN = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jo', 'Kai', 'Lea', 'Max', 'Nia', 'Oto', 'Pia'];

/** A unique, pronounceable family name for block `k` (16^5 blocks before repeating). */
export function familyOf(k: number): string {
  let name = '';
  for (let i = 0; i < 5; i++) {
    name += SYLLABLES[k % 16];
    k = Math.floor(k / 16);
  }
  return name[0].toUpperCase() + name.slice(1);
}

/** Day (0–359 of 2024) of patient `i`'s appointment/encounter `k`. */
export function sessionDay(i: number, k: number): number {
  return (i * 7 + k * 53) % 360;
}

export function dayString(day: number): string {
  return new Date(YEAR_START + day * DAY_MS).toISOString().slice(0, 10);
}

const ref = (reference: string) => ({ reference });

function sharedResources(from: number, to: number): Resource[] {
  const resources: Resource[] = [];
  const each = (per: number, make: (j: number) => Resource) => {
    for (let j = Math.ceil(from / per); j * per < to; j++) resources.push(make(j));
  };
  each(PATIENTS_PER_ORGANIZATION, (j) => ({ resourceType: 'Organization', id: `org-${j}`, name: `IOP Program ${j}`, active: true }));
  each(PATIENTS_PER_LOCATION, (j) => ({ resourceType: 'Location', id: `loc-${j}`, name: `Group room ${j}`, status: 'active' }));
  each(PATIENTS_PER_PRACTITIONER, (j) => ({
    resourceType: 'Practitioner', id: `prac-${j}`, active: true,
    name: [{ family: familyOf(1_000_000 + j), given: [GIVEN[j % 16]], prefix: ['Dr.'] }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: String(1_000_000_000 + j) }],
  }));
  return resources;
}

function patientResources(i: number): Resource[] {
  const patient = `Patient/pat-${i}`;
  const practitioner = `Practitioner/prac-${Math.floor(i / PATIENTS_PER_PRACTITIONER)}`;
  const resources: Resource[] = [{
    resourceType: 'Patient', id: `pat-${i}`, active: true, gender: i % 2 ? 'female' : 'male',
    birthDate: `${1950 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
    identifier: [{ system: MRN_SYSTEM, value: `MRN${i}`, type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
    name: [{ family: familyOf(Math.floor(i / FAMILY_SIZE)), given: [GIVEN[i % 16]] }],
    telecom: [{ system: 'phone', value: `555-${String(i).padStart(7, '0')}` }],
    address: [{ line: [`${i} Main St`], city: 'Springfield', state: 'MA', postalCode: '01101' }],
    managingOrganization: ref(`Organization/org-${Math.floor(i / PATIENTS_PER_ORGANIZATION)}`),
    generalPractitioner: [ref(practitioner)],
  }, {
    resourceType: 'Condition', id: `cond-${i}`, subject: ref(patient), recordedDate: `${dayString(sessionDay(i, 0))}T09:00:00Z`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: i % 3 ? 'F32.1' : 'F41.1' }] },
  }];
  for (let k = 0; k < 6; k++) {
    const start = new Date(YEAR_START + sessionDay(i, k) * DAY_MS + (9 + (k % 2) * 8) * 3_600_000);
    resources.push({
      resourceType: 'Appointment', id: `appt-${i}-${k}`, status: k < 4 ? 'fulfilled' : k === 4 ? 'noshow' : 'booked',
      serviceType: [{ coding: [{ system: 'http://snomed.info/sct', code: '76168009', display: 'Group psychotherapy' }] }],
      start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      participant: [
        { actor: ref(patient), status: 'accepted' },
        { actor: ref(practitioner), status: 'accepted' },
        { actor: ref(`Location/loc-${Math.floor(i / PATIENTS_PER_LOCATION)}`), status: 'accepted' },
      ],
    });
  }
  for (let k = 0; k < 4; k++) {
    const start = new Date(YEAR_START + sessionDay(i, k) * DAY_MS + (9 + (k % 2) * 8) * 3_600_000);
    resources.push({
      resourceType: 'Encounter', id: `enc-${i}-${k}`, status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: ref(patient), participant: [{ individual: ref(practitioner) }], appointment: [ref(`Appointment/appt-${i}-${k}`)],
      period: { start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString() },
      serviceProvider: ref(`Organization/org-${Math.floor(i / PATIENTS_PER_ORGANIZATION)}`),
    });
  }
  for (let k = 0; k < 8; k++) {
    const code = k % 2 ? GAD7 : PHQ9;
    resources.push({
      resourceType: 'Observation', id: `obs-${i}-${k}`, status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [{ system: 'http://loinc.org', code }] }, subject: ref(patient), encounter: ref(`Encounter/enc-${i}-${k % 4}`),
      effectiveDateTime: `${dayString(sessionDay(i, k % 4))}T12:00:00Z`, performer: [ref(practitioner)],
      valueQuantity: { value: (i + k * 3) % 27, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    });
  }
  return resources;
}

/** The resources of patients [from, to) and the shared ones they point at, in memory (for tests). */
export function generatedResources(from: number, to: number): Resource[] {
  const resources = sharedResources(from, to);
  for (let i = from; i < to; i++) resources.push(...patientResources(i));
  return resources;
}

const BULK_TABLES = ['resource', 'idx_string', 'idx_token', 'idx_date', 'idx_number', 'idx_quantity', 'idx_uri', 'idx_reference', 'idx_present'];

/**
 * Runs a bulk load with the secondary indexes of the resource and index tables dropped, then rebuilds them exactly
 * as the migrations defined them (building an index once is far cheaper than maintaining it row by row).
 * Indexes behind constraints (primary keys, unique) stay.
 */
export async function withoutSecondaryIndexes<T>(pool: Pool, load: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const { rows } = await pool.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.schemaname = 'public' AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`, [BULK_TABLES]);
  for (const { name } of rows) await pool.query(`DROP INDEX ${quoteIdent(name)}`);
  try {
    return await load();
  } finally {
    const started = Date.now();
    const client = await pool.connect();
    try {
      await client.query(`SET maintenance_work_mem = '256MB'`);
      for (const { definition } of rows) await client.query(definition);
    } finally {
      client.release();
    }
    log(`  rebuilt ${rows.length} indexes in ${Math.round((Date.now() - started) / 1000)} s`);
  }
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected index name ${name}`);
  return `"${name}"`;
}

/** Writes patients [from, to) with their resources; extraction of the next batch overlaps the previous insert. */
export async function generatePatients(pool: Pool, from: number, to: number, log: (line: string) => void): Promise<{ resources: number; seconds: number }> {
  const started = Date.now();
  let written = 0;
  let pending: Promise<void> = Promise.resolve();
  for (let start = from; start < to; start += BATCH_PATIENTS) {
    const end = Math.min(to, start + BATCH_PATIENTS);
    const resources = start === from ? sharedResources(from, to) : [];
    for (let i = start; i < end; i++) resources.push(...patientResources(i));
    const rows = resources.map((resource) => extractIndexRows(resource));
    await pending;
    pending = insertBatch(pool, resources, rows);
    written += resources.length;
    if ((end - from) % 10_000 === 0) log(`  generated ${end - from} of ${to - from} patients (${written} resources)`);
  }
  await pending;
  return { resources: written, seconds: (Date.now() - started) / 1000 };
}

async function insertBatch(pool: Pool, resources: Resource[], rows: ReturnType<typeof extractIndexRows>[]): Promise<void> {
  const now = new Date();
  const contents = resources.map((r) => JSON.stringify({ ...r, meta: { versionId: '1', lastUpdated: now.toISOString() } }));
  const inserted = await pool.query<{ res_id: string; resource_type: string; id: string }>(
    `INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
     SELECT t, i, 1, $3, false, c FROM unnest($1::text[], $2::text[], $4::jsonb[]) AS u(t, i, c)
     RETURNING res_id, resource_type, id`,
    [resources.map((r) => r.resourceType), resources.map((r) => r.id), now, contents],
  );
  const resIds = new Map(inserted.rows.map((row) => [`${row.resource_type}/${row.id}`, String(row.res_id)]));
  const items = resources.map((r, n) => ({ resId: resIds.get(`${r.resourceType}/${r.id}`)!, resourceType: r.resourceType, rows: rows[n] }));
  const statement = insertIndexRowsBatchSql(items);
  if (statement) {
    const { text, values } = statement.toQuery();
    await pool.query(text, values);
  }
}
