/**
 * `npm run bench`: one run against a fresh PostgreSQL database (embedded in a temp dir, or DATABASE_URL) with the
 * real server as a child process. Prints a line per phase while running; the LAST line is one JSON object.
 *
 * Environment (all optional): BENCH_OPS requests per CRUD phase (default 500), BENCH_BUNDLES patient bundles to
 * ingest (default 50, all), BENCH_CONCURRENCY (default "1,8"), BENCH_SEARCH=0 to skip the search benchmark,
 * BENCH_EXPORT=0 to skip the Bulk Data export benchmark, BENCH_SUBSCRIPTIONS=0 to skip the subscription notification
 * latency (bench/subscription-bench.ts: BENCH_SUBSCRIPTIONS subscriptions, default 100), BENCH_BEARER_TOKEN sent as Authorization on every FHIR request
 * (default: a token minted for a bench backend client), WORKERS server processes (as for the server; default one per
 * core).
 *
 * Search benchmark hook: when bench/search-bench.ts exists, its `runSearchBench(context)` runs after the ingest,
 * against the loaded data. `context` is a SearchBenchContext (below); the same values are also in the environment
 * as BENCH_FHIR_BASE, BENCH_DATABASE_URL and BENCH_SERVER_PID. Its result goes under "search" in the JSON.
 */
import '../server/src/polyfills';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBenchDatabase, type BenchDatabase } from './bench-database';
import { ensureBenchToken } from './bench-token';
import { runCrudBench } from './crud-bench';
import { runExportBench } from './export-bench';
import { FhirClient } from './fhir-client';
import { runImportBench } from './import-bench';
import { runIngestBench } from './ingest-bench';
import { RawBaseline } from './raw-baseline';
import { startServerChild, type ServerChild } from './server-child';
import { runSubscriptionBench } from './subscription-bench';
import { patientBodies, readSyntheaBundles } from './synthea-data';

export interface SearchBenchContext {
  fhirBase: string;
  databaseUrl: string;
  serverPid: number;
  concurrencies: number[];
  log: (line: string) => void;
  serverRssMiB: () => number;
}

const log = (line: string) => console.log(line);

function readSettings() {
  const int = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  const concurrencies = (process.env.BENCH_CONCURRENCY ?? '1,8').split(',').map((c) => Number(c.trim()));
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('BENCH_CONCURRENCY must list positive integers');
  return { operations: int('BENCH_OPS', 500), bundles: int('BENCH_BUNDLES', 50), concurrencies };
}

function machine(postgresVersion: string, databaseKind: string, loadAtStart: number) {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: postgresVersion,
    database: databaseKind,
    // Other work on the machine skews every figure; the 1-minute load average before the run says how much.
    loadAverage1mAtStart: Math.round(loadAtStart * 100) / 100,
  };
}

async function runSearchIfPresent(context: SearchBenchContext): Promise<Record<string, unknown> | undefined> {
  const file = path.join(__dirname, 'search-bench.ts');
  if (process.env.BENCH_SEARCH === '0' || !existsSync(file)) return undefined;
  process.env.BENCH_FHIR_BASE = context.fhirBase;
  process.env.BENCH_DATABASE_URL = context.databaseUrl;
  process.env.BENCH_SERVER_PID = String(context.serverPid);
  log('--- search (bench/search-bench.ts)');
  const module = (await import(file)) as { runSearchBench?: (context: SearchBenchContext) => Promise<Record<string, unknown>> };
  if (typeof module.runSearchBench !== 'function') throw new Error('bench/search-bench.ts does not export runSearchBench');
  return module.runSearchBench(context);
}

async function main(): Promise<void> {
  const settings = readSettings();
  const started = Date.now();
  const loadAtStart = os.loadavg()[0];
  const { reference, patients } = readSyntheaBundles(settings.bundles);
  log(`iop-fhir benchmark: ${settings.operations} requests per CRUD phase, ${patients.length} patient bundles, concurrency ${settings.concurrencies.join(' and ')}`);

  let database: BenchDatabase | undefined;
  let server: ServerChild | undefined;
  let raw: RawBaseline | undefined;
  let client: FhirClient | undefined;
  try {
    database = await openBenchDatabase(log);
    server = await startServerChild(database.url, log);
    const rssMiBAfterStart = server.rssMiB();
    const maxConcurrency = Math.max(...settings.concurrencies);
    raw = await RawBaseline.open(database.url, maxConcurrency);
    client = new FhirClient(server.fhirBase, await ensureBenchToken(database.url, server.origin, log));

    log('--- create, read, update, vread, history (Patient, over HTTP) beside raw pg');
    const crud = await runCrudBench({
      client, server, raw, bodies: patientBodies(patients), operations: settings.operations, concurrencies: settings.concurrencies, log,
    });
    log('--- transaction ingest of Synthea bundles beside raw pg (one transaction per bundle)');
    const ingest = await runIngestBench({ client, server, raw, reference, patients, concurrencies: settings.concurrencies, log });
    log('--- Bulk $import of the same patients\' resources as NDJSON files beside raw pg (one transaction per file)');
    const bulkImport = await runImportBench(client, raw, patients, log);
    const search = await runSearchIfPresent({
      fhirBase: server.fhirBase, databaseUrl: database.url, serverPid: server.pid, concurrencies: settings.concurrencies, log,
      serverRssMiB: server.rssMiB,
    });

    log('--- Bulk Data $export of everything loaded, beside raw pg');
    const bulkExport = process.env.BENCH_EXPORT === '0' ? undefined
      : await runExportBench({ fhirBase: server.fhirBase, databaseUrl: database.url, bearerToken: process.env.BENCH_BEARER_TOKEN, log });
    log('--- subscription notifications: commit to delivery with BENCH_SUBSCRIPTIONS (100) active subscriptions');
    const subscriptions = process.env.BENCH_SUBSCRIPTIONS === '0' ? undefined : await runSubscriptionBench(client, log);
    const memory = {
      measuredAs: `VmRSS/VmHWM of the server (pid ${server.pid}, the compiled build with WORKERS=${server.workers}), summed over its processes, MiB`,
      rssMiBAfterStart,
      rssMiBPeak: server.peakRssMiB(),
      rssMiBEnd: server.rssMiB(),
      // Issue 18's memory target is per process: the primary (database, background work) and each worker.
      peakRssMiBPerProcess: server.peakRssMiBPerProcess(),
    };
    log(`server RSS: ${memory.rssMiBAfterStart} MiB after start, peak ${memory.rssMiBPeak} MiB, ${memory.rssMiBEnd} MiB at the end; peak per process ${memory.peakRssMiBPerProcess.join(' / ')} MiB (primary first)`);
    const result = {
      benchmark: 'iop-fhir core',
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: machine(database.postgresVersion, database.kind, loadAtStart),
      settings: { ...settings, serverWorkers: server.workers, crudResource: 'Patient (Synthea, ~3.5 kB)', latency: 'per request (CRUD) or per bundle (ingest), ms' },
      serverMemory: memory,
      crud,
      ingest,
      bulkImport,
      ...(search ? { search } : {}),
      ...(bulkExport ? { bulkExport } : {}),
      ...(subscriptions ? { subscriptions } : {}),
    };
    await shutdown(client, raw, server, database);
    console.log(JSON.stringify(result));
  } catch (err) {
    await shutdown(client, raw, server, database).catch(() => undefined);
    throw err;
  }
}

async function shutdown(client?: FhirClient, raw?: RawBaseline, server?: ServerChild, database?: BenchDatabase): Promise<void> {
  await client?.close();
  await raw?.close();
  await server?.stop();
  await database?.close();
}

main().catch((err) => {
  console.error(`benchmark failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
