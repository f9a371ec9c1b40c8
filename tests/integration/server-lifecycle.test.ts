/**
 * The real process, as `npm start` runs it (the compiled build, WORKERS=2: a primary and two server processes on one
 * port): first start seeds the demo data, both workers answer on the one port, the FHIR API requires a token by
 * default while metadata, discovery, profile pages and health stay public, a worker that dies is replaced, SIGTERM
 * drains in-flight requests and stops every process and the embedded PostgreSQL, and a crash (kill -9 of the primary,
 * PostgreSQL left running) takes the workers with it and does not block the next start.
 * Skipped when DATABASE_URL points at an external PostgreSQL (this is about the embedded one).
 */
import { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openAdminDatabase } from '../../server/src/admin/admin-database';
import { mintScriptToken } from '../../server/src/admin/script-token';
import { healthzPid, parentPid, startServerProcess, stopLeftoverServerProcesses } from '../support/server-process';
import { mentalHealthFiles } from '../support/synthea';

const describeEmbedded = process.env.DATABASE_URL ? describe.skip : describe;
/** The child's public origin: tokens name `${BASE}/fhir` as their audience. */
const BASE = 'http://iop-lifecycle.test';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'iop-lifecycle-'));
});
afterAll(async () => {
  // After a failed expectation the test has not stopped what it started: its servers, and the embedded PostgreSQL they
  // left in the data directory (SIGINT: PostgreSQL's fast shutdown), before the directory goes.
  await stopLeftoverServerProcesses();
  if (existsSync(pidFile())) {
    const pid = postmasterPid();
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
    if (await alive(pid)) process.kill(pid, 'SIGQUIT');
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The compiled server with two workers on the test's DATA_DIR; resolves once /readyz answers. */
async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  // AUTH unset: enforcement is the default.
  const server = await startServerProcess(
    { AUTH: '', BASE_URL: BASE, DATA_DIR: dataDir, DEMO: '1', DATABASE_URL: '', WORKERS: '2' }, { compiled: true },
  );
  return { child: server.child, port: server.port };
}

/** The pids that answer on the port: new connections until two different workers have answered (bounded). */
async function answeringPids(port: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < 40 && pids.size < 2; i++) {
    const pid = await healthzPid(port);
    if (pid !== undefined) pids.add(pid);
  }
  return pids;
}

/** POSTs `body` in two halves: the second only when finish() is called, so the request is surely in flight. */
function slowPost(port: number, token: string, body: string): { status: Promise<number>; finish(): void } {
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/fhir', headers: {
    'Content-Type': 'application/fhir+json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${token}`,
  } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { status, finish: () => req.end(body.slice(half)) };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
const pidFile = () => path.join(dataDir, 'pg', 'postmaster.pid');
const postmasterPid = () => Number(readFileSync(pidFile(), 'utf8').split('\n')[0]);
/** Running (not gone, not a zombie awaiting its reaper), polled briefly because exit follows the pid file's removal. */
async function alive(pid: number): Promise<boolean> {
  const running = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && running(); i++) await new Promise((r) => setTimeout(r, 100));
  return running();
}

/** A system token minted against the running server's own database (joined through DATA_DIR), as scripts do. */
async function systemToken(): Promise<string> {
  const database = await openAdminDatabase({ DATA_DIR: dataDir });
  try {
    return await mintScriptToken(database.pool, { baseUrl: BASE, clientId: 'lifecycle-test', scope: 'system/*.cruds', seconds: 900, admin: true });
  } finally {
    await database.close();
  }
}

/** What `npm start` serves without a token: FHIR data is refused (401 OperationOutcome with a challenge); the rest is public. */
async function checkPublicSurface(port: number): Promise<void> {
  const url = (p: string) => `http://127.0.0.1:${port}${p}`;
  const refused = await fetch(url('/fhir/Patient'));
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer /);
  expect((await refused.json()).resourceType).toBe('OperationOutcome');
  for (const open of ['/healthz', '/fhir/metadata', '/fhir/.well-known/smart-configuration', '/.well-known/openid-configuration', '/fhir/profiles/']) {
    expect([open, (await fetch(url(open))).status]).toEqual([open, 200]);
  }
}

describeEmbedded('server process', () => {
  test('first start seeds the demo; two workers answer on one port and a dead one is replaced; tokens are required; SIGTERM drains a running request and stops every process and PostgreSQL; a crash does not block the next start', async () => {
    const { child: first, port } = await startServer();
    const workers = await answeringPids(port);
    expect(workers.size).toBe(2);
    for (const pid of workers) expect(parentPid(pid)).toBe(first.pid);
    await checkPublicSurface(port);
    const token = await systemToken();
    const authorized = { headers: { Authorization: `Bearer ${token}` } };
    const programs = await (await fetch(`http://127.0.0.1:${port}/fhir/HealthcareService`, authorized)).json();
    expect(programs.entry).toHaveLength(4);
    // The seed ran as the server itself and was audited.
    const audit = await (await fetch(`http://127.0.0.1:${port}/fhir/AuditEvent?agent=iop-fhir-internal&_count=1`, authorized)).json();
    expect(audit.entry?.length ?? 0).toBe(1);

    // A worker killed outright is replaced; the port keeps answering meanwhile and afterwards from two workers.
    const [victim] = workers;
    process.kill(victim, 'SIGKILL');
    expect(await alive(victim)).toBe(false);
    let after = new Set<number>();
    for (let i = 0; i < 300 && after.size < 2; i++) { // the replacement starts within seconds on a quiet machine
      after = await answeringPids(port);
      if (after.size < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.size).toBe(2);
    expect(after.has(victim)).toBe(false);
    for (const pid of after) expect(parentPid(pid)).toBe(first.pid);

    // A request is in flight when SIGTERM arrives: its body is still arriving. It must complete.
    const stubs = readFileSync(mentalHealthFiles()[0], 'utf8');
    const inFlight = slowPost(port, token, stubs);
    await new Promise((r) => setTimeout(r, 500));
    const pgPid = postmasterPid();
    first.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    inFlight.finish();
    expect(await inFlight.status).toBe(200);
    expect(await exited(first)).toBe(0);
    for (const pid of after) expect(await alive(pid)).toBe(false);
    expect(await alive(pgPid)).toBe(false);
    expect(existsSync(pidFile())).toBe(false);

    // Crash: kill -9 the primary; its workers follow it (they lose their channel to it), its PostgreSQL outlives it.
    const { child: second, port: secondPort } = await startServer();
    const secondWorkers = await answeringPids(secondPort);
    const orphanPid = postmasterPid();
    second.kill('SIGKILL');
    await exited(second);
    for (const pid of secondWorkers) expect(await alive(pid)).toBe(false);
    expect(readFileSync(`/proc/${orphanPid}/cmdline`, 'utf8')).toMatch(/postgres/); // still running

    const { child: third, port: thirdPort } = await startServer();
    expect(await alive(orphanPid)).toBe(false);
    const again = await (await fetch(`http://127.0.0.1:${thirdPort}/fhir/HealthcareService`, { headers: { Authorization: `Bearer ${await systemToken()}` } })).json();
    expect(again.entry).toHaveLength(4); // data kept, demo not seeded twice
    third.kill('SIGTERM');
    expect(await exited(third)).toBe(0);
  }, 600_000);
});
