/**
 * create, read, update, vread and instance history over real HTTP at each concurrency, each beside the raw `pg`
 * baseline doing the same with the same JSON. The bodies are the Synthea Patient resources (extensions,
 * identifiers, addresses: about 3.5 kB each).
 */
import type { Patient } from '@medplum/fhirtypes';
import type { FhirClient } from './fhir-client';
import type { RawBaseline } from './raw-baseline';
import { RssSampler, type ServerChild } from './server-child';
import { compare, runLoad, type LoadResult } from './stats';

export const CRUD_OPERATIONS = ['create', 'read', 'update', 'vread', 'history'] as const;
export type CrudOperation = (typeof CRUD_OPERATIONS)[number];

export interface PhaseFigures {
  server: LoadResult & { rssMiBPeak: number; rssMiBEnd: number };
  raw: LoadResult;
  throughputVsRaw: number;
  p50VsRaw: number;
  p95VsRaw: number;
}

/** figures[operation][`c${concurrency}`] */
export type CrudFigures = Record<CrudOperation, Record<string, PhaseFigures>>;

export interface CrudBenchOptions {
  client: FhirClient;
  server: ServerChild;
  raw: RawBaseline;
  bodies: Patient[];
  operations: number;
  concurrencies: number[];
  log: (line: string) => void;
}

export async function runCrudBench(options: CrudBenchOptions): Promise<CrudFigures> {
  const { client, raw, bodies, log } = options;
  const texts = bodies.map((b) => JSON.stringify(b));
  const updated = (body: Patient, id: string, i: number) => JSON.stringify({ ...body, id, active: i % 2 === 0 });
  await warmUp(options, texts);

  const figures = Object.fromEntries(CRUD_OPERATIONS.map((op) => [op, {}])) as CrudFigures;
  for (const concurrency of options.concurrencies) {
    const n = options.operations;
    const serverIds: string[] = new Array(n);
    const rawIds: string[] = new Array(n);
    const pick = (ids: string[], i: number) => ids[i % ids.length];
    const phases: Record<CrudOperation, { server: (i: number) => Promise<unknown>; raw: (i: number) => Promise<unknown> }> = {
      create: {
        server: async (i) => {
          serverIds[i] = idOf(await client.request('POST', 'Patient', texts[i % texts.length], [201]));
        },
        raw: async (i) => {
          rawIds[i] = await raw.create(texts[i % texts.length]);
        },
      },
      read: {
        server: (i) => client.request('GET', `Patient/${pick(serverIds, i)}`, undefined, [200]),
        raw: (i) => raw.read(pick(rawIds, i)),
      },
      update: {
        server: (i) => client.request('PUT', `Patient/${pick(serverIds, i)}`, updated(bodies[i % bodies.length], pick(serverIds, i), i), [200]),
        raw: (i) => raw.update(pick(rawIds, i), updated(bodies[i % bodies.length], pick(rawIds, i), i)),
      },
      vread: {
        server: (i) => client.request('GET', `Patient/${pick(serverIds, i)}/_history/1`, undefined, [200]),
        raw: (i) => raw.vread(pick(rawIds, i), 1),
      },
      history: {
        server: (i) => client.request('GET', `Patient/${pick(serverIds, i)}/_history`, undefined, [200]),
        raw: (i) => raw.history(pick(rawIds, i)),
      },
    };
    for (const operation of CRUD_OPERATIONS) {
      const phase = phases[operation];
      const sampler = new RssSampler(options.server).start();
      const server = await runLoad(n, concurrency, async (i) => {
        await phase.server(i);
        return 1;
      });
      const memory = sampler.stop();
      const rawResult = await runLoad(n, concurrency, async (i) => {
        await phase.raw(i);
        return 1;
      });
      const figure: PhaseFigures = { server: { ...server, ...memory }, raw: rawResult, ...compare(server, rawResult) };
      figures[operation][`c${concurrency}`] = figure;
      log(formatPhase(operation, concurrency, figure));
    }
  }
  return figures;
}

/** A short run of every operation first, so JIT compilation and cold caches do not land in the figures. */
async function warmUp(options: CrudBenchOptions, texts: string[]): Promise<void> {
  const { client, raw } = options;
  for (let i = 0; i < 30; i++) {
    const id = idOf(await client.request('POST', 'Patient', texts[i % texts.length], [201]));
    await client.request('GET', `Patient/${id}`, undefined, [200]);
    await client.request('PUT', `Patient/${id}`, JSON.stringify({ ...JSON.parse(texts[i % texts.length]), id }), [200]);
    await client.request('GET', `Patient/${id}/_history/1`, undefined, [200]);
    await client.request('GET', `Patient/${id}/_history`, undefined, [200]);
    const rawId = await raw.create(texts[i % texts.length]);
    await raw.read(rawId);
    await raw.update(rawId, texts[i % texts.length]);
    await raw.vread(rawId, 1);
    await raw.history(rawId);
  }
}

function idOf(responseText: string): string {
  const id = (JSON.parse(responseText) as { id?: string }).id;
  if (!id) throw new Error(`create answered without an id: ${responseText.slice(0, 200)}`);
  return id;
}

export function formatPhase(name: string, concurrency: number, f: PhaseFigures, unit = 'req'): string {
  const s = f.server;
  const r = f.raw;
  return `${name.padEnd(8)} c=${String(concurrency).padEnd(2)} server ${fmt(s.unitsPerSecond)} ${unit}/s  p50 ${s.p50Ms.toFixed(2)} ms  p95 ${s.p95Ms.toFixed(2)} ms  RSS ${s.rssMiBPeak} MiB`
    + `  | raw pg ${fmt(r.unitsPerSecond)} ${unit}/s  p50 ${r.p50Ms.toFixed(2)} ms  p95 ${r.p95Ms.toFixed(2)} ms`
    + `  | server = ${(f.throughputVsRaw * 100).toFixed(1)}% of raw throughput`;
}

function fmt(value: number): string {
  return value.toFixed(1).padStart(8);
}
