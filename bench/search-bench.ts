/**
 * Search benchmark: generated IOP data at growing sizes (default 10,000 then 100,000 patients, ~20 resources each),
 * and at each size the common IOP queries over HTTP beside hand-written SQL on the same tables: p50/p95 at one
 * client, throughput at the highest concurrency, and the p50 ratio between the largest and smallest size.
 *
 * Run inside `npm run bench` (bench/run.ts calls runSearchBench with its server and database), or alone:
 * `npm run build && npx tsx bench/search-bench.ts` (its own database and server). Environment: BENCH_SEARCH_PATIENTS (patients,
 * comma-separated, ascending; default "10000,100000"; e.g. "2000,10000" for a quick run), BENCH_SEARCH_OPS
 * (requests per query and phase; default 200). Per query it reports the server over HTTP, the server's own page
 * statement run directly (so HTTP/JSON overhead and database time can be told apart), the hand-written SQL, and
 * the tables (if any) the page statement's plan scans whole. Then, at the largest size, the cost of the 42 CFR Part 2
 * consent filter (bench/part2-bench.ts; BENCH_PART2=0 skips it).
 */
import '../server/src/polyfills';
import { Pool } from 'pg';
import { loadFhirDefinitions } from '../server/src/fhir/definitions';
import { openBenchDatabase } from './bench-database';
import { ensureBenchToken } from './bench-token';
import { FhirClient } from './fhir-client';
import { startServerChild } from './server-child';
import { BENCH_QUERIES, BenchQuery, pickFor } from './search-queries';
import { runPart2Bench } from './part2-bench';
import { generatePatients, withoutSecondaryIndexes } from './search-data';
import { seqScannedTables, serverPageStatement } from './search-plans';
import { LoadResult, round, runLoad } from './stats';

export interface SearchBenchOptions {
  fhirBase: string;
  databaseUrl: string;
  concurrencies?: number[];
  log?: (line: string) => void;
}

interface QueryFigures {
  http: { p50Ms: number; p95Ms: number; perSecond: number; perSecondConcurrent: number; concurrency: number };
  /** The first request for each pick (its pages not yet in the database's cache), at 1 client. */
  httpFirstTouch: { p50Ms: number; p95Ms: number };
  sql: { p50Ms: number; p95Ms: number; perSecond: number; perSecondConcurrent: number };
  /** The server's page statement alone, run directly at 1 client: the database's share of the HTTP time. */
  serverSql: { p50Ms: number; p95Ms: number };
  p50VsSql: number;
  /** Tables the page statement's plan scans whole at this size ([] = indexes only). */
  seqScans: string[];
}

function readSizes(): number[] {
  const text = process.env.BENCH_SEARCH_PATIENTS ?? process.env.SEARCH_BENCH_SIZES ?? '10000,100000';
  const sizes = text.split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 100) || sizes.some((s, i) => i > 0 && s <= sizes[i - 1])) {
    throw new Error('BENCH_SEARCH_PATIENTS must list ascending patient counts of at least 100');
  }
  return sizes;
}

export async function runSearchBench(options?: SearchBenchOptions): Promise<Record<string, unknown>> {
  if (!options) return runStandalone();
  loadFhirDefinitions();
  const log = options.log ?? ((line: string) => console.log(line));
  const sizes = readSizes();
  const operations = Number(process.env.BENCH_SEARCH_OPS ?? process.env.SEARCH_BENCH_OPS ?? 200);
  const concurrency = Math.max(...(options.concurrencies ?? [1, 8]));
  const pool = new Pool({ connectionString: options.databaseUrl, max: concurrency + 2, application_name: 'iop-bench-search' });
  const client = new FhirClient(options.fhirBase, process.env.BENCH_BEARER_TOKEN);
  const bySize: Record<string, unknown> = {};
  const p50s: Record<string, number[]> = {};
  let part2: Record<string, unknown> | undefined;
  try {
    let generated = 0;
    for (const size of sizes) {
      log(`search: generating patients ${generated}–${size} (~20 resources each) through the index extractor`);
      const from = generated;
      const generation = await withoutSecondaryIndexes(pool, () => generatePatients(pool, from, size, log), log);
      generated = size;
      await pool.query('VACUUM (ANALYZE)'); // what autovacuum does after a bulk load: statistics, visibility map, hint bits
      log(`search: ${generation.resources} resources in ${round(generation.seconds, 1)} s; measuring at ${size} patients`);
      const queries: Record<string, QueryFigures> = {};
      for (const query of BENCH_QUERIES) {
        await checkAnswers(client, pool, query, size);
        queries[query.name] = { ...await measure(client, pool, query, size, operations, concurrency),
          seqScans: await seqScannedTables(pool, query.http(pickFor(1, size))) };
        (p50s[query.name] ??= []).push(queries[query.name].http.p50Ms);
        const q = queries[query.name];
        log(`  ${query.name}: http p50 ${q.http.p50Ms} ms p95 ${q.http.p95Ms} ms ${q.http.perSecondConcurrent}/s at ${concurrency} (first touch p50 ${q.httpFirstTouch.p50Ms} ms) | server statement p50 ${q.serverSql.p50Ms} ms | sql p50 ${q.sql.p50Ms} ms (×${q.p50VsSql})${q.seqScans.length ? ` | SEQ SCAN ${q.seqScans.join(', ')}` : ''}`);
      }
      bySize[String(size)] = { generation: { resources: generation.resources, seconds: round(generation.seconds, 1),
        resourcesPerSecond: round(generation.resources / generation.seconds, 0) }, queries };
    }
    if (process.env.BENCH_PART2 !== '0') {
      log(`part2: the consent filter at ${generated} patients`);
      part2 = await runPart2Bench({ fhirBase: options.fhirBase, pool, patients: generated, operations, concurrency, log });
    }
  } finally {
    await client.close();
    await pool.end();
  }
  const ratio = Object.fromEntries(Object.entries(p50s).map(([name, list]) => [name, round(list[list.length - 1] / list[0], 2)]));
  return {
    sizes: sizes.map((s) => `${s} patients`),
    method: 'per query: one pass over BENCH_SEARCH_OPS picks at 1 client reported as first touch; then the same picks at 1 client (p50/p95, ms) and at the highest concurrency (per second), over HTTP with _count=20, beside hand-written SQL for the same page (same picks, so the same cache state)',
    bySize,
    [`httpP50Ratio_${sizes[sizes.length - 1]}_vs_${sizes[0]}`]: ratio,
    ...(part2 ? { part2 } : {}),
  };
}

/** A wrong answer must never look fast: the first pick of each query returns at least `minMatches` matches over HTTP and in SQL. */
async function checkAnswers(client: FhirClient, pool: Pool, query: BenchQuery, size: number): Promise<void> {
  const pick = pickFor(1, size);
  const bundle = JSON.parse(await client.request('GET', query.http(pick))) as { entry?: { search?: { mode?: string } }[] };
  const matches = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').length;
  const { text, values } = query.sql(pick);
  const rows = (await pool.query(text, values)).rowCount ?? 0;
  if (matches < query.minMatches || rows < query.minMatches) {
    throw new Error(`${query.name} (${query.http(pick)}): ${matches} matches over HTTP, ${rows} rows in SQL; expected at least ${query.minMatches}`);
  }
}

async function measure(client: FhirClient, pool: Pool, query: BenchQuery, size: number, operations: number, concurrency: number): Promise<Omit<QueryFigures, 'seqScans'>> {
  const http = (i: number) => client.request('GET', query.http(pickFor(i, size))).then(() => 1);
  const sql = (i: number) => {
    const { text, values } = query.sql(pickFor(i, size));
    return pool.query(text, values).then(() => 1);
  };
  // The first touch of every pick, reported apart: at 100k patients its pages are mostly not in shared_buffers yet
  // (a bulk load leaves them elsewhere), and a phase that met them first would pay for the phases after it.
  const firstTouch = await runLoad(operations, 1, http);
  await runLoad(Math.min(50, operations), concurrency, sql); // warm-up: plans, connections
  const httpSerial = await runLoad(operations, 1, http);
  const httpConcurrent = await runLoad(operations, concurrency, http);
  const sqlSerial = await runLoad(operations, 1, sql);
  const sqlConcurrent = await runLoad(operations, concurrency, sql);
  const serverStatement = await runLoad(operations, 1, (i) => {
    const { text, values } = serverPageStatement(query.http(pickFor(i, size)));
    return pool.query(text, values).then(() => 1);
  });
  const figures = (serial: LoadResult, concurrent: LoadResult) => ({
    p50Ms: serial.p50Ms, p95Ms: serial.p95Ms, perSecond: serial.perSecond, perSecondConcurrent: concurrent.perSecond,
  });
  return {
    http: { ...figures(httpSerial, httpConcurrent), concurrency },
    httpFirstTouch: { p50Ms: firstTouch.p50Ms, p95Ms: firstTouch.p95Ms },
    sql: figures(sqlSerial, sqlConcurrent),
    serverSql: { p50Ms: serverStatement.p50Ms, p95Ms: serverStatement.p95Ms },
    p50VsSql: round(httpSerial.p50Ms / Math.max(sqlSerial.p50Ms, 0.001), 1),
  };
}

/** Alone: a fresh database and server child, as bench/run.ts would give. */
async function runStandalone(): Promise<Record<string, unknown>> {
  const log = (line: string) => console.log(line);
  const database = await openBenchDatabase(log);
  const server = await startServerChild(database.url, log);
  try {
    await ensureBenchToken(database.url, server.origin, log);
    return await runSearchBench({ fhirBase: server.fhirBase, databaseUrl: database.url, log });
  } finally {
    await server.stop();
    await database.close();
  }
}

if (require.main === module) {
  runSearchBench()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((err) => {
      console.error(`search benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      process.exit(1);
    });
}
