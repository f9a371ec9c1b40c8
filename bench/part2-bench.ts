/**
 * What the 42 CFR Part 2 consent filter costs (issue 11: ≤ 1.2× the same query on unlabelled data). Runs on the
 * search benchmark's generated data at its largest size: the clinical records of every odd-numbered patient are
 * labelled 42CFRPart2 (as the server's labelling would), and half of those patients (4k+1) consent to disclosure to
 * Organization/org-0 for payment. A backend client registered for that organisation and purpose then reads and
 * searches the same shapes of data for an unlabelled patient (4k) and a labelled, consented one (4k+1); both go
 * through the Part 2 condition of the access filter, which for unlabelled rows stops at `part2_patients IS NULL`.
 */
import type { Pool } from 'pg';
import { mintScriptToken } from '../server/src/admin/script-token';
import { FhirClient } from './fhir-client';
import { performance } from 'node:perf_hooks';
import { LoadResult, round, runLoad, summarise } from './stats';

const PAYER_ORG = 'Organization/org-0';
const LABELS = JSON.stringify([
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: '42CFRPart2' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SUD' },
  { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' },
]);

export interface Part2BenchOptions {
  fhirBase: string;
  pool: Pool;
  patients: number;
  operations: number;
  concurrency: number;
  log: (line: string) => void;
}

interface Shape {
  name: string;
  path: (patient: number) => string;
  /** Matches a consented patient's query must return (a wrong answer must never look fast). */
  matches: number;
}

const SHAPES: Shape[] = [
  { name: 'read Observation by id', path: (p) => `Observation/obs-${p}-0`, matches: 1 },
  { name: 'search Observation?subject=', path: (p) => `Observation?subject=Patient/pat-${p}&_count=20`, matches: 8 },
  { name: 'search Encounter?patient=&_include=Encounter:appointment', path: (p) => `Encounter?patient=Patient/pat-${p}&_include=Encounter:appointment&_count=20`, matches: 4 },
];

export async function runPart2Bench(options: Part2BenchOptions): Promise<Record<string, unknown>> {
  const { pool, log } = options;
  const started = Date.now();
  const labelled = await labelOddPatients(pool);
  log(`part2: labelled ${labelled.resources} resources of ${labelled.patients} patients, ${labelled.consents} consents, in ${round((Date.now() - started) / 1000, 1)} s`);
  const origin = options.fhirBase.replace(/\/fhir$/, '');
  const token = await mintScriptToken(pool, {
    baseUrl: origin, clientId: 'iop-bench-payer', scope: 'system/*.rs', seconds: 3600, actsFor: { organization: PAYER_ORG, purposes: ['HPAYMT'] },
  });
  const client = new FhirClient(options.fhirBase, token);
  const quarter = Math.floor(options.patients / 4);
  const pick = (i: number) => ((i * 7919) % quarter) * 4; // an unlabelled patient; +1 is labelled and consented
  const shapes: Record<string, unknown> = {};
  try {
    await checkAnswers(client, pick(1));
    for (const shape of SHAPES) {
      const request = (patient: number) => client.request('GET', shape.path(patient)).then(() => 1);
      const run = (offset: number, concurrency: number, total = options.operations) => runLoad(total, concurrency, (i) => request(pick(i) + offset));
      await run(0, options.concurrency); // warm-up: both shapes' pages, plans, connections
      await run(1, options.concurrency);
      // Interleaved request by request (p50) and round by round (throughput), so load from other work on a shared
      // machine falls on both sides alike.
      const latency = await interleavedLatencies(options.operations, (i) => request(pick(i)), (i) => request(pick(i) + 1));
      const rounds = 4;
      const plainRounds: LoadResult[] = [];
      const consentedRounds: LoadResult[] = [];
      for (let r = 0; r < rounds; r++) {
        plainRounds.push(await run(0, options.concurrency, Math.ceil(options.operations / 2)));
        consentedRounds.push(await run(1, options.concurrency, Math.ceil(options.operations / 2)));
      }
      const perSecond = (list: LoadResult[]) => round(list.reduce((n, l) => n + l.count, 0) / list.reduce((t, l) => t + l.seconds, 0), 1);
      const plain = { p50Ms: latency.first.p50Ms, p95Ms: latency.first.p95Ms, perSecondConcurrent: perSecond(plainRounds) };
      const consented = { p50Ms: latency.second.p50Ms, p95Ms: latency.second.p95Ms, perSecondConcurrent: perSecond(consentedRounds) };
      // The labelled copies carry four security labels more and the Bundle the §2.32 notice: a bigger body.
      const bytes = async (patient: number) => (await client.request('GET', shape.path(patient))).length;
      const s = {
        unlabelled: { ...plain, responseBytes: await bytes(pick(1)) },
        part2Consented: { ...consented, responseBytes: await bytes(pick(1) + 1) },
        p50Ratio: round(consented.p50Ms / Math.max(plain.p50Ms, 0.001), 2),
        throughputRatio: round(plain.perSecondConcurrent / Math.max(consented.perSecondConcurrent, 0.001), 2),
      };
      shapes[shape.name] = s;
      log(`  part2 ${shape.name}: unlabelled p50 ${plain.p50Ms} ms ${plain.perSecondConcurrent}/s ${s.unlabelled.responseBytes} B | labelled+consented p50 ${consented.p50Ms} ms ${consented.perSecondConcurrent}/s ${s.part2Consented.responseBytes} B | cost ×${s.p50Ratio} (p50), ×${s.throughputRatio} (throughput at ${options.concurrency})`);
    }
  } finally {
    await client.close();
  }
  return {
    method: `a backend client for ${PAYER_ORG} (purpose HPAYMT); per shape: unlabelled patients (4k) vs labelled patients with a consent (4k+1), ${options.operations} requests per phase, p50 at 1 client (unlabelled and labelled requests alternated one by one) and throughput at ${options.concurrency} (4 alternated rounds each); ratio = labelled ÷ unlabelled cost`,
    patients: options.patients,
    labelledPatients: labelled.patients,
    consentedPatients: labelled.consents,
    shapes,
  };
}

/** `first(i)` and `second(i)` one after the other, `total` times, at one client: the latencies of each side. */
async function interleavedLatencies(total: number, first: (i: number) => Promise<unknown>, second: (i: number) => Promise<unknown>) {
  const timings: [number[], number[]] = [[], []];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    for (const [side, op] of [first, second].entries()) {
      const t = performance.now();
      await op(i);
      timings[side].push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { first: summarise(timings[0], total, seconds), second: summarise(timings[1], total, seconds) };
}

/** A labelled patient without a consent (4k+3) must get nothing; a consented one (4k+1) everything; an unlabelled one (4k) everything. */
async function checkAnswers(client: FhirClient, patient: number): Promise<void> {
  const count = async (path: string) => {
    const body = JSON.parse(await client.request('GET', path, undefined, [200, 404])) as { resourceType: string; entry?: { search?: { mode?: string } }[] };
    if (body.resourceType !== 'Bundle') return body.resourceType === 'OperationOutcome' ? 0 : 1;
    return (body.entry ?? []).filter((e) => e.search?.mode === 'match').length;
  };
  for (const shape of SHAPES) {
    const got = [await count(shape.path(patient)), await count(shape.path(patient + 1)), await count(shape.path(patient + 3))];
    if (got[0] !== shape.matches || got[1] !== shape.matches || got[2] !== 0) {
      throw new Error(`part2 bench ${shape.name}: unlabelled/consented/unconsented answered ${got.join('/')} matches; expected ${shape.matches}/${shape.matches}/0`);
    }
  }
}

/** Labels every odd patient's clinical rows as the server's labelling would, and writes the 4k+1 patients' consents. */
async function labelOddPatients(pool: Pool): Promise<{ resources: number; patients: number; consents: number }> {
  const labelled = await pool.query(`
    UPDATE resource r SET part2_patients = ARRAY[x.target_id],
           content = r.content || jsonb_build_object('meta', coalesce(r.content->'meta', '{}'::jsonb) || jsonb_build_object('security', $1::jsonb))
      FROM idx_reference x
     WHERE x.res_id = r.res_id AND x.target_type = 'Patient' AND x.param IN ('patient', 'subject') AND r.part2_patients IS NULL
       AND r.resource_type IN ('Condition', 'Appointment', 'Encounter', 'Observation')
       AND x.target_id LIKE 'pat-%' AND substring(x.target_id FROM 5)::int % 2 = 1`, [LABELS]);
  const consents = await pool.query(`
    WITH patients AS (SELECT id FROM resource WHERE resource_type = 'Patient' AND id LIKE 'pat-%' AND substring(id FROM 5)::int % 4 = 1
                        AND NOT EXISTS (SELECT 1 FROM resource c WHERE c.resource_type = 'Consent' AND c.id = 'bench-consent-' || resource.id)),
         consent AS (INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content)
           SELECT 'Consent', 'bench-consent-' || id, 1, now(), false,
                  jsonb_build_object('resourceType', 'Consent', 'id', 'bench-consent-' || id, 'status', 'active', 'patient', jsonb_build_object('reference', 'Patient/' || id))
             FROM patients RETURNING res_id, id)
    INSERT INTO part2_consent_rule (consent_res_id, consent_id, rule_no, patient_id, effect, recipients, purposes, period, classes, labels)
      SELECT res_id, id, 0, substring(id FROM 15), 'permit', ARRAY[$1], ARRAY['HPAYMT'], tstzrange(NULL, NULL), '{}', '{}' FROM consent`, [PAYER_ORG]);
  const patients = await pool.query(`SELECT count(DISTINCT part2_patients[1])::int AS n FROM resource WHERE part2_patients IS NOT NULL`);
  await pool.query('ANALYZE resource; ANALYZE part2_consent_rule');
  return { resources: labelled.rowCount ?? 0, patients: patients.rows[0].n, consents: consents.rowCount ?? 0 };
}
