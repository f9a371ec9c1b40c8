/**
 * A small IOP organisation for the iop-*.test.ts files, created over HTTP in one transaction: an organisation,
 * a site and rooms, practitioners, programs (MH IOP, PHP, SUD IOP), patients with coverages. Helpers call the
 * operations and read results.
 */
import type { Bundle, BundleEntry, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { isCalendarDate } from '../../server/src/domain/calendar-date';
import { zonedDateTimeToInstant } from '../../server/src/domain/time-zone';
import type { TestServer } from '../support/test-server';

export const IOP = 'http://iop-fhir.org/fhir';
export const MH_LEVEL = `${IOP}/CodeSystem/mh-level-of-care`;
export const ASAM_3 = `${IOP}/CodeSystem/asam-level-of-care-3`;
export const SESSION_TYPE = `${IOP}/CodeSystem/session-type`;
export const TEST_ZONE = 'America/Chicago';

/**
 * The programs' date the IOP tests act on: today in Chicago when the file loads, or IOP_TEST_TODAY (YYYY-MM-DD)
 * to replay a given day (integration tests only: the e2e servers keep the real clock).
 */
export const TEST_TODAY = testToday(process.env.IOP_TEST_TODAY);
/**
 * The instant they act at, frozen for the whole file: noon in Chicago on TEST_TODAY. Their servers take it as
 * their clock (startTestServer({ clock: testClock })), so the test and the server agree on "today" even when a
 * run crosses midnight, nothing starts or ends while a file runs, and no date is near a midnight or DST edge.
 */
export const TEST_NOW = zonedDateTimeToInstant(TEST_TODAY, '12:00', TEST_ZONE);
export const testClock = (): Date => TEST_NOW;

function testToday(override: string | undefined): string {
  if (override === undefined || override === '') return localDate(new Date());
  if (!isCalendarDate(override)) throw new Error(`IOP_TEST_TODAY must be a date (YYYY-MM-DD), not ${override}`);
  return override;
}

/** The instant `days` days (of 24 h) from TEST_NOW. */
export function instantFromNow(days: number): Date {
  return new Date(TEST_NOW.getTime() + days * 86_400_000);
}

export interface Fixture {
  org: string;
  site: string;
  rooms: string[];
  practitioners: string[];
  programs: { iop: string; php: string; sud: string; op: string };
  patients: string[];
  coverages: string[];
}

let counter = 0;

function program(key: string, name: string, level: [string, string], type: string, part2 = false): Resource {
  return {
    resourceType: 'HealthcareService',
    meta: { profile: [`${IOP}/StructureDefinition/iop-program`] },
    extension: [
      { url: `${IOP}/StructureDefinition/part2-program`, valueBoolean: part2 },
      { url: `${IOP}/StructureDefinition/level-of-care`, valueCodeableConcept: { coding: [{ system: level[0], code: level[1] }] } },
    ],
    active: true, providedBy: { reference: 'urn:uuid:org' },
    type: [{ coding: [{ system: `${IOP}/CodeSystem/program-type`, code: type }] }],
    name: `${name} ${key}`, location: [{ reference: 'urn:uuid:site' }],
  } as Resource;
}

export interface FixtureOptions {
  patients?: number;
  /** Payer class of each patient's coverage (cycled); none when empty. */
  payerClasses?: string[];
  authorization?: { units: number; unitType: string; start: string; end: string; level?: [string, string] };
}

export async function createFixture(server: TestServer, options: FixtureOptions = {}): Promise<Fixture> {
  const key = `f${++counter}-${Date.now()}`;
  const entries: BundleEntry[] = [];
  const add = (fullUrl: string, resource: Resource) => entries.push({ fullUrl: `urn:uuid:${fullUrl}`, resource, request: { method: 'POST', url: resource.resourceType } });
  add('org', { resourceType: 'Organization', name: `Clinic ${key}`, active: true });
  add('site', { resourceType: 'Location', name: `Site ${key}`, status: 'active', managingOrganization: { reference: 'urn:uuid:org' } });
  for (const room of ['room1', 'room2']) add(room, { resourceType: 'Location', name: `${room} ${key}`, status: 'active', partOf: { reference: 'urn:uuid:site' } });
  for (const p of ['pr1', 'pr2', 'pr3']) add(p, { resourceType: 'Practitioner', name: [{ family: `Therapist${p}`, given: ['Tess'] }] });
  add('iop', program(key, 'MH IOP', [MH_LEVEL, 'mh-iop'], 'mh-iop'));
  add('php', program(key, 'PHP', [MH_LEVEL, 'mh-php'], 'mh-php'));
  add('sud', program(key, 'SUD IOP', [ASAM_3, '2.1'], 'sud-iop', true));
  add('op', program(key, 'MH outpatient group', [MH_LEVEL, 'mh-op'], 'mh-iop'));
  const names = ['Ana Rivera', 'Ben Okafor', 'Cara Lindqvist', 'Dev Patel', 'Eli Novak', 'Fay Moreau'];
  const count = options.patients ?? 4;
  for (let i = 0; i < count; i++) {
    const [given, family] = names[i % names.length].split(' ');
    add(`pat${i}`, {
      resourceType: 'Patient', identifier: [{ system: `${IOP}/test/mrn`, value: `${key}-${i}` }], name: [{ given: [given], family }],
      gender: i % 2 === 0 ? 'female' : 'male', birthDate: `198${i % 10}-0${(i % 9) + 1}-15`,
    } as Resource);
    const payer = options.payerClasses?.length ? options.payerClasses[i % options.payerClasses.length] : undefined;
    if (payer) {
      const auth = options.authorization;
      add(`cov${i}`, {
        resourceType: 'Coverage', status: 'active', beneficiary: { reference: `urn:uuid:pat${i}` }, payor: [{ reference: 'urn:uuid:org' }],
        type: { coding: [{ system: `${IOP}/CodeSystem/payer-class`, code: payer }] },
        ...(auth ? {
          extension: [{
            url: `${IOP}/StructureDefinition/authorized-units`,
            extension: [
              { url: 'authorizationNumber', valueString: `AUTH-${i}` },
              { url: 'units', valuePositiveInt: auth.units },
              { url: 'unitType', valueCode: auth.unitType },
              { url: 'period', valuePeriod: { start: auth.start, end: auth.end } },
              { url: 'levelOfCare', valueCodeableConcept: { coding: [{ system: (auth.level ?? [MH_LEVEL, 'mh-iop'])[0], code: (auth.level ?? [MH_LEVEL, 'mh-iop'])[1] }] } },
            ],
          }],
        } : {}),
      } as Resource);
    }
  }
  const res = await server.http.post('/fhir').set('Content-Type', 'application/fhir+json').send({ resourceType: 'Bundle', type: 'transaction', entry: entries });
  if (res.status !== 200) throw new Error(`fixture failed: ${res.status} ${JSON.stringify(res.body)}`);
  const ids = new Map<string, string>();
  (res.body as Bundle).entry!.forEach((e, i) => ids.set(entries[i].fullUrl!.slice(9), `${e.resource!.resourceType}/${e.resource!.id}`));
  const id = (k: string) => ids.get(k)!.split('/')[1];
  return {
    org: id('org'), site: id('site'), rooms: ['room1', 'room2'].map(id), practitioners: ['pr1', 'pr2', 'pr3'].map(id),
    programs: { iop: id('iop'), php: id('php'), sud: id('sud'), op: id('op') },
    patients: Array.from({ length: count }, (_, i) => id(`pat${i}`)),
    coverages: Array.from({ length: count }, (_, i) => ids.get(`cov${i}`)?.split('/')[1]).filter((c): c is string => !!c),
  };
}

/** A Parameters body from name → value pairs (strings become valueString unless a typed key is given). */
export function params(...parameter: ParametersParameter[]): Parameters {
  return { resourceType: 'Parameters', parameter };
}

export async function invoke(server: TestServer, path: string, body: Parameters) {
  return server.http.post(`/fhir/${path}`).set('Content-Type', 'application/fhir+json').send(body);
}

/** The named output parameters of an operation response. */
export function outputs(body: Parameters, name: string): ParametersParameter[] {
  return (body.parameter ?? []).filter((p) => p.name === name);
}

export function output(body: Parameters, name: string): ParametersParameter | undefined {
  return outputs(body, name)[0];
}

export function warnings(body: Parameters): string[] {
  const outcome = output(body, 'outcome')?.resource as { issue?: { diagnostics?: string }[] } | undefined;
  return (outcome?.issue ?? []).map((i) => i.diagnostics ?? '');
}

/** Calendar date `days` after TEST_TODAY, in calendar days (not 24-hour steps, which miss a date across DST). */
export function dayFromToday(days: number): string {
  return addDaysTo(TEST_TODAY, days);
}

export function localDate(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TEST_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The next given weekday (1 = Monday) at least `minDays` from today. */
export function nextWeekday(isoWeekday: number, minDays = 2): string {
  for (let d = minDays; d < minDays + 8; d++) {
    const date = dayFromToday(d);
    const jsDay = new Date(`${date}T12:00:00Z`).getUTCDay();
    if ((jsDay === 0 ? 7 : jsDay) === isoWeekday) return date;
  }
  throw new Error('unreachable');
}

/** A date in the last complete Monday–Sunday week before this one (its Friday), in the programs' zone. */
export function lastWeekFriday(): string {
  const today = dayFromToday(0);
  const jsDay = new Date(`${today}T12:00:00Z`).getUTCDay();
  return addDaysTo(today, -((jsDay === 0 ? 7 : jsDay) + 2));
}

export function addDaysTo(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export async function enroll(server: TestServer, programId: string, patientId: string, start: string, extra: ParametersParameter[] = []) {
  return invoke(server, `HealthcareService/${programId}/$enroll`, params(
    { name: 'patient', valueReference: { reference: `Patient/${patientId}` } }, { name: 'start', valueDate: start }, ...extra,
  ));
}

export interface ScheduleInput {
  days: string[];
  startTime: string;
  minutes: number;
  from: string;
  to: string;
  sessionType?: string;
  facilitators: string[];
  location?: string;
  extra?: ParametersParameter[];
}

export async function schedule(server: TestServer, programId: string, input: ScheduleInput) {
  return invoke(server, `HealthcareService/${programId}/$schedule-sessions`, params(
    ...input.days.map((d) => ({ name: 'daysOfWeek', valueCode: d })),
    { name: 'startTime', valueTime: `${input.startTime}:00` },
    { name: 'durationMinutes', valuePositiveInt: input.minutes },
    { name: 'from', valueDate: input.from },
    { name: 'to', valueDate: input.to },
    { name: 'sessionType', valueCoding: { system: SESSION_TYPE, code: input.sessionType ?? 'group-psychotherapy' } },
    ...input.facilitators.map((f) => ({ name: 'facilitator', valueReference: { reference: `Practitioner/${f}` } })),
    ...(input.location ? [{ name: 'location', valueReference: { reference: `Location/${input.location}` } }] : []),
    ...(input.extra ?? []),
  ));
}

export async function searchResources<T extends Resource>(server: TestServer, query: string): Promise<T[]> {
  const res = await server.http.get(`/fhir/${query}${query.includes('?') ? '&' : '?'}_count=1000`);
  if (res.status !== 200) throw new Error(`search ${query} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return ((res.body as Bundle).entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
}

export async function countOf(server: TestServer, resourceType: string): Promise<number> {
  return (await server.pool.query('SELECT count(*)::int AS n FROM resource WHERE resource_type = $1 AND NOT deleted', [resourceType])).rows[0].n;
}
