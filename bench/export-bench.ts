/**
 * Bulk Data export benchmark: a system-level `$export` of everything loaded (kick-off → poll → download every NDJSON
 * file over HTTP), beside the raw baseline of selecting the same current rows with plain `pg` and joining them into
 * NDJSON, on the same database in the same run.
 */
import { Pool } from 'pg';
import { Agent, fetch } from 'undici';

export interface ExportBenchOptions {
  fhirBase: string;
  databaseUrl: string;
  bearerToken?: string;
  log: (line: string) => void;
}

export interface ExportBenchResult {
  resources: number;
  files: number;
  seconds: number;
  resourcesPerSecond: number;
  /** Kick-off until the manifest (the server's job), and the downloads after it. */
  jobSeconds: number;
  downloadSeconds: number;
  raw: { resources: number; seconds: number; resourcesPerSecond: number };
  ratioToRaw: number;
}

export async function runExportBench(options: ExportBenchOptions): Promise<ExportBenchResult> {
  const agent = new Agent({ connections: 4 });
  const headers: Record<string, string> = options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {};
  try {
    const started = performance.now();
    const kickOff = await fetch(`${options.fhirBase}/$export`, { headers: { ...headers, accept: 'application/fhir+json', prefer: 'respond-async' }, dispatcher: agent });
    await kickOff.text();
    const statusUrl = kickOff.headers.get('content-location');
    if (kickOff.status !== 202 || !statusUrl) throw new Error(`$export kick-off answered ${kickOff.status}`);
    let manifest: { output: { url: string; count: number }[] } | undefined;
    while (!manifest) {
      const status = await fetch(statusUrl, { headers: { ...headers, accept: 'application/json' }, dispatcher: agent });
      if (status.status === 200) manifest = (await status.json()) as typeof manifest;
      else if (status.status === 202) {
        await status.text();
        await new Promise((resolve) => setTimeout(resolve, 100)); // a client would honour Retry-After; we want the finish time
      } else throw new Error(`export status answered ${status.status}: ${await status.text()}`);
    }
    const jobDone = performance.now();
    let resources = 0;
    for (const file of manifest.output) {
      const download = await fetch(file.url, { headers: { ...headers, accept: 'application/fhir+ndjson' }, dispatcher: agent });
      const lines = await countLines(download.body as AsyncIterable<Uint8Array> | null);
      if (lines !== file.count) throw new Error(`${file.url}: ${lines} lines, manifest says ${file.count}`);
      resources += lines;
    }
    const downloadsDone = performance.now();
    const seconds = (downloadsDone - started) / 1000;
    const raw = await rawExport(options.databaseUrl);
    const result: ExportBenchResult = {
      resources,
      files: manifest.output.length,
      seconds: round(seconds),
      resourcesPerSecond: Math.round(resources / seconds),
      jobSeconds: round((jobDone - started) / 1000),
      downloadSeconds: round((downloadsDone - jobDone) / 1000),
      raw: { ...raw, seconds: round(raw.seconds), resourcesPerSecond: Math.round(raw.resources / raw.seconds) },
      ratioToRaw: round(raw.resources / raw.seconds / (resources / seconds)),
    };
    options.log(`$export: ${resources} resources in ${result.files} files, ${result.seconds} s (${result.resourcesPerSecond}/s; job ${result.jobSeconds} s) — raw pg ${result.raw.resourcesPerSecond}/s, ${result.ratioToRaw}× faster`);
    return result;
  } finally {
    await agent.close();
  }
}

/**
 * Lines of an NDJSON download, counted as it streams: after the search benchmark a type holds a million resources,
 * more text than one JavaScript string can.
 */
async function countLines(body: AsyncIterable<Uint8Array> | null): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of body ?? []) {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1];
  }
  return last === 0x0a ? lines : lines + 1;
}

const RAW_PAGE = 10_000;

/**
 * The same current rows, type by type in res_id order, straight from PostgreSQL into NDJSON text, a page of
 * RAW_PAGE rows at a time (keyset paging), as a plain export job would.
 */
async function rawExport(databaseUrl: string): Promise<{ resources: number; seconds: number }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 1, application_name: 'iop-bench-raw-export' });
  try {
    const started = performance.now();
    const { rows: types } = await pool.query<{ resource_type: string }>("SELECT DISTINCT resource_type FROM resource WHERE resource_type <> 'AuditEvent'");
    let resources = 0;
    for (const { resource_type: type } of types) {
      for (let after = '0'; ;) {
        const { rows } = await pool.query<{ res_id: string; content: string }>(
          'SELECT res_id, content::text AS content FROM resource WHERE resource_type = $1 AND NOT deleted AND res_id > $2 ORDER BY res_id LIMIT $3',
          [type, after, RAW_PAGE],
        );
        if (rows.length === 0) break;
        const ndjson = `${rows.map((r) => r.content).join('\n')}\n`;
        if (ndjson.length > 1) resources += rows.length;
        after = rows[rows.length - 1].res_id;
      }
    }
    return { resources, seconds: (performance.now() - started) / 1000 };
  } finally {
    await pool.end();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
