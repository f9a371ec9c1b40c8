/**
 * Bulk `$import` throughput: the resources of the Synthea patient bundles, as one NDJSON file per type served by an
 * HTTP server in this process, pulled and loaded by the server (kick-off → status 200), beside the raw `pg` baseline
 * writing the same resources in one multi-row transaction per file, on the same database in the same run.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BundleFile } from './synthea-data';
import type { FhirClient } from './fhir-client';
import type { RawBaseline } from './raw-baseline';

export interface ImportFigures {
  resources: number;
  files: number;
  seconds: number;
  resourcesPerSecond: number;
  raw: { seconds: number; resourcesPerSecond: number };
  throughputVsRaw: number;
}

/** Resources by type, with fresh ids and `urn:uuid:` references turned into `Type/id`, as an export would hold them. */
export function ndjsonByType(bundles: BundleFile[], tag: string): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const [b, bundle] of bundles.entries()) {
    const entries = (JSON.parse(bundle.text) as { entry?: { fullUrl?: string; resource?: { resourceType: string; id?: string } }[] }).entry ?? [];
    const ids = new Map(entries.map((e, i) => [e.fullUrl ?? '', `${e.resource!.resourceType}/${tag}-${b}-${i}`]));
    entries.forEach((entry, i) => {
      const text = JSON.stringify({ ...entry.resource, id: `${tag}-${b}-${i}` })
        .replace(/"reference":"(urn:uuid:[^"]+)"/g, (whole, url: string) => (ids.has(url) ? `"reference":"${ids.get(url)}"` : whole));
      const list = byType.get(entry.resource!.resourceType) ?? [];
      list.push(text);
      byType.set(entry.resource!.resourceType, list);
    });
  }
  return byType;
}

export async function runImportBench(client: FhirClient, raw: RawBaseline, bundles: BundleFile[], log: (line: string) => void): Promise<ImportFigures> {
  const byType = ndjsonByType(bundles, 'import');
  const files = new Map([...byType].map(([type, lines]) => [`/${type}.ndjson`, lines.join('\n') + '\n']));
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/fhir+ndjson' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const parameters = {
      resourceType: 'Parameters',
      parameter: [...byType.keys()].map((type) => ({ name: 'input', part: [{ name: 'type', valueCode: type }, { name: 'url', valueUri: `${base}/${type}.ndjson` }] })),
    };
    const started = performance.now();
    const kickOff = await client.exchange('POST', '$import', JSON.stringify(parameters), [202], { prefer: 'respond-async' });
    const status = kickOff.headers.get('content-location')!;
    let result: { output: { count: number }[]; error: { url: string }[] } | undefined;
    while (!result) {
      const poll = await client.exchange('GET', status, undefined, [200, 202]);
      if (poll.status === 200) result = JSON.parse(poll.text) as typeof result;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    if (result.error.length > 0) throw new Error(`$import rejected ${result.error.length} inputs, e.g. ${await client.request('GET', result.error[0].url)}`);
    const resources = result.output.reduce((sum, o) => sum + o.count, 0);
    const rawStarted = performance.now();
    for (const lines of byType.values()) await raw.ingest(JSON.stringify({ entry: lines.map((line) => ({ resource: JSON.parse(line) as unknown })) }));
    const rawSeconds = (performance.now() - rawStarted) / 1000;
    const figures: ImportFigures = {
      resources, files: files.size, seconds: round(seconds), resourcesPerSecond: Math.round(resources / seconds),
      raw: { seconds: round(rawSeconds), resourcesPerSecond: Math.round(resources / rawSeconds) },
      throughputVsRaw: round(rawSeconds / seconds, 3),
    };
    log(`$import: ${resources} resources in ${figures.files} files, ${figures.seconds} s (${figures.resourcesPerSecond} res/s) | raw pg ${figures.raw.resourcesPerSecond} res/s | server = ${(100 * figures.throughputVsRaw).toFixed(1)}% of raw throughput`);
    return figures;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
