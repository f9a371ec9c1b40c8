/**
 * The benchmark's search queries: each as the FHIR request a client sends and as the SQL a person would write by
 * hand on the same tables (the baseline). `pick` chooses the patient/practitioner/day of one run.
 */
import { dayString, familyOf, FAMILY_SIZE, GAD7, MRN_SYSTEM, PATIENTS_PER_PRACTITIONER, PHQ9, sessionDay } from './search-data';

export interface Pick {
  patient: number;
  practitioner: number;
  day: number;
}

export interface BenchQuery {
  name: string;
  /** Path below the FHIR base. */
  http: (p: Pick) => string;
  /** Hand-written SQL returning the same page of resources. */
  sql: (p: Pick) => { text: string; values: unknown[] };
  /** The fewest matches a correct answer has (checked once, so a broken query cannot look fast). */
  minMatches: number;
}

const PAGE = 20;
const CONTENT = 'SELECT r.content FROM resource r';

export function pickFor(run: number, patients: number): Pick {
  // a fixed pseudo-random walk, so two sizes see comparable picks
  const patient = (run * 7919 + 104_729) % patients;
  const practitioner = Math.floor(((run * 3571) % patients) / PATIENTS_PER_PRACTITIONER);
  return { patient, practitioner, day: sessionDay(patient, run % 4) };
}

export const BENCH_QUERIES: BenchQuery[] = [
  {
    name: 'Patient?name=',
    http: (p) => `Patient?name=${familyOf(Math.floor(p.patient / FAMILY_SIZE))}`,
    sql: (p) => ({
      text: `${CONTENT} WHERE r.res_id IN (SELECT s.res_id FROM idx_string s WHERE s.resource_type = 'Patient' AND s.param = 'name'
             AND s.value_norm LIKE $1) AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`${familyOf(Math.floor(p.patient / FAMILY_SIZE)).toLowerCase()}%`],
    }),
    minMatches: FAMILY_SIZE,
  },
  {
    name: 'Patient?identifier=',
    http: (p) => `Patient?identifier=${MRN_SYSTEM}|MRN${p.patient}`,
    sql: (p) => ({
      text: `${CONTENT} WHERE r.res_id IN (SELECT t.res_id FROM idx_token t WHERE t.resource_type = 'Patient' AND t.param = 'identifier'
             AND t.code = $1 AND t.system = $2) AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`MRN${p.patient}`, MRN_SYSTEM],
    }),
    minMatches: 1,
  },
  {
    name: 'Observation?patient=&code=&date=ge',
    http: (p) => `Observation?patient=Patient/pat-${p.patient}&code=http://loinc.org|${PHQ9}&date=ge2024-01-01`,
    sql: (p) => ({
      text: `${CONTENT} JOIN idx_reference f ON f.res_id = r.res_id
             WHERE f.target_id = $1 AND f.target_type = 'Patient' AND f.param = 'patient' AND f.resource_type = 'Observation'
               AND EXISTS (SELECT 1 FROM idx_token t WHERE t.res_id = r.res_id AND t.param = 'code' AND t.code = $2 AND t.system = 'http://loinc.org')
               AND EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param = 'date' AND d.high >= '2024-01-01')
               AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`pat-${p.patient}`, PHQ9],
    }),
    minMatches: 4,
  },
  {
    name: 'Appointment?actor=&date=',
    http: (p) => `Appointment?actor=Practitioner/prac-${p.practitioner}&date=ge${dayString(p.day)}&date=lt${dayString(p.day + 14)}`,
    sql: (p) => ({
      text: `${CONTENT} JOIN idx_reference f ON f.res_id = r.res_id
             WHERE f.target_id = $1 AND f.target_type = 'Practitioner' AND f.param = 'actor' AND f.resource_type = 'Appointment'
               AND EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param = 'date' AND d.high >= $2 AND d.low < $3)
               AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`prac-${p.practitioner}`, dayString(p.day), dayString(p.day + 14)],
    }),
    minMatches: 1,
  },
  {
    name: 'Encounter?patient=&date=',
    http: (p) => `Encounter?patient=Patient/pat-${p.patient}&date=ge2024-01-01`,
    sql: (p) => ({
      text: `${CONTENT} JOIN idx_reference f ON f.res_id = r.res_id
             WHERE f.target_id = $1 AND f.target_type = 'Patient' AND f.param = 'patient' AND f.resource_type = 'Encounter'
               AND EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param = 'date' AND d.high >= '2024-01-01')
               AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`pat-${p.patient}`],
    }),
    minMatches: 4,
  },
  {
    name: 'chain Observation?subject:Patient.identifier=&code=',
    http: (p) => `Observation?subject:Patient.identifier=${MRN_SYSTEM}|MRN${p.patient}&code=${GAD7}`,
    sql: (p) => ({
      text: `${CONTENT} WHERE r.res_id IN (
               SELECT f.res_id FROM idx_token pi JOIN resource pt ON pt.res_id = pi.res_id
                 JOIN idx_reference f ON f.target_id = pt.id AND f.target_type = 'Patient' AND f.param = 'subject' AND f.resource_type = 'Observation'
               WHERE pi.resource_type = 'Patient' AND pi.param = 'identifier' AND pi.code = $1 AND pi.system = $2)
             AND EXISTS (SELECT 1 FROM idx_token t WHERE t.res_id = r.res_id AND t.param = 'code' AND t.code = $3)
             AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`MRN${p.patient}`, MRN_SYSTEM, GAD7],
    }),
    minMatches: 4,
  },
  {
    name: '_has Practitioner?_has:Appointment:actor:patient=',
    http: (p) => `Practitioner?_has:Appointment:actor:patient=Patient/pat-${p.patient}`,
    sql: (p) => ({
      text: `${CONTENT} WHERE r.resource_type = 'Practitioner' AND r.id IN (
               SELECT pf.target_id FROM idx_reference af JOIN idx_reference pf ON pf.res_id = af.res_id
               WHERE af.resource_type = 'Appointment' AND af.param = 'patient' AND af.target_type = 'Patient' AND af.target_id = $1
                 AND pf.param = 'actor' AND pf.target_type = 'Practitioner')
             AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1}`,
      values: [`pat-${p.patient}`],
    }),
    minMatches: 1,
  },
  {
    name: '_include Appointment?actor=&date=&_include=Appointment:patient',
    http: (p) => `Appointment?actor=Practitioner/prac-${p.practitioner}&date=ge${dayString(p.day)}&date=lt${dayString(p.day + 14)}&_include=Appointment:patient`,
    sql: (p) => ({
      text: `WITH page AS (SELECT r.res_id, r.content FROM resource r JOIN idx_reference f ON f.res_id = r.res_id
               WHERE f.target_id = $1 AND f.target_type = 'Practitioner' AND f.param = 'actor' AND f.resource_type = 'Appointment'
                 AND EXISTS (SELECT 1 FROM idx_date d WHERE d.res_id = r.res_id AND d.param = 'date' AND d.high >= $2 AND d.low < $3)
                 AND NOT r.deleted ORDER BY r.res_id LIMIT ${PAGE + 1})
             SELECT content FROM page UNION ALL
             SELECT t.content FROM resource t WHERE t.res_id IN (SELECT t2.res_id FROM page JOIN idx_reference i ON i.res_id = page.res_id
               AND i.param = 'patient' JOIN resource t2 ON t2.resource_type = i.target_type AND t2.id = i.target_id)`,
      values: [`prac-${p.practitioner}`, dayString(p.day), dayString(p.day + 14)],
    }),
    minMatches: 1,
  },
  {
    name: '_revinclude Patient?_id=&_revinclude=Observation:patient&_revinclude=Encounter:patient',
    http: (p) => `Patient?_id=pat-${p.patient}&_revinclude=Observation:patient&_revinclude=Encounter:patient`,
    sql: (p) => ({
      text: `SELECT r.content FROM resource r WHERE r.resource_type = 'Patient' AND r.id = $1 AND NOT r.deleted
             UNION ALL
             SELECT s.content FROM resource s WHERE s.res_id IN (SELECT f.res_id FROM idx_reference f
               WHERE f.target_id = $1 AND f.target_type = 'Patient' AND f.param = 'patient' AND f.resource_type IN ('Observation', 'Encounter'))`,
      values: [`pat-${p.patient}`],
    }),
    minMatches: 1,
  },
];
