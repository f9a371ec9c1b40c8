/**
 * Transaction ingest of the Synthea bundles: the hospital and practitioner bundles first (once), then the patient
 * bundles at each concurrency (every concurrency loads the same bundles again, as new resources), each beside the
 * raw `pg` baseline writing the same resources in one transaction per bundle.
 */
import type { BundleFile } from './synthea-data';
import type { FhirClient } from './fhir-client';
import type { PhaseFigures } from './crud-bench';
import { formatPhase } from './crud-bench';
import type { RawBaseline } from './raw-baseline';
import { RssSampler, type ServerChild } from './server-child';
import { compare, runLoad } from './stats';

export interface IngestFigures {
  /** The hospital and practitioner bundles, loaded one after the other before the patients. */
  reference: PhaseFigures & { bundles: number; resources: number };
  /** Patient bundles per concurrency: units are resources; p50/p95 are per bundle. */
  patients: Record<string, PhaseFigures & { bundles: number; resources: number }>;
}

export interface IngestBenchOptions {
  client: FhirClient;
  server: ServerChild;
  raw: RawBaseline;
  reference: BundleFile[];
  patients: BundleFile[];
  concurrencies: number[];
  log: (line: string) => void;
}

export async function runIngestBench(options: IngestBenchOptions): Promise<IngestFigures> {
  const { log } = options;
  const reference = await ingestPhase(options, options.reference, 1);
  log(formatPhase('ingest/reference', 1, reference, 'res'));
  const patients: IngestFigures['patients'] = {};
  for (const concurrency of options.concurrencies) {
    const figure = await ingestPhase(options, options.patients, concurrency);
    patients[`c${concurrency}`] = figure;
    log(formatPhase('ingest', concurrency, figure, 'res') + `  (${figure.bundles} bundles, ${figure.resources} resources)`);
  }
  return { reference, patients };
}

async function ingestPhase(options: IngestBenchOptions, bundles: BundleFile[], concurrency: number) {
  const { client, raw } = options;
  const sampler = new RssSampler(options.server).start();
  const server = await runLoad(bundles.length, concurrency, async (i) => {
    await client.request('POST', '', bundles[i].text, [200]);
    return bundles[i].entries;
  });
  const memory = sampler.stop();
  const rawResult = await runLoad(bundles.length, concurrency, (i) => raw.ingest(bundles[i].text));
  const figure: PhaseFigures = { server: { ...server, ...memory }, raw: rawResult, ...compare(server, rawResult) };
  return { ...figure, bundles: bundles.length, resources: server.units };
}
