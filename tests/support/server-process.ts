/**
 * Real server processes for tests: the compiled build as `npm start` runs it (built here first, incrementally), or
 * the TypeScript entry under tsx when what is tested is not the build. PORT=0, so no race for a "free" port: the
 * port is read from the "iop-fhir listening" log line (logged once every worker listens), then /readyz is awaited.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  origin: string;
  /** Everything it wrote to stdout so far (pino JSON lines). */
  output(): string;
  exited(): Promise<number | null>;
}

let built = false;
/** Every server this test file started, so a failed test cannot leave one running (stopLeftoverServerProcesses). */
const started = new Set<ChildProcess>();

/** `npm run build` (tsc into dist/), once per test file. */
export function buildServer(): void {
  if (built) return;
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  built = true;
}

export async function startServerProcess(env: NodeJS.ProcessEnv, options: { compiled: boolean }): Promise<ServerProcess> {
  if (options.compiled) buildServer();
  const args = options.compiled ? ['--enable-source-maps', 'dist/server/src/main.js'] : ['--import', 'tsx', 'server/src/main.ts'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  started.add(child);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let listenTimer: NodeJS.Timeout | undefined;
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"port":(\d+)[^\n]*"iop-fhir listening"/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void exit.then((code) => reject(new Error(`server exited with ${code} before listening`)));
    // A first start seeds the demo (minutes on a loaded machine); one that never listens is stopped, not left behind.
    listenTimer = setTimeout(() => {
      void stopProcessTree(child);
      reject(new Error('server did not listen within 5 minutes'));
    }, 300_000);
  }).finally(() => clearTimeout(listenTimer));
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1800; i++) { // up to 3 minutes: a loaded CI machine starts slowly
    if (await fetch(`${origin}/readyz`).then((r) => r.ok, () => false)) {
      return { child, port, origin, output: () => output, exited: () => (child.exitCode !== null ? Promise.resolve(child.exitCode) : exit) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcessTree(child);
  throw new Error('server did not become ready');
}

/** The pids whose parent is `pid` (a cluster primary's workers), from /proc. */
function childPids(pid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number).filter((candidate) => parentPid(candidate) === pid);
}

/** SIGKILL to a server process and its workers (killing only the primary would leave them holding its stdout pipe). */
async function stopProcessTree(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const workers = childPids(child.pid);
  child.kill('SIGKILL');
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
}

/**
 * For afterAll: stops every server this file started that is still running — after a failed expectation, or a start
 * that timed out — so no process outlives its test file (a live child's stdout pipe also keeps the jest worker from
 * exiting). Servers a test stopped itself are left alone.
 */
export async function stopLeftoverServerProcesses(): Promise<void> {
  await Promise.all([...started].map(stopProcessTree));
  started.clear();
}

/**
 * GET /healthz on a new connection each time (no keep-alive), so the cluster may hand it to any worker: the pid that
 * answered, or undefined after `timeoutMs` (a connection the primary accepted just as a worker died can be left
 * unanswered: node:cluster does not hand it to another worker; clients time out and retry, as this does).
 */
export function healthzPid(port: number, timeoutMs = 2_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** The parent pid of a running process (Linux /proc), or undefined when it is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
