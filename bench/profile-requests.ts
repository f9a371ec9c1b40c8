/**
 * A CPU profile of the server under one kind of load, to find where a request's time goes: starts the compiled server
 * (one process, --cpu-prof) on a fresh database, creates BENCH_OPS Patients, then runs the chosen request mix at 8
 * clients and prints the functions and files with the most self time. Not a benchmark: figures come from `npm run bench`.
 *
 *   npm run build && npx tsx bench/profile-requests.ts [read|search|create|ingest|missing|health]
 *
 * missing: a read of an id that does not exist (404, audited); health: GET /healthz, the floor of the HTTP stack.
 *
 * BENCH_PROFILE=0 runs without the profiler (CPU per request only); BENCH_PROFILE_OUT=file keeps the .cpuprofile.
 */
import '../server/src/polyfills';
import { copyFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openBenchDatabase } from './bench-database';
import { ensureBenchToken } from './bench-token';
import { FhirClient } from './fhir-client';
import { startServerChild } from './server-child';
import { runLoad } from './stats';
import { createPool } from '../server/src/store/pool';
import { patientBodies, readSyntheaBundles } from './synthea-data';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

async function main(): Promise<void> {
  const kind = process.argv[2] ?? 'read';
  const operations = Number(process.env.BENCH_OPS ?? 3000);
  const dir = path.join('/tmp', `iop-cpu-profile-${process.pid}`);
  process.env.WORKERS = '1';
  const database = await openBenchDatabase(console.log);
  const profiling = process.env.BENCH_PROFILE !== '0';
  const extraArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean); // e.g. GC settings to compare
  const server = await startServerChild(database.url, console.log, [...extraArgs, ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [])]);
  const client = new FhirClient(server.fhirBase, await ensureBenchToken(database.url, server.origin, console.log));
  try {
    const synthea = readSyntheaBundles(kind === 'ingest' ? 50 : 20);
    const bodies = patientBodies(synthea.patients);
    if (kind === 'ingest') for (const bundle of synthea.reference) await client.request('POST', '', bundle.text, [200]);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((JSON.parse(await client.request('POST', 'Patient', JSON.stringify(bodies[i % bodies.length]))) as { id: string }).id);
    const ops: Record<string, (i: number) => Promise<unknown>> = {
      read: (i) => client.request('GET', `Patient/${ids[i % ids.length]}`),
      search: (i) => client.request('GET', `Patient?_id=${ids[i % ids.length]}`),
      create: (i) => client.request('POST', 'Patient', JSON.stringify(bodies[i % bodies.length])),
      ingest: (i) => client.request('POST', '', synthea.patients[i % synthea.patients.length].text, [200]),
      health: () => client.request('GET', `${server.origin}/healthz`),
      missing: () => client.request('GET', 'Patient/does-not-exist', undefined, [404]),
    };
    const pool = createPool(database.url, 1);
    const commits = async () => Number((await pool.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0].n);
    const before = await commits();
    // The postmaster is the parent of this connection's backend; its children are this cluster's processes only.
    const backend = Number((await pool.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid);
    const postmaster = Number(readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    const cpuBefore = { server: cpuMs(server.pid), postgres: cpuMs(postmaster), load: process.cpuUsage() };
    const result = await runLoad(operations, 8, (i) => ops[kind](i).then(() => 1));
    const cpu = { server: cpuMs(server.pid) - cpuBefore.server, postgres: cpuMs(postmaster) - cpuBefore.postgres, load: process.cpuUsage(cpuBefore.load) };
    await new Promise((resolve) => setTimeout(resolve, 600)); // the statistics collector reports every 500 ms
    const transactions = (await commits()) - before - 1;
    await pool.end();
    console.log(`${kind}: ${result.perSecond}/s p50 ${result.p50Ms} ms; ${(transactions / operations).toFixed(2)} database transactions per request`);
    // CPU per request is what load on the rest of the machine changes least: it says where the two cores go.
    const perRequest = (ms: number) => (ms / operations).toFixed(3);
    console.log(`CPU per request: server ${perRequest(cpu.server)} ms, PostgreSQL ${perRequest(cpu.postgres)} ms, load generator ${perRequest((cpu.load.user + cpu.load.system) / 1000)} ms${profiling ? ' (server under --cpu-prof; BENCH_PROFILE=0 for plain figures)' : ''}`);
  } finally {
    await client.close();
    await server.stop();
    await database.close();
  }
  if (!profiling) return;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile in ${dir}`);
  if (process.env.BENCH_PROFILE_OUT) copyFileSync(path.join(dir, file), process.env.BENCH_PROFILE_OUT); // for Chrome DevTools
  report(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile);
  rmSync(dir, { recursive: true, force: true });
}

/** User + system CPU in ms of a process and its children (a backend that ended meanwhile is not counted). */
function cpuMs(pid: number): number {
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  const stat = (p: number) => {
    try {
      const text = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // fields[0] is the state (field 3)
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return undefined; // the process ended meanwhile
    }
  };
  const chosen = pids.map((p) => ({ pid: p, ...stat(p) })).filter((s) => s.pid === pid || s.ppid === pid);
  return (chosen.reduce((sum, s) => sum + (s.ticks ?? 0), 0) * 1000) / 100; // clock ticks are 1/100 s on Linux
}

function report(profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^.*node_modules\//, 'npm:').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '') || '(native)';
    byFunction.set(`${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`, (byFunction.get(`${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`) ?? 0) + micros);
    const group = file.startsWith('npm:') ? file.split('/').slice(0, file.startsWith('npm:@') ? 2 : 1).join('/') : file;
    byFile.set(group, (byFile.get(group) ?? 0) + micros);
  }
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, micros]) => `${((100 * micros) / total).toFixed(1).padStart(5)}%  ${name}`).join('\n');
  console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n--- by file/package\n${top(byFile, 25)}\n--- by function\n${top(byFunction, 40)}`);
  // Time spent in libraries (and the runtime), charged to the first frame of our own code that called them.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ours = (id: number) => byId.get(id)!.callFrame.url.includes('/dist/server/');
  const byCaller = new Map<string, number>();
  for (const [id, micros] of self) {
    if (ours(id) || /^\((idle|program|garbage collector|root)\)$/.test(byId.get(id)!.callFrame.functionName)) continue;
    let at: number | undefined = id;
    while (at !== undefined && !ours(at)) at = parent.get(at);
    if (at === undefined) continue;
    const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, '')}:${lineNumber + 1}`;
    byCaller.set(key, (byCaller.get(key) ?? 0) + micros);
  }
  console.log(`--- library time by our calling function\n${top(byCaller, 25)}`);
  // Inclusive time of our functions: every sample with the function on its stack (once per sample).
  const inclusive = new Map<string, number>();
  for (const [id, micros] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (!ours(at)) continue;
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      seen.add(`${functionName || '(anonymous)'} ${url.replace(/^.*\/dist\//, '')}:${lineNumber + 1}`);
    }
    for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
  }
  console.log(`--- inclusive time of our functions\n${top(inclusive, 40)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
