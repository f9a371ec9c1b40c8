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
import { healthzPid, parentPid, startServerProcess } from '../support/server-process';
import { mentalHealthFiles } from '../support/synthea';

const describeEmbedded = process.env.DATABASE_URL ? describe.skip : describe;
/** The child's public origin: tokens name `${BASE}/fhir` as their audience. */
const BASE = 'http://iop-lifecycle.test';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'iop-lifecycle-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 1\n`);
    const workers = await answeringPids(port);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 2\n`);
    expect(workers.size).toBe(2);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 3\n`);
    for (const pid of workers) expect(parentPid(pid)).toBe(first.pid);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 4\n`);
    await checkPublicSurface(port);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 5\n`);
    const token = await systemToken();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 6\n`);
    const authorized = { headers: { Authorization: `Bearer ${token}` } };
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 7\n`);
    const programs = await (await fetch(`http://127.0.0.1:${port}/fhir/HealthcareService`, authorized)).json();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 8\n`);
    expect(programs.entry).toHaveLength(4);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 9\n`);
    // The seed ran as the server itself and was audited.
    const audit = await (await fetch(`http://127.0.0.1:${port}/fhir/AuditEvent?agent=iop-fhir-internal&_count=1`, authorized)).json();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 10\n`);
    expect(audit.entry?.length ?? 0).toBe(1);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 11\n`);

    // A worker killed outright is replaced; the port keeps answering meanwhile and afterwards from two workers.
    const [victim] = workers;
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 12\n`);
    process.kill(victim, 'SIGKILL');
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 13\n`);
    expect(await alive(victim)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 14\n`);
    let after = new Set<number>();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 15\n`);
    for (let i = 0; i < 300 && after.size < 2; i++) { // the replacement starts within seconds on a quiet machine
      after = await answeringPids(port);
      if (after.size < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(after.size).toBe(2);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 16\n`);
    expect(after.has(victim)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 17\n`);
    for (const pid of after) expect(parentPid(pid)).toBe(first.pid);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 18\n`);

    // A request is in flight when SIGTERM arrives: its body is still arriving. It must complete.
    const stubs = readFileSync(mentalHealthFiles()[0], 'utf8');
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 19\n`);
    const inFlight = slowPost(port, token, stubs);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 20\n`);
    await new Promise((r) => setTimeout(r, 500));
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 21\n`);
    const pgPid = postmasterPid();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 22\n`);
    first.kill('SIGTERM');
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 23\n`);
    await new Promise((r) => setTimeout(r, 500));
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 24\n`);
    inFlight.finish();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 25\n`);
    expect(await inFlight.status).toBe(200);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 26\n`);
    expect(await exited(first)).toBe(0);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 27\n`);
    for (const pid of after) expect(await alive(pid)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 28\n`);
    expect(await alive(pgPid)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 29\n`);
    expect(existsSync(pidFile())).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 30\n`);

    // Crash: kill -9 the primary; its workers follow it (they lose their channel to it), its PostgreSQL outlives it.
    const { child: second, port: secondPort } = await startServer();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 31\n`);
    const secondWorkers = await answeringPids(secondPort);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 32\n`);
    const orphanPid = postmasterPid();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 33\n`);
    second.kill('SIGKILL');
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 34\n`);
    await exited(second);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 35\n`);
    for (const pid of secondWorkers) expect(await alive(pid)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 36\n`);
    expect(readFileSync(`/proc/${orphanPid}/cmdline`, 'utf8')).toMatch(/postgres/); // still running

    const { child: third, port: thirdPort } = await startServer();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 37\n`);
    expect(await alive(orphanPid)).toBe(false);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 38\n`);
    const again = await (await fetch(`http://127.0.0.1:${thirdPort}/fhir/HealthcareService`, { headers: { Authorization: `Bearer ${await systemToken()}` } })).json();
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 39\n`);
    expect(again.entry).toHaveLength(4); // data kept, demo not seeded twice
    third.kill('SIGTERM');
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 40\n`);
    expect(await exited(third)).toBe(0);
    require('fs').appendFileSync('/tmp/lc-progress.log', `${new Date().toISOString()} step 41\n`);
  }, 600_000);
});
